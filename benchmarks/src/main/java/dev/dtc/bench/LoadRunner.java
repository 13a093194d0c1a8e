package dev.dtc.bench;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Drives one {@link Workload} with a fixed number of closed-loop client threads.
 *
 * <p>Every thread runs the workload's transaction back to back and times each with {@link System#nanoTime()}
 * into its own histogram (no shared state on the measured path besides the system under test). All threads share
 * one timeline: a warm-up during which nothing is recorded (JIT, log files pre-allocated, caches filled), then a
 * fixed window in which a transaction counts if it returned inside it. Throughput is committed transactions over
 * the window length; the per-thread histograms are merged for the percentiles.
 *
 * <p>Allocation: the JVM's total allocated heap bytes ({@link com.sun.management.ThreadMXBean#getTotalThreadAllocatedBytes},
 * every thread, also those that ended) read at the window's edges by this runner's thread, divided by the
 * transactions committed in the window.
 */
final class LoadRunner {

    private final Workload workload;
    private final Duration warmup;
    private final Duration window;

    LoadRunner(Workload workload, Duration warmup, Duration window) {
        this.workload = workload;
        this.warmup = warmup;
        this.window = window;
    }

    PointResult run(String configuration, int threads) throws Exception {
        workload.beforePoint();
        Timeline timeline = new Timeline();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Client> clients = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                clients.add(new Client(workload.newClient(i), timeline, ready, go, release));
            }
            for (int i = 0; i < threads; i++) {
                Thread worker = new Thread(clients.get(i), configuration + "-client-" + i);
                workers.add(worker);
                worker.start();
            }
            ready.await();
            // The latch publishes the timeline to every client (happens-before on countDown/await).
            timeline.measureFrom = System.nanoTime() + warmup.toNanos();
            timeline.measureUntil = timeline.measureFrom + window.toNanos();
            go.countDown();
            sleepUntil(timeline.measureFrom);
            long allocatedBefore = Allocation.totalBytes();
            sleepUntil(timeline.measureUntil);
            // the clients are still alive here (they wait for the release): a thread that is ending while the JVM
            // sums its threads can be missed, and the sum then sticks at its previous high (measured: 0 B/tx at
            // 1 thread when the one client ended right at the window's edge)
            long allocatedAfter = Allocation.totalBytes();
            release.countDown();
            for (Thread worker : workers) {
                worker.join();
            }
            // closed only after the check: a coordinator may still be finishing phase two on a client's connections
            return result(configuration, threads, clients, allocatedBefore, allocatedAfter);
        } finally {
            release.countDown();
            close(configuration, clients);
        }
    }

    private static void close(String configuration, List<Client> clients) {
        for (Client client : clients) {
            if (!client.closed) {
                client.closed = true;
                try {
                    client.client.close();
                } catch (Exception e) {
                    System.err.println("[" + configuration + "] closing a client: " + e);
                }
            }
        }
    }

    private PointResult result(String configuration, int threads, List<Client> clients, long allocatedBefore,
            long allocatedAfter) throws Exception {
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
        boolean checked = workload.check(configuration, threads, committedOverall, failedOverall);
        double seconds = window.toNanos() / 1e9;
        long allocatedPerTx = allocatedBefore < 0 || allocatedAfter < 0 || committed == 0 ? -1
                : (allocatedAfter - allocatedBefore) / committed;
        return new PointResult(configuration, threads, committed, failed, seconds,
                latencies.getValueAtPercentile(50), latencies.getValueAtPercentile(99), latencies.getMaxValue(),
                allocatedPerTx, checked);
    }

    private static void sleepUntil(long nanoTime) {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    /**
     * The JVM's heap allocation so far, all threads, also those that ended; -1 where the JVM cannot tell.
     *
     * <p>Called through reflection: {@code com.sun.management.ThreadMXBean#getTotalThreadAllocatedBytes} exists on
     * every JDK from 14 (the run-time check below), but JDK 25's {@code --release 17} signatures lack it, so a direct
     * call does not compile there. It is called twice per point, outside the measured path.
     */
    static final class Allocation {
        private static final Object THREADS = ManagementFactory.getThreadMXBean();
        private static final Method TOTAL = totalMethod();

        private Allocation() {
        }

        private static Method totalMethod() {
            if (!(THREADS instanceof com.sun.management.ThreadMXBean hotspot)
                    || !hotspot.isThreadAllocatedMemorySupported() || !hotspot.isThreadAllocatedMemoryEnabled()) {
                return null;
            }
            try {
                return com.sun.management.ThreadMXBean.class.getMethod("getTotalThreadAllocatedBytes");
            } catch (NoSuchMethodException e) {
                return null;
            }
        }

        static long totalBytes() {
            if (TOTAL == null) {
                return -1;
            }
            try {
                return (Long) TOTAL.invoke(THREADS);
            } catch (ReflectiveOperationException e) {
                return -1;
            }
        }
    }

    /** When recording starts and stops; written once before the clients are released. */
    private static final class Timeline {
        long measureFrom;
        long measureUntil;
    }

    /** One client thread; its fields are read by the runner only after join(). */
    private static final class Client implements Runnable {
        private final Workload.Client client;
        private final Timeline timeline;
        private final CountDownLatch ready;
        private final CountDownLatch go;
        private final CountDownLatch release;

        final Histogram latencies = new Histogram(3);
        long committedInWindow;
        long failedInWindow;
        long committedOverall;
        long failedOverall;
        Throwable firstFailure;
        boolean closed;

        Client(Workload.Client client, Timeline timeline, CountDownLatch ready, CountDownLatch go,
                CountDownLatch release) {
            this.client = client;
            this.timeline = timeline;
            this.ready = ready;
            this.go = go;
            this.release = release;
        }

        @Override
        public void run() {
            try {
                loop();
            } finally {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private void loop() {
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
                client.transaction();
                return true;
            } catch (Exception | Error e) {
                if (firstFailure == null) {
                    firstFailure = e;
                }
                client.afterFailure();
                return false;
            }
        }
    }
}
