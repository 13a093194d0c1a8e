package dev.dtc.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dtc.TransactionService;
import dev.dtc.audit.EventType;
import dev.dtc.log.LogRecord;
import dev.dtc.log.RecordType;
import dev.dtc.internal.tm.DtcTransaction;
import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.transaction.xa.XAException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TwoPhaseCommitTest {

    @TempDir
    Path dir;

    @Test
    void twoResourcesArePreparedThenCommittedAfterTheDecisionIsForced() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        String txId;
        try (TransactionService dtc = f.start()) {
            TransactionManager tm = dtc.transactionManager();
            tm.begin();
            txId = ((DtcTransaction) tm.getTransaction()).id();
            tm.getTransaction().enlistResource(a);
            tm.getTransaction().enlistResource(b);
            tm.commit();
            assertThat(tm.getStatus()).isEqualTo(Status.STATUS_NO_TRANSACTION);
        }
        assertThat(a.callsSnapshot()).containsExactly("start:0", "end:" + javax.transaction.xa.XAResource.TMSUCCESS, "prepare", "commit");
        assertThat(b.callsSnapshot()).containsExactly("start:0", "end:" + javax.transaction.xa.XAResource.TMSUCCESS, "prepare", "commit");
        assertThat(a.committed).hasSize(1);
        assertThat(b.committed).hasSize(1);
        List<EventType> types = f.types(txId);
        assertThat(types.indexOf(EventType.DECISION_FORCED)).isGreaterThan(types.lastIndexOf(EventType.VOTE_COMMIT));
        assertThat(types.indexOf(EventType.COMMIT_SENT)).isGreaterThan(types.indexOf(EventType.DECISION_FORCED));
        assertThat(types).contains(EventType.END, EventType.TX_COMMITTED);
        // every branch acknowledged, so the log holds nothing pending
        assertThat(f.pendingInLog()).isEmpty();
    }

    @Test
    void decisionStaysInTheLogUntilEveryBranchAcknowledged() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        b.onCommit = x -> {
            throw InMemoryResource.xa(XAException.XAER_RMFAIL);
        };
        String txId;
        try (TransactionService dtc = f.start()) {
            TransactionManager tm = dtc.transactionManager();
            tm.begin();
            txId = ((DtcTransaction) tm.getTransaction()).id();
            tm.getTransaction().enlistResource(a);
            tm.getTransaction().enlistResource(b);
            tm.commit(); // decided: the caller sees a commit; b is retried in the background
            assertThat(a.committed).hasSize(1);
        }
        Map<String, List<LogRecord>> pending = f.pendingInLog();
        assertThat(pending).containsOnlyKeys(txId);
        assertThat(pending.get(txId)).extracting(LogRecord::type).containsExactly(RecordType.DECISION);
        assertThat(b.prepared).hasSize(1);
    }

    @Test
    void transientCommitFailureIsRetriedUntilItSucceeds() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        b.onCommit = InMemoryResource.failTimes(3, XAException.XAER_RMFAIL);
        try (TransactionService dtc = f.start()) {
            TransactionManager tm = dtc.transactionManager();
            tm.begin();
            tm.getTransaction().enlistResource(a);
            tm.getTransaction().enlistResource(b);
            tm.commit();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> b.committed.size() == 1);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> f.count(EventType.END) == 1);
        }
        assertThat(b.commitCalls.get()).isEqualTo(4);
        assertThat(f.count(EventType.RETRY)).isEqualTo(3);
        assertThat(f.pendingInLog()).isEmpty();
    }

    @Test
    void oneResourceIsCommittedInOnePhaseWithoutTouchingTheLog() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource a = new InMemoryResource("a");
        try (TransactionService dtc = f.start()) {
            TransactionManager tm = dtc.transactionManager();
            tm.begin();
            tm.getTransaction().enlistResource(a);
            tm.commit();
        }
        assertThat(a.callsSnapshot()).containsExactly("start:0", "end:" + javax.transaction.xa.XAResource.TMSUCCESS, "commit1");
        assertThat(a.committed).hasSize(1);
        assertThat(f.count(EventType.DECISION_FORCED)).isZero();
    }

    @Test
    void allReadOnlyVotesSkipPhaseTwoAndTheLog() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        a.readOnly = true;
        b.readOnly = true;
        try (TransactionService dtc = f.start()) {
            TransactionManager tm = dtc.transactionManager();
            tm.begin();
            tm.getTransaction().enlistResource(a);
            tm.getTransaction().enlistResource(b);
            tm.commit();
        }
        assertThat(a.callsSnapshot()).doesNotContain("commit", "rollback");
        assertThat(b.callsSnapshot()).doesNotContain("commit", "rollback");
        assertThat(f.count(EventType.DECISION_FORCED)).isZero();
    }

    @Test
    void oneReadOnlyVoteLeavesThatBranchOutOfPhaseTwo() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        a.readOnly = true;
        try (TransactionService dtc = f.start()) {
            TransactionManager tm = dtc.transactionManager();
            tm.begin();
            tm.getTransaction().enlistResource(a);
            tm.getTransaction().enlistResource(b);
            tm.commit();
        }
        assertThat(a.callsSnapshot()).doesNotContain("commit");
        assertThat(b.committed).hasSize(1);
        assertThat(f.count(EventType.DECISION_FORCED)).isEqualTo(1);
    }

    @Test
    void anAbortVoteRollsEveryBranchBackAndLogsNothing() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        b.onPrepare = x -> {
            throw InMemoryResource.xa(XAException.XA_RBINTEGRITY);
        };
        try (TransactionService dtc = f.start()) {
            TransactionManager tm = dtc.transactionManager();
            tm.begin();
            tm.getTransaction().enlistResource(a);
            tm.getTransaction().enlistResource(b);
            assertThatThrownBy(tm::commit).isInstanceOf(RollbackException.class)
                    .hasMessageContaining("voted abort").hasMessageContaining("XA_RBINTEGRITY");
        }
        assertThat(a.rolledBack).hasSize(1);
        assertThat(a.committed).isEmpty();
        assertThat(b.committed).isEmpty();
        assertThat(f.count(EventType.DECISION_FORCED)).isZero();
        assertThat(f.pendingInLog()).isEmpty();
    }

    @Test
    void aPrepareThatBlocksPastTheTimeoutCountsAsAbort() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource slow = new InMemoryResource("slow");
        slow.onPrepare = x -> {
            try {
                Thread.sleep(4_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try (TransactionService dtc = f.start()) {
            TransactionManager tm = dtc.transactionManager();
            tm.setTransactionTimeout(1);
            tm.begin();
            tm.getTransaction().enlistResource(a);
            tm.getTransaction().enlistResource(slow);
            long t0 = System.nanoTime();
            assertThatThrownBy(tm::commit).isInstanceOf(RollbackException.class).hasMessageContaining("no answer");
            long tookMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(tookMs).as("commit returned within the timeout plus slack").isLessThan(3_000);
            assertThat(a.rolledBack).hasSize(1);
            // the slow branch is rolled back once its prepare finally answers
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> slow.rolledBack.size() == 1);
        }
        assertThat(slow.committed).isEmpty();
        assertThat(f.count(EventType.DECISION_FORCED)).isZero();
    }

    @Test
    void heuristicMixedOnCommitIsReportedAndKeptInTheLog() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        b.onCommit = x -> {
            throw InMemoryResource.xa(XAException.XA_HEURMIX);
        };
        String txId;
        try (TransactionService dtc = f.start()) {
            TransactionManager tm = dtc.transactionManager();
            tm.begin();
            txId = ((DtcTransaction) tm.getTransaction()).id();
            tm.getTransaction().enlistResource(a);
            tm.getTransaction().enlistResource(b);
            assertThatThrownBy(tm::commit).isInstanceOf(HeuristicMixedException.class);
        }
        assertThat(f.count(EventType.HEURISTIC)).isEqualTo(1);
        assertThat(f.pendingInLog().get(txId)).extracting(LogRecord::type).contains(RecordType.HEURISTIC);

        // it survives a restart until an operator forgets it
        try (TransactionService dtc = f.start()) {
            assertThat(dtc.recovery().heuristics()).containsExactly(txId);
            assertThat(dtc.recovery().scan().committed()).isEmpty();
            assertThat(dtc.recovery().forgetHeuristic("no-such-tx")).isFalse();
            assertThat(dtc.recovery().forgetHeuristic(txId)).isTrue();
            assertThat(dtc.recovery().heuristics()).isEmpty();
        }
        assertThat(f.pendingInLog()).isEmpty();
    }

    /**
     * A resource that committed on its own while being rolled back breaks atomicity: its evidence goes to the log
     * (a HEURISTIC record, forced before the resource is told to forget it) and to the operator's list, like every
     * other heuristic, and it stays there across a restart.
     */
    @Test
    void aHeuristicCommitAnsweredToRollbackIsLoggedBeforeItIsForgotten() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        a.onRollback = x -> {
            throw InMemoryResource.xa(XAException.XA_HEURCOM);
        };
        b.onPrepare = x -> {
            throw InMemoryResource.xa(XAException.XA_RBINTEGRITY); // b votes abort, so a is rolled back
        };
        String txId;
        try (TransactionService dtc = f.start()) {
            TransactionManager tm = dtc.transactionManager();
            tm.begin();
            txId = ((DtcTransaction) tm.getTransaction()).id();
            tm.getTransaction().enlistResource(a);
            tm.getTransaction().enlistResource(b);
            assertThatThrownBy(tm::commit).isInstanceOf(HeuristicMixedException.class)
                    .hasMessageContaining("committed on its own");
            assertThat(dtc.recovery().heuristics()).containsExactly(txId);
            assertThat(a.callsSnapshot()).endsWith("rollback", "forget");
        }
        assertThat(f.pendingInLog().get(txId)).singleElement().satisfies(r -> {
            assertThat(r.type()).isEqualTo(RecordType.HEURISTIC);
            assertThat(new String(r.payload(), java.nio.charset.StandardCharsets.UTF_8)).contains("XA_HEURCOM").contains("@a");
        });
        try (TransactionService dtc = f.start()) {
            assertThat(dtc.recovery().heuristics()).containsExactly(txId);
            assertThat(dtc.recovery().pending()).singleElement().satisfies(p -> assertThat(p.heuristic()).isTrue());
            assertThat(dtc.recovery().forgetHeuristic(txId)).isTrue();
        }
        assertThat(f.pendingInLog()).isEmpty();
    }

    @Test
    void anApplicationRollbackAnsweredWithAHeuristicCommitReturnsNormallyButIsKeptForAnOperator() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource a = new InMemoryResource("a");
        a.onRollback = x -> {
            throw InMemoryResource.xa(XAException.XA_HEURCOM);
        };
        try (TransactionService dtc = f.start()) {
            TransactionManager tm = dtc.transactionManager();
            tm.begin();
            String txId = ((DtcTransaction) tm.getTransaction()).id();
            tm.getTransaction().enlistResource(a);
            tm.rollback(); // rollback() cannot throw a heuristic exception
            assertThat(dtc.recovery().heuristics()).containsExactly(txId);
            assertThat(f.types(txId)).contains(EventType.HEURISTIC);
        }
        assertThat(f.pendingInLog()).hasSize(1);
    }

    @Test
    void aHeuristicAnswerToAOnePhaseCommitIsKeptInTheLog() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource a = new InMemoryResource("a");
        a.onCommit = x -> {
            throw InMemoryResource.xa(XAException.XA_HEURMIX);
        };
        try (TransactionService dtc = f.start()) {
            TransactionManager tm = dtc.transactionManager();
            tm.begin();
            String txId = ((DtcTransaction) tm.getTransaction()).id();
            tm.getTransaction().enlistResource(a);
            assertThatThrownBy(tm::commit).isInstanceOf(HeuristicMixedException.class);
            assertThat(dtc.recovery().heuristics()).containsExactly(txId);
        }
        assertThat(f.pendingInLog().values()).singleElement().satisfies(records ->
                assertThat(records).extracting(LogRecord::type).containsExactly(RecordType.HEURISTIC));
    }
}
