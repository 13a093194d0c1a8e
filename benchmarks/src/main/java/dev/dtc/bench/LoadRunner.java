package dev.dtc.bench;

import jakarta.transaction.Status;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.HdrHistogram.Histogram;

/**
 * Drives one transaction manager with a fixed number of closed-loop client threads.
 *
 * <p>Every thread runs begin → enlist "rm-a" → enlist "rm-b" → commit, back to back, and
 * times each transaction with {@link System#nanoTime()} into its own histogram (no shared
 * state on the measured path besides the manager itself). All threads share one timeline: a
 * warm-up during which nothing is recorded (JIT, log files pre-allocated, caches filled),
 * then a fixed window in which a transaction counts if its commit returned inside it.
 * Throughput is committed transactions over the window length; the per-thread histograms are
 * merged for the percentiles.
 */
final class LoadRunner {

    private static final Duration PHASE_TWO_SETTLE = Duration.ofSeconds(10);

    private final TransactionManager transactionManager;
    private final Duration warmup;
    private final Duration window;

    LoadRunner(TransactionManager transactionManager, Duration warmup, Duration window) {
        this.transactionManager = transactionManager;
        this.warmup = warmup;
        this.window = window;
    }

    PointResult run(String configuration, int threads) throws InterruptedException {
        NoOpXAResource.CallCounts counts = new NoOpXAResource.CallCounts();
        Timeline timeline = new Timeline();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Client> clients = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Client client = new Client(transactionManager, counts, timeline, ready, go);
            clients.add(client);
            Thread worker = new Thread(client, configuration + "-client-" + i);
            workers.add(worker);
            worker.start();
        }
        ready.await();
        // The latch publishes the timeline to every client (happens-before on countDown/await).
        timeline.measureFrom = System.nanoTime() + warmup.toNanos();
        timeline.measureUntil = timeline.measureFrom + window.toNanos();
        go.countDown();
        for (Thread worker : workers) {
            worker.join();
        }

        Histogram latencies = new Histogram(3);
        long committed = 0;
        long failed = 0;
        long committedOverall = 0;
        long failedOverall = 0;
        Throwable firstFailure = null;
        for (Client client : clients) {
            latencies.add(client.latencies);
            committed += client.committedInWindow;
            failed += client.failedInWindow;
            committedOverall += client.committedOverall;
            failedOverall += client.failedOverall;
            if (firstFailure == null) {
                firstFailure = client.firstFailure;
            }
        }
        if (firstFailure != null) {
            System.err.println("[" + configuration + "] " + failedOverall + " transaction(s) failed at " + threads
                    + " threads; the first failure:");
            firstFailure.printStackTrace();
        }
        boolean twoPhaseChecked = checkTwoPhaseCommit(configuration, threads, counts, committedOverall, failedOverall);
        double seconds = window.toNanos() / 1e9;
        return new PointResult(configuration, threads, committed, failed, seconds,
                latencies.getValueAtPercentile(50), latencies.getValueAtPercentile(99), latencies.getMaxValue(),
                twoPhaseChecked);
    }

    /**
     * Proves the point measured what it claims: every committed transaction sent two prepares
     * and two two-phase commits, and nothing was committed in one phase. A coordinator may
     * finish phase two on its own threads, so give straggling commits a moment to land.
     */
    private static boolean checkTwoPhaseCommit(String configuration, int threads, NoOpXAResource.CallCounts counts,
            long committedOverall, long failedOverall) throws InterruptedException {
        long expected = 2 * committedOverall;
        long deadline = System.nanoTime() + PHASE_TWO_SETTLE.toNanos();
        while (counts.twoPhaseCommits.sum() < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        boolean ok = failedOverall == 0
                ? counts.prepares.sum() == expected && counts.twoPhaseCommits.sum() == expected
                : counts.prepares.sum() >= expected && counts.twoPhaseCommits.sum() >= expected;
        ok &= counts.onePhaseCommits.sum() == 0;
        System.err.println("[" + configuration + "] " + threads + " threads: " + committedOverall
                + " committed overall (warm-up included), resources saw " + counts
                + (ok ? " — two-phase commit confirmed" : " — MISMATCH: not a clean two-phase commit per transaction"));
        return ok;
    }

    /** When recording starts and stops; written once before the clients are released. */
    private static final class Timeline {
        long measureFrom;
        long measureUntil;
    }

    /** One client thread; its fields are read by the runner only after join(). */
    private static final class Client implements Runnable {
        private final TransactionManager tm;
        private final NoOpXAResource first;
        private final NoOpXAResource second;
        private final Timeline timeline;
        private final CountDownLatch ready;
        private final CountDownLatch go;

        final Histogram latencies = new Histogram(3);
        long committedInWindow;
        long failedInWindow;
        long committedOverall;
        long failedOverall;
        Throwable firstFailure;

        Client(TransactionManager tm, NoOpXAResource.CallCounts counts, Timeline timeline,
                CountDownLatch ready, CountDownLatch go) {
            this.tm = tm;
            // one "connection" per resource manager per thread, reused as a pool would
            this.first = new NoOpXAResource("rm-a", counts);
            this.second = new NoOpXAResource("rm-b", counts);
            this.timeline = timeline;
            this.ready = ready;
            this.go = go;
        }

        @Override
        public void run() {
            ready.countDown();
            try {
                go.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long from = timeline.measureFrom;
            long until = timeline.measureUntil;
            while (true) {
                long start = System.nanoTime();
                boolean ok = oneTransaction();
                long end = System.nanoTime();
                if (ok) {
                    committedOverall++;
                } else {
                    failedOverall++;
                }
                if (end >= until) {
                    return;
                }
                if (end >= from) {
                    if (ok) {
                        committedInWindow++;
                        latencies.recordValue(end - start);
                    } else {
                        failedInWindow++;
                    }
                }
            }
        }

        private boolean oneTransaction() {
            try {
                tm.begin();
                Transaction tx = tm.getTransaction();
                if (!tx.enlistResource(first) || !tx.enlistResource(second)) {
                    throw new IllegalStateException("enlistResource returned false");
                }
                tm.commit();
                return true;
            } catch (Exception | Error e) {
                if (firstFailure == null) {
                    firstFailure = e;
                }
                clearThread();
                return false;
            }
        }

        /** After a failure, leave the thread without a transaction so the next begin() works. */
        private void clearThread() {
            try {
                if (tm.getStatus() != Status.STATUS_NO_TRANSACTION) {
                    tm.rollback();
                }
            } catch (Exception | Error ignored) {
                try {
                    tm.suspend();
                } catch (Exception | Error alsoIgnored) {
                    // nothing more to do: the next begin() will report it
                }
            }
        }
    }
}
