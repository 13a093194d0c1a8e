package dev.dtc.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The {@code db-} configurations' tables and their check, over one administrative XA connection per database.
 *
 * <p>Before each point: create the table if needed and empty it, and note the branches already prepared on each
 * server (MySQL's {@code XA RECOVER} lists every database's; PostgreSQL's recover lists this database's and role's).
 * After the point: each table must hold exactly one row per committed transaction (warm-up included), and no branch
 * prepared since the start of the point may be left ({@code pg_prepared_xacts}, {@code XA RECOVER}: read through
 * {@link XAResource#recover}). Any left is reported and rolled back, so the next point starts clean.
 */
final class DatabaseCheck implements AutoCloseable {

    static final String TABLE = "bench_xa_rows";

    /** A coordinator may finish phase two on its own threads after {@code commit()} returned. */
    static final Duration SETTLE = Duration.ofSeconds(10);

    private final Side postgres;
    private final Side mysql;
    private final Duration settle;

    /** @param settle how long to wait for rows and prepared branches to settle before judging */
    DatabaseCheck(XADataSource postgres, XADataSource mysql, Duration settle) throws SQLException {
        this.settle = settle;
        this.postgres = new Side("PostgreSQL", postgres.getXAConnection(), "SET lock_timeout = '10s'",
                "CREATE TABLE IF NOT EXISTS " + TABLE + " (id BIGINT PRIMARY KEY, payload VARCHAR(64) NOT NULL)");
        this.mysql = new Side("MySQL/MariaDB", mysql.getXAConnection(), "SET SESSION lock_wait_timeout = 10",
                "CREATE TABLE IF NOT EXISTS " + TABLE + " (id BIGINT PRIMARY KEY, payload VARCHAR(64) NOT NULL)"
                        + " ENGINE=InnoDB");
    }

    void beforePoint() throws SQLException, XAException {
        postgres.reset();
        mysql.reset();
    }

    /** Prints what it found on standard error; true if both databases hold exactly what was committed. */
    boolean afterPoint(String configuration, int threads, long committedOverall, long failedOverall)
            throws SQLException, XAException, InterruptedException {
        long deadline = System.nanoTime() + settle.toNanos();
        Found pg;
        Found my;
        while (true) {
            pg = postgres.look();
            my = mysql.look();
            boolean settled = pg.leftover.isEmpty() && my.leftover.isEmpty()
                    && pg.rows >= committedOverall && my.rows >= committedOverall;
            if (settled || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(50);
        }
        boolean ok = pg.leftover.isEmpty() && my.leftover.isEmpty()
                && pg.rows >= committedOverall && my.rows >= committedOverall
                && pg.rows <= committedOverall + failedOverall && my.rows <= committedOverall + failedOverall;
        System.err.println("[" + configuration + "] " + threads + " threads: " + committedOverall
                + " committed overall (warm-up included), " + failedOverall + " failed; rows: PostgreSQL " + pg.rows
                + ", MySQL/MariaDB " + my.rows + "; branches left prepared: " + pg.leftover.size() + " + "
                + my.leftover.size() + (ok ? " — every committed transaction is in both databases, nothing in doubt"
                : " — MISMATCH"));
        postgres.rollBack(configuration, pg.leftover);
        mysql.rollBack(configuration, my.leftover);
        return ok;
    }

    @Override
    public void close() {
        postgres.close();
        mysql.close();
    }

    /** Rows in the table, and the branches prepared since the point began. */
    private record Found(long rows, Map<String, Xid> leftover) {
    }

    /** One database: its table, its prepared branches. */
    private static final class Side {
        private final String name;
        private final XAConnection admin;
        private final Connection connection;
        private final XAResource resource;
        private Set<String> preparedBefore = Set.of();

        Side(String name, XAConnection admin, String lockTimeout, String createTable) throws SQLException {
            this.name = name;
            this.admin = admin;
            this.connection = admin.getConnection();
            this.resource = admin.getXAResource();
            try (Statement s = connection.createStatement()) {
                s.execute(lockTimeout);
                s.execute(createTable);
            }
        }

        void reset() throws SQLException, XAException {
            try (Statement s = connection.createStatement()) {
                s.execute("TRUNCATE TABLE " + TABLE);
            } catch (SQLException e) {
                throw new SQLException("cannot empty " + TABLE + " in " + name + " (" + e.getMessage() + "): is a"
                        + " prepared transaction from an interrupted run holding it? See pg_prepared_xacts or XA RECOVER",
                        e.getSQLState(), e);
            }
            preparedBefore = prepared().keySet();
        }

        Found look() throws SQLException, XAException {
            long rows;
            try (Statement s = connection.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + TABLE)) {
                rs.next();
                rows = rs.getLong(1);
            }
            Map<String, Xid> leftover = prepared();
            leftover.keySet().removeAll(preparedBefore);
            return new Found(rows, leftover);
        }

        private Map<String, Xid> prepared() throws XAException {
            Map<String, Xid> out = new LinkedHashMap<>();
            for (Xid xid : resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN)) {
                out.put(BenchXid.key(xid), xid);
            }
            return out;
        }

        void rollBack(String configuration, Map<String, Xid> leftover) {
            for (Map.Entry<String, Xid> e : leftover.entrySet()) {
                try {
                    resource.rollback(e.getValue());
                    System.err.println("[" + configuration + "] rolled back a branch left prepared in " + name + ": " + e.getKey());
                } catch (XAException x) {
                    System.err.println("[" + configuration + "] could not roll back " + e.getKey() + " in " + name
                            + ": XAException " + x.errorCode);
                }
            }
        }

        void close() {
            try {
                admin.close();
            } catch (SQLException e) {
                System.err.println("closing the " + name + " check connection: " + e);
            }
        }
    }
}
