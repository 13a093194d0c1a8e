package dev.dtc.participant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import javax.sql.XAConnection;

/**
 * The durable memory of what this participant answered, one row per transaction in a table of the service's own
 * database: {@code (participant, transaction_id, state, reason, updated_at)}, key {@code (participant,
 * transaction_id)}. It is what makes prepare idempotent across restarts and keeps a late prepare from redoing work
 * that was already rolled back.
 *
 * <p>The COMMITTED row is written <em>inside</em> the transaction's XA branch, after the work: it becomes visible
 * exactly when the work commits and vanishes if the branch rolls back, so the record and the work can never
 * disagree, and no second write is needed at commit. The other states (ABORTED, READ_ONLY, ROLLED_BACK) are
 * written with autocommit on a connection outside any branch, once there is no branch left to hold them.
 *
 * <p>A prepared branch's row is invisible to other sessions (and on PostgreSQL a second insert of the same key
 * would block until the branch is resolved), so "no row" does not mean "never heard of it": callers first ask
 * {@link PreparedBranches} and the database's list of prepared branches.
 */
final class OutcomeRecords {

    /** What a row says happened to this participant's part of a transaction. */
    enum State {
        /** The work committed (the row committed with it). */
        COMMITTED,
        /** The participant voted ABORT (refused or failed); the reason says why. */
        ABORTED,
        /** Nothing to do here; voted READ_ONLY. */
        READ_ONLY,
        /** Rolled back on the coordinator's word, before or after a prepare: a later prepare votes ABORT. */
        ROLLED_BACK
    }

    record Outcome(State state, String reason) {
    }

    /** Reasons are for people; the column is bounded so that a huge exception message cannot fail the write. */
    private static final int MAX_REASON = 1000;

    private final String table;
    private final String participant;
    private final XaConnections connections;

    OutcomeRecords(String table, String participant, XaConnections connections) {
        this.table = table;
        this.participant = participant;
        this.connections = connections;
    }

    String table() {
        return table;
    }

    /** Creates the table if missing and returns the server's dialect, checked for two-phase commit. */
    Dialect createTable() throws SQLException {
        return withConnection(c -> {
            Dialect dialect = Dialect.of(c);
            dialect.checkServer(c);
            try (Statement s = c.createStatement()) {
                s.execute(dialect.createTable(table));
            }
            return dialect;
        });
    }

    /** The committed row for a transaction, if there is one. */
    Optional<Outcome> find(String transactionId) throws SQLException {
        return withConnection(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT state, reason FROM " + table + " WHERE participant = ? AND transaction_id = ?")) {
                s.setString(1, participant);
                s.setString(2, transactionId);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(new Outcome(State.valueOf(rs.getString(1)), rs.getString(2)))
                            : Optional.<Outcome>empty();
                }
            }
        });
    }

    /** Writes a row on its own (autocommit), for a transaction that has no branch in the database now. */
    void write(String transactionId, State state, String reason) throws SQLException {
        withConnection(c -> {
            insert(c, transactionId, state, reason);
            return null;
        });
    }

    /** Writes the COMMITTED row on the branch's own connection, so that it commits or rolls back with the work. */
    void insertCommittedInBranch(Connection branch, String transactionId) throws SQLException {
        insert(branch, transactionId, State.COMMITTED, null);
    }

    private void insert(Connection c, String transactionId, State state, String reason) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + table
                + " (participant, transaction_id, state, reason, updated_at) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)")) {
            s.setString(1, participant);
            s.setString(2, transactionId);
            s.setString(3, state.name());
            s.setString(4, reason == null || reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON));
            s.executeUpdate();
        }
    }

    private interface Use<T> {
        T apply(Connection c) throws SQLException;
    }

    /** Runs on a pooled connection outside any branch, with autocommit on (a branch may have turned it off). */
    private <T> T withConnection(Use<T> use) throws SQLException {
        XAConnection xc = connections.borrow();
        boolean clean = false;
        try {
            T result;
            try (Connection c = xc.getConnection()) {
                c.setAutoCommit(true);
                result = use.apply(c);
            }
            clean = true;
            return result;
        } finally {
            if (clean) {
                connections.giveBack(xc);
            } else {
                connections.discard(xc);
            }
        }
    }
}
