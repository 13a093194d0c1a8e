package dev.dtc.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dtc.TransactionService;
import dev.dtc.audit.AuditEvent;
import dev.dtc.audit.EventType;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.XAConnection;
import javax.sql.XADataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transaction manager on real PostgreSQL and MySQL/MariaDB XA, asserting on the databases' rows. */
class TwoDatabaseTransactionTest {
    private static final String NODE = "it-2db";
    static OrderDatabases dbs;
    static XADataSource pgDs;
    static XADataSource myDs;

    @TempDir
    Path logDir;
    TransactionService dtc;
    TransactionManager tm;
    final List<AuditEvent> events = new CopyOnWriteArrayList<>();
    final List<XAConnection> opened = new ArrayList<>();

    @BeforeAll
    static void databases() throws Exception {
        dbs = new OrderDatabases();
        pgDs = dbs.pgXa();
        myDs = dbs.myXa();
    }

    @BeforeEach
    void start() {
        dtc = TransactionService.builder().nodeName(NODE).logDirectory(logDir).defaultTimeout(Duration.ofSeconds(30))
                .recoveryInterval(Duration.ZERO).auditListener(events::add).build();
        tm = dtc.transactionManager();
    }

    @AfterEach
    void stop() throws Exception {
        for (XAConnection c : opened) {
            try {
                c.close();
            } catch (Exception ignored) {
                // a test may have broken it on purpose
            }
        }
        dtc.close();
        assertThat(dbs.pgPrepared(NODE)).as("prepared branches left in PostgreSQL").isEmpty();
        assertThat(dbs.myPrepared(NODE)).as("prepared branches left in MySQL").isEmpty();
    }

    private XAConnection open(XADataSource ds) throws Exception {
        XAConnection c = ds.getXAConnection();
        opened.add(c);
        return c;
    }

    private static void insertOrder(Connection c, String id) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO orders (id, amount) VALUES (?, 42)")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    private static void insertStock(Connection c, String id) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO stock (id, qty) VALUES (?, 7)")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    @Test
    void commitsAcrossPostgresAndMysql() throws Exception {
        String id = "commit-" + UUID.randomUUID();
        XAConnection pg = open(pgDs);
        XAConnection my = open(myDs);
        tm.begin();
        Transaction tx = tm.getTransaction();
        tx.enlistResource(pg.getXAResource());
        tx.enlistResource(my.getXAResource());
        insertOrder(pg.getConnection(), id);
        insertStock(my.getConnection(), id);
        tm.commit();
        assertThat(dbs.orderExists(id)).isTrue();
        assertThat(dbs.stockExists(id)).isTrue();
        assertThat(events).extracting(AuditEvent::type).contains(EventType.DECISION_FORCED, EventType.END);
    }

    @Test
    void aDeferredConstraintFailingAtPrepareRollsBothBack() throws Exception {
        String id = "abort-" + UUID.randomUUID();
        XAConnection pg = open(pgDs);
        XAConnection my = open(myDs);
        tm.begin();
        Transaction tx = tm.getTransaction();
        tx.enlistResource(my.getXAResource());
        tx.enlistResource(pg.getXAResource());
        insertStock(my.getConnection(), id);
        try (PreparedStatement ps = pg.getConnection().prepareStatement(
                "INSERT INTO order_notes (id, order_id) VALUES (?, 'no-such-order')")) {
            ps.setString(1, id);
            ps.executeUpdate(); // accepted now, checked at PREPARE TRANSACTION
        }
        assertThatThrownBy(tm::commit).isInstanceOf(RollbackException.class).hasMessageContaining("prepare");
        assertThat(dbs.stockExists(id)).isFalse();
        assertThat(events).extracting(AuditEvent::type).doesNotContain(EventType.DECISION_FORCED);
    }

    @Test
    void rollbackOnlyLeavesBothDatabasesUnchanged() throws Exception {
        String id = "rbonly-" + UUID.randomUUID();
        XAConnection pg = open(pgDs);
        XAConnection my = open(myDs);
        tm.begin();
        Transaction tx = tm.getTransaction();
        tx.enlistResource(pg.getXAResource());
        tx.enlistResource(my.getXAResource());
        insertOrder(pg.getConnection(), id);
        insertStock(my.getConnection(), id);
        tm.setRollbackOnly();
        assertThatThrownBy(tm::commit).isInstanceOf(RollbackException.class);
        assertThat(dbs.orderExists(id)).isFalse();
        assertThat(dbs.stockExists(id)).isFalse();
    }

    @Test
    void aPrepareBlockedPastTheTimeoutRollsEverythingBack() throws Exception {
        String id = "slow-" + UUID.randomUUID();
        XAConnection pg = open(pgDs);
        XAConnection my = open(myDs);
        HookedXAResource slowMy = new HookedXAResource("stock-mysql", my.getXAResource());
        slowMy.beforePrepare = () -> HookedXAResource.sleep(5_000);
        tm.setTransactionTimeout(2);
        tm.begin();
        Transaction tx = tm.getTransaction();
        tx.enlistResource(pg.getXAResource());
        tx.enlistResource(slowMy);
        insertOrder(pg.getConnection(), id);
        insertStock(my.getConnection(), id);
        long t0 = System.nanoTime();
        assertThatThrownBy(tm::commit).isInstanceOf(RollbackException.class).hasMessageContaining("no answer");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).as("returned within the 2 s timeout plus slack").isLessThan(4_500);
        assertThat(dbs.orderExists(id)).isFalse();
        // the slow branch prepares late and is then rolled back
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> events.stream().filter(e -> e.type() == EventType.ROLLED_BACK).count() == 2);
        assertThat(dbs.stockExists(id)).isFalse();
    }

    @Test
    void oneResourceCommitsInOnePhaseWithoutALogRecord() throws Exception {
        String id = "1pc-" + UUID.randomUUID();
        XAConnection pg = open(pgDs);
        tm.begin();
        tm.getTransaction().enlistResource(pg.getXAResource());
        insertOrder(pg.getConnection(), id);
        tm.commit();
        assertThat(dbs.orderExists(id)).isTrue();
        assertThat(events).extracting(AuditEvent::type).doesNotContain(EventType.PREPARE_SENT, EventType.DECISION_FORCED);
        assertThat(events).filteredOn(e -> e.type() == EventType.COMMIT_SENT).singleElement()
                .extracting(AuditEvent::detail).isEqualTo("one-phase");
    }

    @Test
    void manyConcurrentTransactionsAllCommitInBothDatabases() throws Exception {
        String prefix = "conc-" + UUID.randomUUID() + "-";
        int threads = 8;
        int perThread = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                fs.add(pool.submit(() -> {
                    try (XAConnectionPair pair = new XAConnectionPair(pgDs.getXAConnection(), myDs.getXAConnection())) {
                        for (int i = 0; i < perThread; i++) {
                            String id = prefix + thread + "-" + i;
                            tm.begin();
                            tm.getTransaction().enlistResource(pair.pg.getXAResource());
                            tm.getTransaction().enlistResource(pair.my.getXAResource());
                            insertOrder(pair.pg.getConnection(), id);
                            insertStock(pair.my.getConnection(), id);
                            tm.commit();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(5, java.util.concurrent.TimeUnit.MINUTES); // a lost wake-up fails the test instead of hanging it
            }
        } finally {
            pool.shutdown();
        }
        assertThat(dbs.countOrders(prefix)).isEqualTo(threads * perThread);
        assertThat(dbs.countStock(prefix)).isEqualTo(threads * perThread);
    }

    private record XAConnectionPair(XAConnection pg, XAConnection my) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            pg.close();
            my.close();
        }
    }
}
