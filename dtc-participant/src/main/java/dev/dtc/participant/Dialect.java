package dev.dtc.participant;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * What differs between the databases the kit supports: the records table's DDL and the server's readiness for
 * two-phase commit. Everything else is plain JDBC and XA.
 */
enum Dialect {

    /**
     * PostgreSQL. {@code PREPARE TRANSACTION} is disabled unless {@code max_prepared_transactions} is above 0
     * (the default is 0), and every prepare would then fail: refused at start with what to change.
     */
    POSTGRES {
        @Override
        String createTable(String table) {
            return "CREATE TABLE IF NOT EXISTS " + table + " (participant VARCHAR(64) NOT NULL,"
                    + " transaction_id VARCHAR(64) NOT NULL, state VARCHAR(16) NOT NULL, reason VARCHAR(1000),"
                    + " updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,"
                    + " PRIMARY KEY (participant, transaction_id))";
        }

        @Override
        void checkServer(Connection c) throws SQLException {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW max_prepared_transactions")) {
                rs.next();
                int max = rs.getInt(1);
                if (max <= 0) {
                    throw new IllegalStateException("PostgreSQL has max_prepared_transactions = " + max
                            + ", which disables PREPARE TRANSACTION, so this participant could never prepare. Set"
                            + " max_prepared_transactions to at least the number of transactions that may be in"
                            + " doubt at once (e.g. 100) in postgresql.conf, or ALTER SYSTEM SET"
                            + " max_prepared_transactions = 100, and restart PostgreSQL.");
                }
            }
        }
    },

    /**
     * MySQL, or MariaDB through MySQL Connector/J. The ids are ASCII compared byte for byte: the server's default
     * collation ignores case, and transaction ids "a" and "A" are different transactions.
     */
    MYSQL {
        @Override
        String createTable(String table) {
            return "CREATE TABLE IF NOT EXISTS " + table + " (participant VARCHAR(64) CHARACTER SET ascii COLLATE"
                    + " ascii_bin NOT NULL, transaction_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
                    + " state VARCHAR(16) NOT NULL, reason VARCHAR(1000), updated_at TIMESTAMP NOT NULL DEFAULT"
                    + " CURRENT_TIMESTAMP, PRIMARY KEY (participant, transaction_id)) ENGINE=InnoDB";
        }

        @Override
        void checkServer(Connection c) throws SQLException {
            // XA RECOVER needs XA_RECOVER_ADMIN on MySQL 8; without it recovery is blind. Fail now, not later.
            try (Statement s = c.createStatement()) {
                s.executeQuery("XA RECOVER").close();
            } catch (SQLException e) {
                throw new IllegalStateException("this participant's database user may not run XA RECOVER, so"
                        + " recovery could not find its prepared transactions after a crash. As an administrator"
                        + " run: GRANT XA_RECOVER_ADMIN ON *.* TO '<user>'@'%'; (" + e.getMessage() + ")", e);
            }
        }
    };

    /**
     * True when a prepared branch lives on without the session that prepared it, so phase two may come through
     * any connection and the preparing one can go back to the pool at once: PostgreSQL's prepared transactions
     * belong to the server ({@code COMMIT PREPARED} works from any session of the user). MySQL and MariaDB keep
     * an XA branch with its session while that session lives (MariaDB 10.11 answers other sessions XAER_NOTA),
     * so there the connection stays with the branch until phase two.
     */
    boolean preparedBranchOutlivesSession() {
        return this == POSTGRES;
    }

    /**
     * Bounds how long the statements of the branch that {@code c} works in may wait for a row lock, so that work
     * blocked behind another transaction's locks (a branch prepared before a crash holds them until recovery)
     * gives up and the prepare votes ABORT instead of holding a connection past the time the coordinator waits.
     * PostgreSQL: {@code SET LOCAL lock_timeout}, which ends with the branch. MySQL/MariaDB:
     * {@code innodb_lock_wait_timeout} of the session, in whole seconds (at least 1), which outlives the branch:
     * {@link #unboundLockWait} restores the server's default before the connection works without a bound.
     */
    void boundLockWait(Connection c, long millis) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (this == POSTGRES) {
                s.execute("SET LOCAL lock_timeout = " + Math.max(1, millis));
            } else {
                s.execute("SET SESSION innodb_lock_wait_timeout = " + Math.max(1, (millis + 999) / 1000));
            }
        }
    }

    /** Undoes a session-wide {@link #boundLockWait} (MySQL/MariaDB); nothing to undo on PostgreSQL. */
    void unboundLockWait(Connection c) throws SQLException {
        if (this == MYSQL) {
            try (Statement s = c.createStatement()) {
                s.execute("SET SESSION innodb_lock_wait_timeout = DEFAULT");
            }
        }
    }

    /** The statement that creates the records table if it does not exist. */
    abstract String createTable(String table);

    /** Throws {@link IllegalStateException} saying what to fix if the server cannot take part in 2PC. */
    abstract void checkServer(Connection c) throws SQLException;

    static Dialect of(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        if (product.contains("postgres")) {
            return POSTGRES;
        }
        if (product.contains("mysql") || product.contains("mariadb")) {
            return MYSQL;
        }
        throw new IllegalStateException("the participant kit supports PostgreSQL, MySQL and MariaDB; the XA data"
                + " source connects to " + c.getMetaData().getDatabaseProductName());
    }
}
