package dev.dtc.xa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dtc.RecoveryReport;
import dev.dtc.TransactionService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash recovery with real process kills: a child JVM ({@link CrashingTransaction}) runs a
 * transaction over PostgreSQL and MySQL/MariaDB and dies at a chosen point; a new
 * TransactionService on the same log directory recovers; the rows in both databases and the
 * databases' lists of prepared transactions show the outcome.
 */
class CrashRecoveryTest {
    static OrderDatabases dbs;

    @TempDir
    Path logDir;
    /** Each test its own node, so that one test's recovery never settles another's branches. */
    String node;

    @org.junit.jupiter.api.BeforeEach
    void nodeName(org.junit.jupiter.api.TestInfo info) {
        node = "crash-" + info.getTestMethod().orElseThrow().getName().substring(0, 12).toLowerCase();
    }

    @BeforeAll
    static void databases() throws Exception {
        dbs = new OrderDatabases();
    }

    @Test
    void crashAfterPrepareBeforeTheDecisionRollsBothBack() throws Exception {
        String id = "crash-a-" + UUID.randomUUID();
        runChildUntilItDies(CrashingTransaction.CrashPoint.AFTER_PREPARE, id);
        // both branches are prepared and hold their locks, invisible to others
        assertThat(dbs.pgPrepared(node)).hasSize(1);
        assertThat(dbs.myPrepared(node)).hasSize(1);
        assertThat(dbs.orderExists(id)).isFalse();

        RecoveryReport r = recover();
        assertThat(r.rolledBack()).hasSize(2);
        assertThat(r.committed()).isEmpty();
        assertThat(dbs.orderExists(id)).isFalse();
        assertThat(dbs.stockExists(id)).isFalse();
        assertNothingInDoubt();
    }

    @Test
    void crashAfterTheDecisionBeforeAnyCommitCommitsBoth() throws Exception {
        String id = "crash-b-" + UUID.randomUUID();
        runChildUntilItDies(CrashingTransaction.CrashPoint.AFTER_DECISION, id);
        assertThat(dbs.pgPrepared(node)).hasSize(1);
        assertThat(dbs.myPrepared(node)).hasSize(1);

        RecoveryReport r = recover();
        assertThat(r.committed()).hasSize(2);
        assertThat(r.finished()).hasSize(1);
        assertThat(dbs.orderExists(id)).isTrue();
        assertThat(dbs.stockExists(id)).isTrue();
        assertNothingInDoubt();
    }

    @Test
    void crashAfterOneBranchCommittedCommitsTheOther() throws Exception {
        String id = "crash-c-" + UUID.randomUUID();
        runChildUntilItDies(CrashingTransaction.CrashPoint.AFTER_FIRST_COMMIT, id);
        assertThat(dbs.orderExists(id)).as("PostgreSQL committed before the crash").isTrue();
        assertThat(dbs.stockExists(id)).as("MySQL still prepared").isFalse();
        assertThat(dbs.myPrepared(node)).hasSize(1);

        RecoveryReport r = recover();
        assertThat(r.committed()).hasSize(1);
        assertThat(r.finished()).hasSize(1);
        assertThat(dbs.orderExists(id)).isTrue();
        assertThat(dbs.stockExists(id)).isTrue();
        assertNothingInDoubt();
    }

    /**
     * The atomicity bug of step 2: the process halts between the two commits; the next process has only the
     * database whose branch already committed registered, and scans several times. Those passes must not end
     * the decision (the MySQL branch is still prepared, in a database they cannot see); once MySQL registers,
     * its branch is committed, never rolled back.
     */
    @Test
    void aDecisionWaitsUntilTheDatabaseOfItsLastBranchIsRegistered() throws Exception {
        String id = "crash-d-" + UUID.randomUUID();
        runChildUntilItDies(CrashingTransaction.CrashPoint.AFTER_FIRST_COMMIT, id);
        assertThat(dbs.orderExists(id)).as("PostgreSQL committed before the crash").isTrue();
        assertThat(dbs.myPrepared(node)).hasSize(1);

        try (TransactionService dtc = TransactionService.builder().nodeName(node).logDirectory(logDir)
                .recoveryInterval(Duration.ZERO).build();
             RecoveryConnection pg = XaRecovery.register(dtc.recovery(), "orders-pg", dbs.pgXa())) {
            for (int pass = 0; pass < 3; pass++) {
                RecoveryReport r = dtc.recovery().scan();
                assertThat(r.finished()).as("pass %d with only PostgreSQL registered: %s", pass, r).isEmpty();
                assertThat(r.pending()).as("pass %d", pass).hasSize(1);
                assertThat(dbs.myPrepared(node)).as("the MySQL branch stays prepared meanwhile").hasSize(1);
            }
            try (RecoveryConnection my = XaRecovery.register(dtc.recovery(), "stock-mysql", dbs.myXa())) {
                RecoveryReport r = dtc.recovery().scan();
                assertThat(r.committed()).as("report %s", r).hasSize(1);
                assertThat(r.finished()).hasSize(1);
                assertThat(r.clean()).isTrue();
            }
        }
        assertThat(dbs.orderExists(id)).isTrue();
        assertThat(dbs.stockExists(id)).as("MySQL's branch of a committed transaction").isTrue();
        assertNothingInDoubt();
    }

    /**
     * Branches of this test's node left prepared by an earlier, interrupted run on the same
     * database servers would spoil the counts: a recovery pass on an empty log rolls them back
     * (they have no decision and their process is gone).
     */
    private void clearLeftovers() throws Exception {
        Path empty = java.nio.file.Files.createTempDirectory("dtc-clear");
        try (TransactionService dtc = TransactionService.builder().nodeName(node).logDirectory(empty)
                .recoveryInterval(Duration.ZERO).build();
             AutoCloseable a = XaRecovery.register(dtc.recovery(), "orders-pg", dbs.pgXa());
             AutoCloseable b = XaRecovery.register(dtc.recovery(), "stock-mysql", dbs.myXa())) {
            dtc.recovery().scan();
        }
        assertNothingInDoubt();
    }

    /** A new service on the same log, with both databases registered: build() runs recovery. */
    private RecoveryReport recover() {
        List<AutoCloseable> closers = new ArrayList<>();
        try (TransactionService dtc = TransactionService.builder().nodeName(node).logDirectory(logDir)
                .recoveryInterval(Duration.ZERO).build()) {
            closers.add(XaRecovery.register(dtc.recovery(), "orders-pg", dbs.pgXa()));
            closers.add(XaRecovery.register(dtc.recovery(), "stock-mysql", dbs.myXa()));
            RecoveryReport r = dtc.recovery().scan();
            assertThat(r.clean()).as("recovery report %s", r).isTrue();
            RecoveryReport second = dtc.recovery().scan();
            assertThat(second.committed()).isEmpty();
            assertThat(second.rolledBack()).isEmpty();
            return r;
        } finally {
            for (AutoCloseable c : closers) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // best effort
                }
            }
        }
    }

    private void assertNothingInDoubt() throws Exception {
        assertThat(dbs.pgPrepared(node)).isEmpty();
        assertThat(dbs.myPrepared(node)).isEmpty();
    }

    private void runChildUntilItDies(CrashingTransaction.CrashPoint point, String id) throws Exception {
        clearLeftovers();
        DyingChild.run(CrashingTransaction.class, List.of(logDir.toString(), point.name(), id, node,
                dbs.pg.jdbcUrl(OrderDatabases.DB), dbs.pg.user(), dbs.pg.password(),
                dbs.my.jdbcUrl(OrderDatabases.DB), dbs.my.user(), dbs.my.password()));
    }
}
