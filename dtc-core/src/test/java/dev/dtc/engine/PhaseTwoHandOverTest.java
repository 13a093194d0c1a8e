package dev.dtc.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dtc.TransactionService;
import dev.dtc.audit.EventType;
import dev.dtc.internal.tm.DtcTransaction;
import dev.dtc.internal.twopc.Retrier;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.transaction.xa.XAException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Phase 2 never drives a branch forever through a connection that cannot finish it: after bounded retries, or at
 * once when the resource refuses, the branch goes to recovery, which reaches it through the resource registered
 * under the branch's name (a fresh connection), without a restart and without the periodic pass (off in
 * {@link EngineFixture}).
 */
class PhaseTwoHandOverTest {

    @TempDir
    Path dir;

    @Test
    void aBranchWhoseConnectionDiedIsCommittedByRecoveryAfterBoundedRetries() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        BrokenConnection toB = new BrokenConnection(b);
        b.onPrepare = x -> toB.breakNow(XAException.XAER_RMFAIL); // the session dies between prepare and commit
        String txId;
        try (TransactionService dtc = f.builder().recoveryResource("a", () -> a).recoveryResource("b", () -> b).build()) {
            txId = commit(dtc, a, toB); // decided: the caller is told it committed
            await().atMost(Duration.ofSeconds(30)).until(() -> b.committed.size() == 1 && f.count(EventType.END) == 1);
            assertThat(f.types(txId)).containsSubsequence(EventType.RETRY, EventType.HANDED_TO_RECOVERY,
                    EventType.RECOVERY_COMMIT, EventType.END);
            assertThat(f.types(txId).stream().filter(t -> t == EventType.RETRY)).hasSize(Retrier.ATTEMPTS);
            assertThat(toB.phaseTwoCalls).as("first commit and the retries, then no more").isEqualTo(1 + Retrier.ATTEMPTS);
            assertThat(dtc.recovery().pending()).isEmpty();
        }
        assertThat(f.count(EventType.HEURISTIC)).isZero();
        assertThat(b.prepared).isEmpty();
        assertThat(f.pendingInLog()).isEmpty();
    }

    @Test
    void aCommitTheResourceRefusesGoesToRecoveryAtOnceAndIsNotReportedAsAHeuristic() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        BrokenConnection toB = new BrokenConnection(b);
        // pgjdbc's answer on a session the server ended: XAER_RMERR, with the branch still prepared
        b.onPrepare = x -> toB.breakNow(XAException.XAER_RMERR);
        try (TransactionService dtc = f.builder().recoveryResource("b", () -> b).build()) {
            String txId = commit(dtc, a, toB);
            await().atMost(Duration.ofSeconds(30)).until(() -> b.committed.size() == 1 && f.count(EventType.END) == 1);
            assertThat(f.types(txId)).doesNotContain(EventType.RETRY, EventType.HEURISTIC)
                    .containsSubsequence(EventType.HANDED_TO_RECOVERY, EventType.RECOVERY_COMMIT, EventType.END);
            assertThat(toB.phaseTwoCalls).isEqualTo(1);
        }
        assertThat(f.pendingInLog()).isEmpty();
    }

    @Test
    void aRefusedCommitWhoseBranchRecoveryFindsGoneIsKeptAsAHeuristicHazard() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        BrokenConnection toB = new BrokenConnection(b);
        b.onPrepare = x -> toB.breakNow(XAException.XAER_RMERR);
        String txId;
        try (TransactionService dtc = f.start()) { // b not registered yet: the hand-over finds nothing to reach it by
            txId = commit(dtc, a, toB);
            await().atMost(Duration.ofSeconds(30)).until(() -> f.count(EventType.HANDED_TO_RECOVERY) == 1);
            assertThat(dtc.recovery().pending()).singleElement().satisfies(p -> {
                assertThat(p.txId()).isEqualTo(txId);
                assertThat(p.missingResources()).containsExactly("b");
            });
            // what X/Open XA says XAER_RMERR on commit means: the resource rolled the branch back
            b.rolledBack.addAll(b.prepared);
            b.prepared.clear();
            dtc.recovery().register("b", () -> b);
            dtc.recovery().scan();
            assertThat(dtc.recovery().heuristics()).containsExactly(txId);
            assertThat(f.events).anyMatch(e -> e.type() == EventType.HEURISTIC && txId.equals(e.txId())
                    && e.detail().contains("may have been rolled back"));
        }
        assertThat(b.committed).isEmpty();
        assertThat(f.pendingInLog()).as("kept for an operator").containsOnlyKeys(txId);
    }

    @Test
    void aHeuristicAnsweredOnARetryIsForgottenAfterItIsLogged() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        AtomicInteger commits = new AtomicInteger();
        b.onCommit = x -> {
            throw InMemoryResource.xa(commits.incrementAndGet() == 1 ? XAException.XAER_RMFAIL : XAException.XA_HEURMIX);
        };
        try (TransactionService dtc = f.start()) {
            String txId = commit(dtc, a, b);
            await().atMost(Duration.ofSeconds(30)).until(() -> b.calls.contains("forget"));
            assertThat(dtc.recovery().heuristics()).containsExactly(txId);
            assertThat(f.types(txId)).containsSubsequence(EventType.RETRY, EventType.HEURISTIC);
        }
        assertThat(f.pendingInLog().values()).singleElement().satisfies(records ->
                assertThat(records).extracting(r -> r.type().name()).containsExactly("DECISION", "HEURISTIC"));
    }

    @Test
    void anXaerRmerrOnARetryEndsTheRetriesInsteadOfRepeatingThemForever() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        AtomicInteger commits = new AtomicInteger();
        b.onCommit = x -> {
            throw InMemoryResource.xa(commits.incrementAndGet() == 1 ? XAException.XAER_RMFAIL : XAException.XAER_RMERR);
        };
        try (TransactionService dtc = f.start()) { // b is not registered: nothing but the retrier could call it again
            String txId = commit(dtc, a, b);
            await().atMost(Duration.ofSeconds(30)).until(() -> f.count(EventType.HANDED_TO_RECOVERY) == 1);
            Thread.sleep(500); // the retrier's backoff here is 10..100 ms: it would have retried several times
            assertThat(b.commitCalls.get()).isEqualTo(2);
            assertThat(f.types(txId).stream().filter(t -> t == EventType.RETRY)).hasSize(1);
            assertThat(dtc.recovery().pending()).extracting(p -> p.txId()).containsExactly(txId);
        }
        assertThat(b.prepared).as("still prepared, and still decided in the log for the next start").hasSize(1);
        assertThat(f.pendingInLog()).hasSize(1);
    }

    @Test
    void aRollbackItsConnectionCannotDeliverIsLeftToRecoveryWithoutTheGracePeriod() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        BrokenConnection toA = new BrokenConnection(a);
        a.onPrepare = x -> toA.breakNow(XAException.XAER_RMFAIL);
        b.onPrepare = x -> {
            throw InMemoryResource.xa(XAException.XA_RBINTEGRITY); // b votes abort: a must be rolled back
        };
        try (TransactionService dtc = f.builder().recoveryGracePeriod(Duration.ofHours(1))
                .recoveryResource("a", () -> a).build()) {
            TransactionManager tm = dtc.transactionManager();
            tm.begin();
            tm.getTransaction().enlistResource(toA);
            tm.getTransaction().enlistResource(b);
            org.assertj.core.api.Assertions.assertThatThrownBy(tm::commit)
                    .isInstanceOf(jakarta.transaction.RollbackException.class);
            // only the hand-over can roll it back this soon: the grace period for this process's branches is an hour
            await().atMost(Duration.ofSeconds(30)).until(() -> a.rolledBack.size() == 1);
            assertThat(f.count(EventType.RECOVERY_ROLLBACK)).isEqualTo(1);
        }
        assertThat(a.prepared).isEmpty();
        assertThat(a.committed).isEmpty();
    }

    private static String commit(TransactionService dtc, javax.transaction.xa.XAResource a,
                                 javax.transaction.xa.XAResource b) throws Exception {
        TransactionManager tm = dtc.transactionManager();
        tm.begin();
        String txId = ((DtcTransaction) tm.getTransaction()).id();
        tm.getTransaction().enlistResource(a);
        tm.getTransaction().enlistResource(b);
        tm.commit();
        return txId;
    }
}
