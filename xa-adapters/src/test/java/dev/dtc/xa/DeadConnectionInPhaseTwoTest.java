package dev.dtc.xa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dtc.TransactionService;
import dev.dtc.audit.AuditEvent;
import dev.dtc.audit.EventType;
import dev.dtc.testdb.DatabaseServer;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.sql.XAConnection;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Phase 2 is never stuck on a dead connection: the session of one branch is killed on the server between prepare
 * and commit. The transaction is decided, so the caller is told it committed; the commit on the dead connection
 * fails (pgjdbc answers XAER_RMERR for the ended session, Connector/J XAER_RMFAIL), phase 2 hands the branch to
 * recovery after at most a few seconds of retries, and recovery commits it through the registered resource's own
 * connection: no restart, and no periodic recovery pass (it is switched off here).
 */
class DeadConnectionInPhaseTwoTest {
    private static final String NODE = "it-deadconn";
    static OrderDatabases dbs;

    @TempDir
    Path logDir;
    TransactionService dtc;
    final Queue<AuditEvent> events = new ConcurrentLinkedQueue<>();
    List<AutoCloseable> closers;

    @BeforeAll
    static void databases() throws Exception {
        dbs = new OrderDatabases();
    }

    @BeforeEach
    void start() {
        dtc = TransactionService.builder().nodeName(NODE).logDirectory(logDir)
                .recoveryInterval(Duration.ZERO) // only the hand-over may drive recovery here
                .auditListener(events::add).build();
        closers = List.of(XaRecovery.register(dtc.recovery(), "orders-pg", dbs.pgXa()),
                XaRecovery.register(dtc.recovery(), "stock-mysql", dbs.myXa()));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closers) {
            c.close();
        }
        dtc.close();
    }

    @Test
    void aPostgresSessionKilledBeforeItsCommitIsCommittedByRecoveryWithoutARestart() throws Exception {
        String id = "dead-pg-" + UUID.randomUUID();
        runWithOneSessionKilledBeforeCommit(id, true);
    }

    @Test
    void aMysqlSessionKilledBeforeItsCommitIsCommittedByRecoveryWithoutARestart() throws Exception {
        String id = "dead-my-" + UUID.randomUUID();
        runWithOneSessionKilledBeforeCommit(id, false);
    }

    /**
     * The same through the pooled data sources, as applications use them: the pooled PostgreSQL session is killed
     * once its branch is prepared (a third branch's prepare waits for that and kills it). The connection is
     * evicted, and recovery commits the branch through the data source's own registration.
     */
    @Test
    void aPooledPostgresSessionKilledAfterPrepareIsCommittedByRecoveryAndNeverPooledAgain() throws Exception {
        String id = "dead-pool-" + UUID.randomUUID();
        try (TransactionalDataSource orders = XaDataSources.postgres(dtc, dbs.pg.jdbcUrl(OrderDatabases.DB),
                dbs.pg.user(), dbs.pg.password(), PoolSettings.builder().name("orders").maxSize(2).build());
             TransactionalDataSource stock = XaDataSources.mysql(dtc, dbs.my.jdbcUrl(OrderDatabases.DB),
                     dbs.my.user(), dbs.my.password(), PoolSettings.builder().name("stock").maxSize(2).build())) {
            TransactionManager tm = dtc.transactionManager();
            tm.begin();
            long pgPid;
            try (Connection o = orders.getConnection(); Connection st = stock.getConnection()) {
                insert(o, "INSERT INTO orders (id, amount) VALUES (?, 10)", id);
                insert(st, "INSERT INTO stock (id, qty) VALUES (?, 1)", id);
                pgPid = scalar(o, "SELECT pg_backend_pid()");
            }
            // votes commit once PostgreSQL's branch is prepared, after killing the session that holds it
            tm.getTransaction().enlistResource(new KillerVote(() -> {
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !dbs.pgPrepared(NODE).isEmpty());
                kill(dbs.pg, "SELECT pg_terminate_backend(" + pgPid + ")");
            }));
            tm.commit(); // decided: committed for the caller

            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() ->
                    dbs.orderExists(id) && dbs.stockExists(id) && dbs.pgPrepared(NODE).isEmpty()
                            && dbs.myPrepared(NODE).isEmpty());
            assertThat(events).anyMatch(e -> e.type() == EventType.HANDED_TO_RECOVERY);
            assertThat(events).anyMatch(e -> e.type() == EventType.RECOVERY_COMMIT);
            assertThat(events).noneMatch(e -> e.type() == EventType.HEURISTIC);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> orders.stats().active() == 0);
            assertThat(orders.stats().flushed()).as("the dead connection was closed, not pooled").isGreaterThanOrEqualTo(1);
            // and the pool works on
            tm.begin();
            try (Connection o = orders.getConnection()) {
                insert(o, "INSERT INTO orders (id, amount) VALUES (?, 11)", id + "-next");
            }
            tm.commit();
            assertThat(dbs.orderExists(id + "-next")).isTrue();
        }
    }

    private void runWithOneSessionKilledBeforeCommit(String id, boolean killPostgres) throws Exception {
        XAConnection pg = dbs.pgXa().getXAConnection();
        XAConnection my = dbs.myXa().getXAConnection();
        try {
            HookedXAResource pgRes = new HookedXAResource("orders-pg", pg.getXAResource());
            HookedXAResource myRes = new HookedXAResource("stock-mysql", my.getXAResource());
            long pgPid = scalar(pg.getConnection(), "SELECT pg_backend_pid()");
            long myId = scalar(my.getConnection(), "SELECT CONNECTION_ID()");
            HookedXAResource victim = killPostgres ? pgRes : myRes;
            victim.beforeCommit = () -> {
                victim.beforeCommit = () -> { }; // only the first commit: retries go to the dead connection as they are
                if (killPostgres) {
                    kill(dbs.pg, "SELECT pg_terminate_backend(" + pgPid + ")");
                } else {
                    kill(dbs.my, "KILL " + myId);
                }
            };

            TransactionManager tm = dtc.transactionManager();
            tm.begin();
            tm.getTransaction().enlistResource(pgRes);
            tm.getTransaction().enlistResource(myRes);
            insert(pg.getConnection(), "INSERT INTO orders (id, amount) VALUES (?, 10)", id);
            insert(my.getConnection(), "INSERT INTO stock (id, qty) VALUES (?, 1)", id);
            tm.commit(); // decided: the caller is told it committed, whatever the dead session says

            String victimBranch = killPostgres ? ":1" : ":2"; // branch qualifiers follow the enlistment order
            // seconds in practice (retries about 3 s, then a recovery pass); the limit is generous for slow machines
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() ->
                    dbs.orderExists(id) && dbs.stockExists(id) && dbs.pgPrepared(NODE).isEmpty()
                            && dbs.myPrepared(NODE).isEmpty());
            assertThat(events).as("the dead connection's branch went to recovery")
                    .anyMatch(e -> e.type() == EventType.HANDED_TO_RECOVERY && e.branch().endsWith(victimBranch));
            assertThat(events).as("and recovery committed it")
                    .anyMatch(e -> e.type() == EventType.RECOVERY_COMMIT && e.branch().endsWith(victimBranch));
            assertThat(events).noneMatch(e -> e.type() == EventType.HEURISTIC);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> dtc.recovery().pending().isEmpty());
        } finally {
            closeQuietly(pg);
            closeQuietly(my);
        }
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void insert(Connection c, String sql, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    private static void kill(DatabaseServer server, String sql) {
        try (Connection c = server.connect(OrderDatabases.DB); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("could not kill the session: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(XAConnection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException ignored) {
            // the killed one is dead already
        }
    }

    /** A third participant that does no work: its prepare runs {@code onPrepare}, then it votes commit. */
    private static final class KillerVote implements javax.transaction.xa.XAResource {
        private final Runnable onPrepare;

        KillerVote(Runnable onPrepare) {
            this.onPrepare = onPrepare;
        }

        @Override
        public int prepare(javax.transaction.xa.Xid xid) {
            onPrepare.run();
            return XA_OK;
        }

        @Override
        public void start(javax.transaction.xa.Xid xid, int flags) {
        }

        @Override
        public void end(javax.transaction.xa.Xid xid, int flags) {
        }

        @Override
        public void commit(javax.transaction.xa.Xid xid, boolean onePhase) {
        }

        @Override
        public void rollback(javax.transaction.xa.Xid xid) {
        }

        @Override
        public void forget(javax.transaction.xa.Xid xid) {
        }

        @Override
        public javax.transaction.xa.Xid[] recover(int flag) {
            return new javax.transaction.xa.Xid[0];
        }

        @Override
        public boolean isSameRM(javax.transaction.xa.XAResource other) {
            return other == this;
        }

        @Override
        public int getTransactionTimeout() {
            return 0;
        }

        @Override
        public boolean setTransactionTimeout(int seconds) {
            return false;
        }
    }
}
