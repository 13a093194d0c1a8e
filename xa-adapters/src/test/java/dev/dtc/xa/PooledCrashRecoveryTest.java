package dev.dtc.xa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dtc.RecoveryReport;
import dev.dtc.TransactionService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash recovery of transactions made through the pooled data sources, with real process kills: a child JVM
 * ({@link CrashingPooledTransaction}) dies after the votes or after the decision; the next process opens the same
 * log and the same pooled data sources, which register themselves for recovery, and recovery finishes what the
 * child left in doubt in both databases.
 */
class PooledCrashRecoveryTest {
    static OrderDatabases dbs;

    @TempDir
    Path logDir;
    /** Each test its own node, so that one test's recovery never settles another's branches. */
    String node;

    @BeforeAll
    static void databases() throws Exception {
        dbs = new OrderDatabases();
    }

    @BeforeEach
    void nodeName(TestInfo info) {
        node = "pcrash-" + info.getTestMethod().orElseThrow().getName().substring(0, 12).toLowerCase();
    }

    @Test
    void aCrashAfterBothVotesIsRolledBackInBothDatabases() throws Exception {
        String id = "pcrash-a-" + UUID.randomUUID();
        runChildUntilItDies(CrashingTransaction.CrashPoint.AFTER_PREPARE, id);
        assertThat(dbs.pgPrepared(node)).as("prepared in PostgreSQL, in doubt").hasSize(1);
        assertThat(dbs.myPrepared(node)).as("prepared in MySQL, in doubt").hasSize(1);

        RecoveryReport r = restartAndRecover(id);
        assertThat(r.rolledBack()).hasSize(2);
        assertThat(r.committed()).isEmpty();
        assertThat(dbs.orderExists(id)).isFalse();
        assertThat(dbs.stockExists(id)).isFalse();
        assertNothingInDoubt();
    }

    @Test
    void aCrashAfterTheDecisionIsCommittedInBothDatabases() throws Exception {
        String id = "pcrash-b-" + UUID.randomUUID();
        runChildUntilItDies(CrashingTransaction.CrashPoint.AFTER_DECISION, id);
        assertThat(dbs.pgPrepared(node)).hasSize(1);
        assertThat(dbs.myPrepared(node)).hasSize(1);
        assertThat(dbs.orderExists(id)).isFalse();

        RecoveryReport r = restartAndRecover(id);
        assertThat(r.committed()).hasSize(2);
        assertThat(r.finished()).hasSize(1);
        assertThat(dbs.orderExists(id)).isTrue();
        assertThat(dbs.stockExists(id)).isTrue();
        assertNothingInDoubt();
    }

    /**
     * The next process, as an application starts: service on the same log, then its data sources (which register
     * for recovery), then a recovery pass. The pass is run by hand here because recovery in the background is off.
     * Afterwards the same pools serve a new transaction.
     */
    private RecoveryReport restartAndRecover(String id) throws Exception {
        try (TransactionService dtc = TransactionService.builder().nodeName(node).logDirectory(logDir)
                .recoveryInterval(Duration.ZERO).build();
             TransactionalDataSource orders = pooledPostgres(dtc);
             TransactionalDataSource stock = pooledMysql(dtc)) {
            RecoveryReport r = dtc.recovery().scan();
            assertThat(r.clean()).as("recovery report %s", r).isTrue();
            RecoveryReport second = dtc.recovery().scan();
            assertThat(second.committed()).isEmpty();
            assertThat(second.rolledBack()).isEmpty();

            String after = id + "-after";
            dtc.userTransaction().begin();
            try (Connection o = orders.getConnection(); Connection s = stock.getConnection()) {
                PooledJdbc.insertOrder(o, after);
                PooledJdbc.insertStock(s, after);
            }
            dtc.userTransaction().commit();
            assertThat(dbs.orderExists(after) && dbs.stockExists(after)).isTrue();
            assertThat(orders.stats().active() + stock.stats().active()).isZero();
            return r;
        }
    }

    private static TransactionalDataSource pooledPostgres(TransactionService dtc) {
        return XaDataSources.postgres(dtc, dbs.pg.jdbcUrl(OrderDatabases.DB), dbs.pg.user(), dbs.pg.password(),
                PoolSettings.builder().name("orders").build());
    }

    private static TransactionalDataSource pooledMysql(TransactionService dtc) {
        return XaDataSources.mysql(dtc, dbs.my.jdbcUrl(OrderDatabases.DB), dbs.my.user(), dbs.my.password(),
                PoolSettings.builder().name("stock").build());
    }

    private void assertNothingInDoubt() throws Exception {
        assertThat(dbs.pgPrepared(node)).isEmpty();
        assertThat(dbs.myPrepared(node)).isEmpty();
    }

    /**
     * Branches of this node left prepared by an earlier, interrupted run on the same servers would spoil the
     * counts: a recovery pass on an empty log rolls them back.
     */
    @SuppressWarnings("try") // the data sources are opened for their recovery registration alone
    private void clearLeftovers() throws Exception {
        Path empty = Files.createTempDirectory("dtc-clear");
        try (TransactionService dtc = TransactionService.builder().nodeName(node).logDirectory(empty)
                .recoveryInterval(Duration.ZERO).build();
             TransactionalDataSource orders = pooledPostgres(dtc);
             TransactionalDataSource stock = pooledMysql(dtc)) {
            dtc.recovery().scan();
        }
        assertNothingInDoubt();
    }

    private void runChildUntilItDies(CrashingTransaction.CrashPoint point, String id) throws Exception {
        clearLeftovers();
        DyingChild.run(CrashingPooledTransaction.class, List.of(logDir.toString(), point.name(), id, node,
                dbs.pg.jdbcUrl(OrderDatabases.DB), dbs.pg.user(), dbs.pg.password(),
                dbs.my.jdbcUrl(OrderDatabases.DB), dbs.my.user(), dbs.my.password()));
    }
}
