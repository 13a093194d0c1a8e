package dev.dtc.participant;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.XAConnection;

/**
 * The branches this process prepared and has not yet committed or rolled back, each with the connection that
 * prepared it where the database ties the branch to it (MySQL, MariaDB; none on PostgreSQL, see
 * {@link Dialect#preparedBranchOutlivesSession()}). Phase two goes through that same connection while the kit holds it: MariaDB (10.11) answers
 * XAER_NOTA to any <em>other</em> session for a branch whose preparing session is still connected, so a commit
 * from a fresh connection would wrongly look like "already finished". Only after that connection is closed (a
 * crash, {@link Participant#close()}, or a failure on it) does phase two use a fresh one.
 */
final class PreparedBranches {

    /** @param connection the preparing connection, or null if the branch does not need it */
    record Held(XAConnection connection, Instant preparedAt) {
    }

    private final ConcurrentHashMap<String, Held> held = new ConcurrentHashMap<>();

    void put(String transactionId, XAConnection connection) {
        held.put(transactionId, new Held(connection, Instant.now()));
    }

    /** When this process prepared the branch, or null if it holds no such branch. */
    Instant preparedAt(String transactionId) {
        Held h = held.get(transactionId);
        return h == null ? null : h.preparedAt();
    }

    boolean contains(String transactionId) {
        return held.containsKey(transactionId);
    }

    /** Takes the branch's connection out (the caller finishes the branch and gives the connection back), or null. */
    Held take(String transactionId) {
        return held.remove(transactionId);
    }

    Set<String> transactionIds() {
        return Set.copyOf(held.keySet());
    }

    /** Closes every held connection; their branches stay prepared in the database for recovery to finish. */
    void closeAll(XaConnections connections) {
        for (String id : transactionIds()) {
            Held h = held.remove(id);
            if (h != null && h.connection() != null) {
                connections.discard(h.connection());
            }
        }
    }
}
