package dev.dtc.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.dtc.log.TestLogs.decision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Concurrent forced appends share forces, and every acknowledged record is there after a restart. */
class GroupCommitTest {

    private static final int THREADS = 32;
    private static final int PER_THREAD = 200;

    @TempDir
    Path dir;

    @Test
    void thirtyTwoThreadsShareForcesAndEveryRecordIsDurable() throws Exception {
        LogStats stats;
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            runConcurrently(t -> {
                for (int i = 0; i < PER_THREAD; i++) {
                    log.appendForced(decision("t" + t + "-" + i));
                }
            });
            stats = log.stats();
        }
        int records = THREADS * PER_THREAD;
        System.out.printf("%d forced appends from %d threads: %d forces, %d writes%n", records, THREADS, stats.forces(),
                stats.writes());
        assertThat(stats.recordsWritten()).isEqualTo(records);
        assertThat(stats.forces()).isLessThan(records / 2);

        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(log.pendingAtOpen()).hasSize(records);
            for (int t = 0; t < THREADS; t++) {
                for (int i = 0; i < PER_THREAD; i++) {
                    assertThat(log.pendingAtOpen().get("t" + t + "-" + i)).containsExactly(decision("t" + t + "-" + i));
                }
            }
        }
    }

    @Test
    void concurrentDecisionsAndEndsAcrossManyRollsLeaveExactlyTheUnendedOnesPending() throws Exception {
        Set<String> expected = new HashSet<>();
        for (int t = 0; t < 16; t++) {
            for (int i = 0; i < 150; i++) {
                if (i % 3 == 0) {
                    expected.add("t" + t + "-" + i);
                }
            }
        }
        try (DecisionLog log = DecisionLog.open(dir, TestLogs.SMALL_SEGMENTS)) {
            runConcurrently(16, t -> {
                for (int i = 0; i < 150; i++) {
                    String tx = "t" + t + "-" + i;
                    log.appendForced(decision(tx));
                    if (i % 3 != 0) {
                        log.append(LogRecord.end(tx));
                    }
                }
            });
            log.close(); // writes the ENDs still held back for a forced append to carry
            assertThat(log.stats().rolls()).isGreaterThan(10);
            assertThat(log.stats().pendingTransactions()).isEqualTo(expected.size());
        }
        try (DecisionLog log = DecisionLog.open(dir, TestLogs.SMALL_SEGMENTS)) {
            assertThat(log.pendingAtOpen().keySet()).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void interruptedCallersNeitherBreakTheLogNorLoseTheirRecord() throws Exception {
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            runConcurrently(8, t -> {
                for (int i = 0; i < 50; i++) {
                    // An interrupt pending while this thread leads the group commit must not close the file.
                    Thread.currentThread().interrupt();
                    log.appendForced(decision("t" + t + "-" + i));
                    assertThat(Thread.interrupted()).as("interrupt status is kept").isTrue();
                }
            });
        }
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(log.pendingAtOpen()).hasSize(400);
        }
    }

    @Test
    void aFailedWriteStopsTheLogAndEveryWaiterLearnsItButAcknowledgedRecordsSurvive() throws Exception {
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        DecisionLog log = DecisionLog.open(dir, LogConfig.defaults());
        try {
            CountDownLatch someWritten = new CountDownLatch(100);
            Thread breaker = new Thread(() -> {
                try {
                    if (!someWritten.await(2, TimeUnit.MINUTES)) {
                        throw new AssertionError("the writers never wrote 100 records");
                    }
                    closeActiveSegmentBehindTheLogsBack(log);
                } catch (Exception e) {
                    failures.add(e);
                }
            });
            breaker.start();
            runConcurrently(8, t -> {
                try {
                    for (int i = 0; ; i++) {
                        log.appendForced(decision("t" + t + "-" + i));
                        acknowledged.add("t" + t + "-" + i);
                        someWritten.countDown();
                    }
                } catch (IOException e) {
                    failures.add(e);
                }
            });
            breaker.join(TimeUnit.MINUTES.toMillis(2));
            assertThat(breaker.isAlive()).as("the breaker thread ended").isFalse();
        } finally {
            log.close();
        }
        assertThat(failures).hasSize(8).allSatisfy(e -> assertThat(e)
                .isInstanceOf(IOException.class).hasMessageContaining("stopped after a write or force failed"));
        assertThatThrownBy(() -> log.append(LogRecord.end("late"))).isInstanceOf(IOException.class);

        try (DecisionLog reopened = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(reopened.pendingAtOpen().keySet()).containsAll(acknowledged);
        }
    }

    /** Makes the next write fail as a disk error would. */
    private static void closeActiveSegmentBehindTheLogsBack(DecisionLog log) throws Exception {
        Object store = field(log, "store");
        Object active = field(store, "active");
        ((java.io.RandomAccessFile) field(active, "raf")).close();
    }

    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        java.lang.reflect.Field f = owner.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(owner);
    }

    interface Work {
        void run(int thread) throws IOException;
    }

    private static void runConcurrently(Work work) throws Exception {
        runConcurrently(THREADS, work);
    }

    private static void runConcurrently(int threads, Work work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    work.run(thread);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
