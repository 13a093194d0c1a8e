package dev.dtc.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dtc.TransactionService;
import dev.dtc.audit.EventType;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentTransactionsTest {

    @TempDir
    Path dir;

    @Test
    void manyConcurrentTransactionsAllCommitEachWithItsOwnDecision() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        int threads = 32;
        int perThread = 100;
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        try (TransactionService dtc = f.start()) {
            TransactionManager tm = dtc.transactionManager();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        tm.begin();
                        tm.getTransaction().enlistResource(a);
                        tm.getTransaction().enlistResource(b);
                        tm.commit();
                    }
                    return null;
                }));
            }
            for (Future<?> fu : futures) {
                fu.get(2, java.util.concurrent.TimeUnit.MINUTES); // a lost wake-up fails the test instead of hanging it
            }
            pool.shutdown();
            assertThat(dtc.transactionsInFlight()).isZero();
        }
        int total = threads * perThread;
        assertThat(a.committed).hasSize(total);
        assertThat(b.committed).hasSize(total);
        assertThat(a.prepared).isEmpty();
        assertThat(f.count(EventType.DECISION_FORCED)).isEqualTo(total);
        assertThat(f.pendingInLog()).isEmpty();
    }

    @Test
    void thousandsOfTransactionsOpenAtOnceCompleteIndependently() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        int open = 3_000;
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        try (TransactionService dtc = f.start()) {
            TransactionManager tm = dtc.transactionManager();
            List<jakarta.transaction.Transaction> txs = new ArrayList<>();
            for (int i = 0; i < open; i++) {
                tm.begin();
                tm.getTransaction().enlistResource(a);
                tm.getTransaction().enlistResource(b);
                txs.add(tm.suspend());
            }
            assertThat(dtc.transactionsInFlight()).isEqualTo(open);
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < open; i++) {
                jakarta.transaction.Transaction tx = txs.get(i);
                boolean commit = i % 3 != 0;
                futures.add(pool.submit(() -> {
                    tm.resume(tx);
                    if (commit) {
                        tm.commit();
                    } else {
                        tm.rollback();
                    }
                    return null;
                }));
            }
            for (Future<?> fu : futures) {
                fu.get(2, java.util.concurrent.TimeUnit.MINUTES); // a lost wake-up fails the test instead of hanging it
            }
            pool.shutdown();
            assertThat(dtc.transactionsInFlight()).isZero();
        }
        assertThat(a.committed).hasSize(2_000);
        assertThat(b.committed).hasSize(2_000);
        assertThat(a.rolledBack).hasSize(1_000);
        assertThat(b.rolledBack).hasSize(1_000);
        assertThat(a.prepared).isEmpty();
        assertThat(f.pendingInLog()).isEmpty();
    }
}
