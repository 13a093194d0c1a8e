package dev.dtc.bench;

import dev.dtc.xa.XaDataSources;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The {@code db-} configurations: each transaction inserts one row into a PostgreSQL table and one into a
 * MySQL/MariaDB table, atomically, by two-phase commit over XA. Only the coordinator differs:
 * <ul>
 *   <li>a transaction manager ({@code db-dtc}, {@code db-narayana}): begin, enlist the two XAResources by hand,
 *       insert, commit;</li>
 *   <li>none ({@code db-xa-by-hand}, the floor): the calls a transaction manager makes, in its order, made by the
 *       client itself with a fresh Xid per transaction: start on each, insert on each, end on each, prepare each,
 *       commit each, one after the other; no log.</li>
 * </ul>
 * The connections are the same in all three: each client thread opens one PostgreSQL and one MySQL/MariaDB
 * XAConnection for the point, from the project's XA data sources ({@link XaDataSources}: pgjdbc's
 * {@code PGXADataSource}; Connector/J's {@code MysqlXADataSource} with pinGlobalTxToPhysicalConnection off and an
 * {@code isSameRM} that never joins across connections, which MariaDB cannot do), and prepares its insert once.
 * The check is {@link DatabaseCheck}'s: the rows and the prepared branches the databases really hold.
 */
final class DatabaseWorkload implements Workload {

    private static final String INSERT = "INSERT INTO " + DatabaseCheck.TABLE + " (id, payload) VALUES (?, ?)";

    private final DatabaseSettings settings;
    private final TransactionSystem system;
    private final XADataSource postgres;
    private final XADataSource mysql;
    private final DatabaseCheck check;
    /** Distinguishes this run's by-hand Xids from any other run's on the same servers. */
    private final String runId = UUID.randomUUID().toString().substring(0, 8);

    /** @param system the coordinator, or null to make the XA calls by hand */
    DatabaseWorkload(DatabaseSettings settings, TransactionSystem system) throws SQLException {
        this.settings = settings;
        this.system = system;
        this.postgres = XaDataSources.postgres(settings.postgresUrl(), settings.postgresUser(), settings.postgresPassword());
        this.mysql = XaDataSources.mysql(settings.mysqlUrl(), settings.mysqlUser(), settings.mysqlPassword());
        this.check = new DatabaseCheck(postgres, mysql, DatabaseCheck.SETTLE);
    }

    @Override
    public String describe() {
        return (system == null ? "XA calls made by the client, no transaction manager, no log" : system.describe())
                + "; one INSERT into " + DatabaseCheck.TABLE + " on each of " + settings.describe()
                + ", one XAConnection per database per client thread";
    }

    @Override
    public void beforePoint() throws SQLException, XAException {
        check.beforePoint();
    }

    @Override
    public Client newClient(int index) throws SQLException {
        Connections connections = new Connections(index, postgres.getXAConnection(), mysql.getXAConnection());
        return system == null ? new ByHand(connections) : new Managed(connections, system.transactionManager());
    }

    @Override
    public boolean check(String configuration, int threads, long committedOverall, long failedOverall)
            throws Exception {
        return check.afterPoint(configuration, threads, committedOverall, failedOverall);
    }

    @Override
    public void close() {
        check.close();
        if (system != null) {
            system.close();
        }
    }

    /** One client thread's two XA connections and its prepared inserts. */
    private static final class Connections {
        final XAConnection pgConnection;
        final XAConnection myConnection;
        final XAResource pg;
        final XAResource my;
        final PreparedStatement pgInsert;
        final PreparedStatement myInsert;
        final String payload;
        private final long idBase;
        private long sequence;

        Connections(int client, XAConnection pgConnection, XAConnection myConnection) throws SQLException {
            this.pgConnection = pgConnection;
            this.myConnection = myConnection;
            this.pg = pgConnection.getXAResource();
            this.my = myConnection.getXAResource();
            // one logical connection each for the whole point: pgjdbc closes the previous handle on every getConnection
            Connection pgJdbc = pgConnection.getConnection();
            Connection myJdbc = myConnection.getConnection();
            this.pgInsert = pgJdbc.prepareStatement(INSERT);
            this.myInsert = myJdbc.prepareStatement(INSERT);
            this.payload = "client " + client;
            this.idBase = (long) client << 40;
        }

        /** The next row's id, unique in the point (the tables are emptied before each). */
        long nextId() {
            return idBase | ++sequence;
        }

        void insert(long id) throws SQLException {
            pgInsert.setLong(1, id);
            pgInsert.setString(2, payload);
            pgInsert.executeUpdate();
            myInsert.setLong(1, id);
            myInsert.setString(2, payload);
            myInsert.executeUpdate();
        }

        void close() throws SQLException {
            try {
                pgConnection.close();
            } finally {
                myConnection.close();
            }
        }
    }

    /** Through a transaction manager: begin, enlist both, insert, commit. */
    private static final class Managed implements Client {
        private final Connections c;
        private final TransactionManager tm;

        Managed(Connections c, TransactionManager tm) {
            this.c = c;
            this.tm = tm;
        }

        @Override
        public void transaction() throws Exception {
            long id = c.nextId();
            tm.begin();
            Transaction tx = tm.getTransaction();
            if (!tx.enlistResource(c.pg) || !tx.enlistResource(c.my)) {
                throw new IllegalStateException("enlistResource returned false");
            }
            c.insert(id);
            tm.commit();
        }

        @Override
        public void afterFailure() {
            Threads.clearTransaction(tm);
        }

        @Override
        public void close() throws SQLException {
            c.close();
        }
    }

    /** The floor: a transaction manager's calls, in its order, with no transaction manager. */
    private final class ByHand implements Client {
        private final Connections c;
        private Xid pgXid;
        private Xid myXid;

        ByHand(Connections c) {
            this.c = c;
        }

        @Override
        public void transaction() throws Exception {
            long id = c.nextId();
            String global = "bench-xa-by-hand/" + runId + "/" + Long.toHexString(id);
            pgXid = BenchXid.of(global, "pg");
            myXid = BenchXid.of(global, "my");
            c.pg.start(pgXid, XAResource.TMNOFLAGS);
            c.my.start(myXid, XAResource.TMNOFLAGS);
            c.insert(id);
            c.pg.end(pgXid, XAResource.TMSUCCESS);
            c.my.end(myXid, XAResource.TMSUCCESS);
            c.pg.prepare(pgXid);
            c.my.prepare(myXid);
            c.pg.commit(pgXid, false);
            c.my.commit(myXid, false);
        }

        /** Roll back whatever this transaction's branches got to; a branch that never started just throws. */
        @Override
        public void afterFailure() {
            undo(c.pg, pgXid);
            undo(c.my, myXid);
        }

        private void undo(XAResource resource, Xid xid) {
            if (xid == null) {
                return;
            }
            try {
                resource.end(xid, XAResource.TMFAIL);
            } catch (XAException | RuntimeException ignored) {
                // not active: already ended or never started
            }
            try {
                resource.rollback(xid);
            } catch (XAException | RuntimeException ignored) {
                // nothing to roll back, or already committed; a branch left prepared shows in the point's check
            }
        }

        @Override
        public void close() throws SQLException {
            c.close();
        }
    }
}
