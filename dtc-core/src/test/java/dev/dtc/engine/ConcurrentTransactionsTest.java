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
    void manyConcurrentTransactionsAllCommitAndShareLogForces() throws Exception {
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
                fu.get();
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
}
