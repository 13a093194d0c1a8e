package dev.dtc.participant;

import java.sql.Connection;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.XAConnection;
import javax.transaction.xa.XAResource;

/**
 * The XA branches of joined transactions that are still ACTIVE: started by the first {@link Participant#join} call
 * of a transaction, used by each later call, and not yet prepared or rolled back. Each holds its connection the
 * whole time: the branch is never XA-ended between calls, because PostgreSQL and MariaDB do not support resuming
 * or joining a branch reliably, so every call of the transaction runs on that same connection (calls are
 * serialised by the transaction's lock).
 *
 * <p>In memory only: a restart rolls the branches back (the database does so when their sessions end), and the
 * coordinator's later prepare finds none here and is answered ABORT.
 */
final class ActiveBranches {

    /** A started branch and the connection it lives on. */
    record Branch(BranchXid xid, XAConnection xaConnection, XAResource resource, Connection connection,
                  Instant joinedAt) {
    }

    private final ConcurrentHashMap<String, Branch> active = new ConcurrentHashMap<>();

    void put(String transactionId, Branch branch) {
        active.put(transactionId, branch);
    }

    Branch get(String transactionId) {
        return active.get(transactionId);
    }

    boolean contains(String transactionId) {
        return active.containsKey(transactionId);
    }

    /** Takes the branch out (the caller prepares or rolls it back and releases its connection), or null. */
    Branch take(String transactionId) {
        return active.remove(transactionId);
    }

    Set<String> transactionIds() {
        return Set.copyOf(active.keySet());
    }

    int size() {
        return active.size();
    }
}
