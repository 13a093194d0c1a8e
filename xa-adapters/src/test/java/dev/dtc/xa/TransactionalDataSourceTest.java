package dev.dtc.xa;

import static dev.dtc.xa.PooledJdbc.count;
import static dev.dtc.xa.PooledJdbc.insertOrder;
import static dev.dtc.xa.PooledJdbc.insertStock;
import static dev.dtc.xa.PooledJdbc.myBackend;
import static dev.dtc.xa.PooledJdbc.pgBackend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dtc.ConfigurationException;
import dev.dtc.TransactionService;
import dev.dtc.audit.AuditEvent;
import dev.dtc.audit.EventType;
import dev.dtc.testdb.DatabaseServer;
import dev.dtc.testdb.TestDatabases;
import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.Transaction;
import jakarta.transaction.UserTransaction;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pooled data sources on real PostgreSQL and MySQL/MariaDB: plain JDBC inside {@code UserTransaction}, no
 * enlisting by hand, asserting on the databases' rows, the audit trail and the pools' counters.
 */
class TransactionalDataSourceTest {
    private static final String NODE = "it-pool";
    static OrderDatabases dbs;

    @TempDir
    Path logDir;
    TransactionService dtc;
    UserTransaction ut;
    TransactionalDataSource orders;
    TransactionalDataSource stock;
    final List<AuditEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void databases() throws Exception {
        dbs = new OrderDatabases();
    }

    @BeforeEach
    void start() {
        dtc = TransactionService.builder().nodeName(NODE).logDirectory(logDir).defaultTimeout(Duration.ofSeconds(30))
                .recoveryInterval(Duration.ZERO).auditListener(events::add).build();
        ut = dtc.userTransaction();
        orders = postgres(PoolSettings.builder().name("orders").maxSize(8).build());
        stock = mysql(PoolSettings.builder().name("stock").maxSize(8).build());
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (dtc.transactionManager().getTransaction() != null) {
                dtc.transactionManager().rollback(); // a failed test must not leave its transaction to the next
            }
        } finally {
            orders.close();
            stock.close();
            dtc.close();
        }
        assertThat(dbs.pgPrepared(NODE)).as("prepared branches left in PostgreSQL").isEmpty();
        assertThat(dbs.myPrepared(NODE)).as("prepared branches left in MySQL").isEmpty();
    }

    private TransactionalDataSource postgres(PoolSettings settings) {
        return XaDataSources.postgres(dtc, dbs.pg.jdbcUrl(OrderDatabases.DB), dbs.pg.user(), dbs.pg.password(), settings);
    }

    private TransactionalDataSource mysql(PoolSettings settings) {
        return XaDataSources.mysql(dtc, dbs.my.jdbcUrl(OrderDatabases.DB), dbs.my.user(), dbs.my.password(), settings);
    }

    private long eventsOf(EventType type) {
        return events.stream().filter(e -> e.type() == type).count();
    }

    @Test
    void jdbcInsideATransactionCommitsInBothDatabasesWithoutEnlistingByHand() throws Exception {
        String id = "pool-commit-" + UUID.randomUUID();
        ut.begin();
        try (Connection o = orders.getConnection(); Connection s = stock.getConnection()) {
            insertOrder(o, id);
            insertStock(s, id);
        }
        assertThat(dbs.orderExists(id)).as("not visible before commit").isFalse();
        ut.commit();

        assertThat(dbs.orderExists(id)).isTrue();
        assertThat(dbs.stockExists(id)).isTrue();
        assertThat(eventsOf(EventType.ENLIST)).as("one branch per data source").isEqualTo(2);
        assertThat(eventsOf(EventType.PREPARE_SENT)).isEqualTo(2);
        assertThat(eventsOf(EventType.DECISION_FORCED)).isEqualTo(1);
        assertThat(orders.stats().active()).isZero();
        assertThat(stock.stats().active()).isZero();
    }

    @Test
    void rollbackLeavesBothDatabasesUnchanged() throws Exception {
        String id = "pool-rollback-" + UUID.randomUUID();
        ut.begin();
        try (Connection o = orders.getConnection(); Connection s = stock.getConnection()) {
            insertOrder(o, id);
            insertStock(s, id);
        }
        ut.rollback();

        assertThat(dbs.orderExists(id)).isFalse();
        assertThat(dbs.stockExists(id)).isFalse();
        assertThat(eventsOf(EventType.ROLLED_BACK)).isEqualTo(2);
        assertThat(orders.stats().active()).isZero();
        assertThat(stock.stats().active()).isZero();
    }

    @Test
    void aDatabaseVotingAbortRollsBackTheOther() throws Exception {
        String id = "pool-vote-" + UUID.randomUUID();
        ut.begin();
        try (Connection s = stock.getConnection(); Connection o = orders.getConnection();
             PreparedStatement note = o.prepareStatement("INSERT INTO order_notes (id, order_id) VALUES (?, 'no-such-order')")) {
            insertStock(s, id);
            note.setString(1, id);
            note.executeUpdate(); // the deferred foreign key is checked at PREPARE TRANSACTION
        }
        assertThatThrownBy(ut::commit).isInstanceOf(RollbackException.class);

        assertThat(dbs.stockExists(id)).isFalse();
        assertThat(eventsOf(EventType.VOTE_ABORT)).isEqualTo(1);
        assertThat(eventsOf(EventType.DECISION_FORCED)).isZero();
        assertThat(orders.stats().flushed()).as("the connection whose prepare failed is not pooled again").isEqualTo(1);
        assertThat(orders.stats().active()).isZero();
        assertThat(stock.stats().active()).isZero();
    }

    @Test
    void aTransactionEndingInAnUnknownStatusClosesItsConnectionsInsteadOfPoolingThem() throws Exception {
        String id = "pool-unknown-" + UUID.randomUUID();
        ut.begin();
        // a third resource that answers commit with XA_HEURMIX: dtc ends the transaction in STATUS_UNKNOWN
        dtc.transactionManager().getTransaction().enlistResource(new HeuristicMixedOnCommit());
        try (Connection o = orders.getConnection(); Connection s = stock.getConnection()) {
            insertOrder(o, id);
            insertStock(s, id);
        }
        assertThatThrownBy(ut::commit).isInstanceOf(HeuristicMixedException.class);

        assertThat(dbs.orderExists(id) && dbs.stockExists(id)).as("both databases did commit").isTrue();
        assertThat(eventsOf(EventType.HEURISTIC)).isEqualTo(1);
        for (TransactionalDataSource ds : List.of(orders, stock)) {
            assertThat(ds.stats().flushed()).as("%s flushed: closed, not pooled", ds.name()).isEqualTo(1);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> ds.stats().destroyed() == 1);
            assertThat(ds.stats().available()).as("%s available", ds.name()).isZero();
            assertThat(ds.stats().active()).as("%s active", ds.name()).isZero();
        }

        ut.begin();
        try (Connection o = orders.getConnection()) {
            insertOrder(o, id + "-next");
        }
        ut.commit();
        assertThat(orders.stats().created()).as("the next transaction got a new connection").isEqualTo(2);
        assertThat(orders.stats().flushed()).as("and that one went back to the pool").isEqualTo(1);
        assertThat(orders.stats().available()).isEqualTo(1);
    }

    @Test
    void everyGetConnectionInOneTransactionIsOnTheSameBranchAndPhysicalConnection() throws Exception {
        String a = "pool-same-a-" + UUID.randomUUID();
        String b = "pool-same-b-" + UUID.randomUUID();
        ut.begin();
        long pg1;
        long pg2;
        long pg3;
        long my1;
        long my2;
        try (Connection o1 = orders.getConnection(); Connection s1 = stock.getConnection()) {
            pg1 = pgBackend(o1);
            my1 = myBackend(s1);
            insertOrder(o1, a);
            insertStock(s1, a);
            try (Connection o2 = orders.getConnection()) { // a second handle while the first is open
                pg2 = pgBackend(o2);
                assertThat(count(o2, "orders", a)).as("sees the first handle's uncommitted row").isEqualTo(1);
            }
        }
        try (Connection o3 = orders.getConnection(); Connection s2 = stock.getConnection()) { // after closing them
            pg3 = pgBackend(o3);
            my2 = myBackend(s2);
            assertThat(count(s2, "stock", a)).as("sees the first handle's uncommitted row").isEqualTo(1);
            insertOrder(o3, b);
            insertStock(s2, b);
        }
        ut.commit();

        assertThat(pg2).isEqualTo(pg1);
        assertThat(pg3).isEqualTo(pg1);
        assertThat(my2).isEqualTo(my1);
        assertThat(events).filteredOn(e -> e.type() == EventType.ENLIST).as("one ENLIST per data source").hasSize(2)
                .extracting(AuditEvent::branch).doesNotHaveDuplicates();
        assertThat(eventsOf(EventType.PREPARE_SENT)).as("one branch per data source").isEqualTo(2);
        assertThat(dbs.orderExists(a) && dbs.orderExists(b)).isTrue();
        assertThat(dbs.stockExists(a) && dbs.stockExists(b)).isTrue();
        assertThat(orders.stats().active()).isZero();
        assertThat(stock.stats().active()).isZero();
    }

    @Test
    void closingAConnectionInsideTheTransactionDoesNotEndIt() throws Exception {
        String undone = "pool-close-rb-" + UUID.randomUUID();
        ut.begin();
        try (Connection o = orders.getConnection()) {
            insertOrder(o, undone);
        }
        assertThat(orders.stats().active()).as("still held by the transaction").isEqualTo(1);
        assertThat(dbs.orderExists(undone)).as("closing did not commit").isFalse();
        ut.rollback();
        assertThat(dbs.orderExists(undone)).isFalse();
        assertThat(orders.stats().active()).as("back after completion").isZero();

        String done = "pool-close-c-" + UUID.randomUUID();
        ut.begin();
        try (Connection o = orders.getConnection()) {
            insertOrder(o, done);
        }
        assertThat(dbs.orderExists(done)).isFalse();
        ut.commit();
        assertThat(dbs.orderExists(done)).isTrue();
        assertThat(orders.stats().active()).isZero();
    }

    @Test
    void outsideATransactionItIsAnAutoCommitPoolAgainAfterOne() throws Exception {
        try (TransactionalDataSource single = postgres(PoolSettings.builder().name("single").maxSize(1).build())) {
            String inTx = "pool-auto-tx-" + UUID.randomUUID();
            long txBackend;
            ut.begin();
            try (Connection c = single.getConnection()) {
                txBackend = pgBackend(c);
                insertOrder(c, inTx);
            }
            ut.commit();
            long enlisted = eventsOf(EventType.ENLIST);

            String outside = "pool-auto-" + UUID.randomUUID();
            try (Connection c = single.getConnection()) {
                assertThat(pgBackend(c)).as("the one pooled connection, used by the transaction before").isEqualTo(txBackend);
                assertThat(c.getAutoCommit()).isTrue();
                insertOrder(c, outside);
                assertThat(dbs.orderExists(outside)).as("committed by the statement itself").isTrue();
            }
            assertThat(eventsOf(EventType.ENLIST)).as("no branch outside a transaction").isEqualTo(enlisted);
            assertThat(single.stats().active()).isZero();
            assertThat(single.stats().created()).isEqualTo(1);
        }
    }

    @Test
    void twoThousandTransactionsOnEightThreadsLeaveEveryConnectionInThePool() throws Exception {
        String prefix = "pool-many-" + UUID.randomUUID() + "-";
        int threads = 8;
        int perThread = 250;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                work.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        String id = prefix + thread + "-" + i;
                        ut.begin();
                        try (Connection o = orders.getConnection(); Connection s = stock.getConnection()) {
                            insertOrder(o, id);
                            insertStock(s, id);
                        }
                        if (i % 10 == 9) {
                            ut.rollback();
                        } else {
                            ut.commit();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        int committed = threads * perThread * 9 / 10;
        assertThat(dbs.countOrders(prefix)).isEqualTo(committed);
        assertThat(dbs.countStock(prefix)).isEqualTo(committed);
        assertThat(dtc.transactionsInFlight()).isZero();
        for (TransactionalDataSource ds : List.of(orders, stock)) {
            PoolStats s = ds.stats();
            assertThat(s.active()).as("%s active", ds.name()).isZero();
            assertThat(s.awaiting()).as("%s awaiting", ds.name()).isZero();
            assertThat(s.acquired()).as("%s acquired", ds.name()).isGreaterThanOrEqualTo(threads * perThread);
            assertThat(s.available()).as("%s available", ds.name()).isBetween(1L, 8L);
            assertThat(s.created()).as("%s created: connections were reused, none lost", ds.name()).isLessThanOrEqualTo(8);
            assertThat(s.flushed()).as("%s flushed", ds.name()).isZero();
        }
    }

    @Test
    void aTimedOutTransactionGivesItsConnectionBackAndLetsNoNewOneIn() throws Exception {
        String id = "pool-timeout-" + UUID.randomUUID();
        ut.setTransactionTimeout(1);
        try {
            ut.begin();
        } finally {
            ut.setTransactionTimeout(0);
        }
        Transaction tx = dtc.transactionManager().getTransaction();
        Connection held = orders.getConnection();
        insertOrder(held, id);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> tx.getStatus() == Status.STATUS_ROLLEDBACK);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> orders.stats().active() == 0);

        assertThatThrownBy(orders::getConnection).isInstanceOf(SQLException.class)
                .hasMessageContaining("has rolled back").hasMessageContaining("rollback()");
        assertThatThrownBy(held::createStatement).as("the handle was closed when the connection went back")
                .isInstanceOf(SQLException.class);
        ut.rollback();
        assertThat(dbs.orderExists(id)).isFalse();
    }

    @Test
    void aNameIsRegisteredForRecoveryUntilTheDataSourceCloses() throws Exception {
        assertThatThrownBy(() -> postgres(PoolSettings.builder().name("orders").build()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'orders' is already registered for recovery")
                .hasMessageContaining(".name(");
        assertThatThrownBy(() -> mysql(PoolSettings.builder().name("stock").build()))
                .isInstanceOf(ConfigurationException.class);
        orders.close();

        String id = "pool-again-" + UUID.randomUUID();
        try (TransactionalDataSource again = postgres(PoolSettings.builder().name("orders").build())) {
            ut.begin();
            try (Connection c = again.getConnection()) {
                insertOrder(c, id);
            }
            ut.commit();
        }
        assertThat(dbs.orderExists(id)).isTrue();
    }

    @Test
    void withoutANameItIsNamedAfterItsUrl() {
        try (TransactionalDataSource unnamed = XaDataSources.postgres(dtc, dbs.pg.jdbcUrl(OrderDatabases.DB),
                dbs.pg.user(), dbs.pg.password())) {
            assertThat(unnamed.name()).isEqualTo(XaDataSources.defaultName(dbs.pg.jdbcUrl(OrderDatabases.DB)))
                    .startsWith("postgresql://").endsWith("/" + OrderDatabases.DB);
        }
    }

    @Test
    void postgresWithPreparedTransactionsDisabledIsRefusedAndNothingStays() {
        DatabaseServer misconfigured = TestDatabases.postgresWithoutPreparedTransactions();
        assertThatThrownBy(() -> XaDataSources.postgres(dtc, misconfigured.jdbcUrl("postgres"), misconfigured.user(),
                misconfigured.password(), PoolSettings.builder().name("misconfigured").build()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("max_prepared_transactions = 0")
                .hasMessageContaining("Set max_prepared_transactions in postgresql.conf")
                .hasMessageContaining("restart");
        // the refused data source registered nothing: its name is still free
        postgres(PoolSettings.builder().name("misconfigured").build()).close();
    }

    @Test
    void aMissingServiceOrSettingsIsAConfigurationError() {
        String url = dbs.pg.jdbcUrl(OrderDatabases.DB);
        assertThatThrownBy(() -> XaDataSources.postgres(null, url, "u", "p"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("TransactionService is required");
        assertThatThrownBy(() -> XaDataSources.mysql(dtc, dbs.my.jdbcUrl(OrderDatabases.DB), "u", "p", null))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("PoolSettings.defaults()");
    }

    /** An in-memory resource that votes commit and then answers commit with XA_HEURMIX. */
    private static final class HeuristicMixedOnCommit implements XAResource {
        @Override
        public void commit(Xid xid, boolean onePhase) throws XAException {
            throw new XAException(XAException.XA_HEURMIX);
        }

        @Override
        public int prepare(Xid xid) {
            return XA_OK;
        }

        @Override
        public void start(Xid xid, int flags) {
        }

        @Override
        public void end(Xid xid, int flags) {
        }

        @Override
        public void rollback(Xid xid) {
        }

        @Override
        public void forget(Xid xid) {
        }

        @Override
        public Xid[] recover(int flag) {
            return new Xid[0];
        }

        @Override
        public boolean isSameRM(XAResource other) {
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
