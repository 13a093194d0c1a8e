package dev.dtc.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dtc.TransactionService;
import dev.dtc.audit.EventType;
import dev.dtc.internal.tm.DtcTransaction;
import jakarta.transaction.RollbackException;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which thread runs each branch call: quick resources are not handed from thread to thread for every call, slow
 * ones are called at the same time, and in every case the caller returns at its deadline when a prepare hangs.
 */
class PhaseThreadsTest {

    /** Enough transactions for the moving average of a resource that answers at once to fall below the bound. */
    private static final int WARM_UP = 30;

    @TempDir
    Path dir;

    @Test
    void quickResourcesAreCommittedOnTheCallersThreadAndNeverPreparedOnIt() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        String caller = Thread.currentThread().getName();
        Set<String> preparedOn = ConcurrentHashMap.newKeySet();
        Map<String, String> committedOn = new ConcurrentHashMap<>();
        a.onPrepare = x -> preparedOn.add(Thread.currentThread().getName());
        b.onPrepare = x -> preparedOn.add(Thread.currentThread().getName());
        a.onCommit = x -> committedOn.put("a", Thread.currentThread().getName());
        b.onCommit = x -> committedOn.put("b", Thread.currentThread().getName());
        int transactions = 0;
        boolean bothOnCaller = false;
        try (TransactionService dtc = f.start()) {
            TransactionManager tm = dtc.transactionManager();
            // Whether a resource counts as quick depends on how long its calls took, which a busy machine can
            // stretch now and then: so look for it over many transactions, not in one.
            while (!bothOnCaller && transactions < 500) {
                committedOn.clear();
                commitOne(tm, a, b);
                transactions++;
                bothOnCaller = transactions > WARM_UP && caller.equals(committedOn.get("a"))
                        && caller.equals(committedOn.get("b"));
            }
        }
        assertThat(bothOnCaller).as("both commits ran on the caller's thread in one transaction of %d", transactions)
                .isTrue();
        // phase 1 never runs on the caller's thread: that is what lets it return at the deadline
        assertThat(preparedOn).isNotEmpty().doesNotContain(caller);
        assertThat(a.committed).hasSize(transactions);
        assertThat(b.committed).hasSize(transactions);
        assertThat(f.pendingInLog()).isEmpty();
    }

    @Test
    void slowResourcesArePreparedAndCommittedAtTheSameTime() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        // each call waits until the other branch's call has started too: this passes only if they run at once
        CyclicBarrier prepares = new CyclicBarrier(2);
        CyclicBarrier commits = new CyclicBarrier(2);
        a.onPrepare = x -> meet(prepares);
        b.onPrepare = x -> meet(prepares);
        a.onCommit = x -> meet(commits);
        b.onCommit = x -> meet(commits);
        try (TransactionService dtc = f.start()) {
            TransactionManager tm = dtc.transactionManager();
            for (int i = 0; i < 3; i++) {
                commitOne(tm, a, b);
            }
        }
        assertThat(a.committed).hasSize(3);
        assertThat(b.committed).hasSize(3);
        assertThat(f.pendingInLog()).isEmpty();
    }

    @Test
    void aQuickResourceThatHangsInPrepareStillLetsTheCallerReturnAtItsDeadline() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        String txId;
        try (TransactionService dtc = f.start()) {
            TransactionManager tm = dtc.transactionManager();
            for (int i = 0; i < WARM_UP; i++) {
                commitOne(tm, a, b);
            }
            // both are quick now, so one pool thread prepares them in turn: a first, and a hangs
            a.onPrepare = x -> sleep(4_000);
            tm.setTransactionTimeout(1);
            tm.begin();
            txId = ((DtcTransaction) tm.getTransaction()).id();
            tm.getTransaction().enlistResource(a);
            tm.getTransaction().enlistResource(b);
            long t0 = System.nanoTime();
            assertThatThrownBy(tm::commit).isInstanceOf(RollbackException.class).hasMessageContaining("no answer");
            long tookMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(tookMs).as("commit returned within the timeout plus slack").isLessThan(3_000);
            // b is rolled back too: never asked to prepare if its turn came after the deadline (both quick, one
            // thread), or asked in parallel and rolled back when it voted, if a busy machine made a resource slow
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> a.rolledBack.size() == 1 && b.rolledBack.size() == 1);
        }
        assertThat(a.committed).hasSize(WARM_UP);
        assertThat(b.committed).hasSize(WARM_UP);
        assertThat(a.prepared).isEmpty();
        assertThat(b.prepared).isEmpty();
        assertThat(f.types(txId)).doesNotContain(EventType.DECISION_FORCED).contains(EventType.TX_ROLLED_BACK);
        assertThat(f.pendingInLog()).isEmpty();
    }

    private static void commitOne(TransactionManager tm, InMemoryResource a, InMemoryResource b) throws Exception {
        tm.begin();
        tm.getTransaction().enlistResource(a);
        tm.getTransaction().enlistResource(b);
        tm.commit();
    }

    private static void meet(CyclicBarrier barrier) {
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the other branch's call did not start meanwhile: " + e, e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
