package dev.dtc.bench.remote;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Closed-loop clients: each thread runs one {@link Workload} transaction after another, no think time. All share
 * one timeline: a warm-up (run, not recorded: JIT, connection pools, the coordinator's thread pools), then the
 * window. A transaction counts in the window if its answer arrived inside it; latencies go into a histogram per
 * thread (no sharing on the hot path), merged at the end.
 */
final class ClientLoad {

    private ClientLoad() {
    }

    /**
     * @param coordinator the coordinator's CPU (or a meter answering -1), read at the window's start and end
     * @param local       this JVM's CPU, the same way
     */
    static RemotePoint run(Workload workload, int clients, Duration warmup, Duration window, CpuMeter coordinator,
            CpuMeter local) throws InterruptedException {
        return run(workload, clients, warmup, window, coordinator, local, Edges.NONE);
    }

    /** What else to read at the window's edges, next to the two CPU meters (e.g. other processes' CPU). */
    interface Edges {
        Edges NONE = new Edges() {
            @Override
            public void windowStarts() {
            }

            @Override
            public void windowEnds() {
            }
        };

        void windowStarts();

        void windowEnds();
    }

    /** The same, calling {@code edges} right after the CPU meters are read at the window's start and end. */
    static RemotePoint run(Workload workload, int clients, Duration warmup, Duration window, CpuMeter coordinator,
            CpuMeter local, Edges edges) throws InterruptedException {
        AtomicLong sequence = new AtomicLong();
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        Timeline timeline = new Timeline();
        List<Client> all = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Client c = new Client(workload, sequence, timeline, ready, go);
            Thread t = new Thread(c, "bench-client-" + i);
            all.add(c);
            threads.add(t);
            t.start();
        }
        ready.await();
        timeline.measureFrom = System.nanoTime() + warmup.toNanos();
        timeline.measureUntil = timeline.measureFrom + window.toNanos();
        go.countDown(); // happens-before every client's await(): they see the timeline
        // this thread is idle while the clients run: it reads the CPU meters at the window's edges
        sleepUntil(timeline.measureFrom);
        long coordinatorFrom = coordinator.cpuNanos();
        long localFrom = local.cpuNanos();
        edges.windowStarts();
        sleepUntil(timeline.measureUntil);
        long coordinatorCpu = delta(coordinatorFrom, coordinator.cpuNanos());
        long localCpu = delta(localFrom, local.cpuNanos());
        edges.windowEnds();
        for (Thread t : threads) {
            t.join();
        }

        Histogram merged = new Histogram(3);
        long committed = 0;
        long rolledBack = 0;
        long failed = 0;
        long committedOverall = 0;
        long rolledBackOverall = 0;
        long failedOverall = 0;
        String firstFailure = null;
        for (Client c : all) {
            merged.add(c.latencies);
            committed += c.committed;
            rolledBack += c.rolledBack;
            failed += c.failed;
            committedOverall += c.committedOverall;
            rolledBackOverall += c.rolledBackOverall;
            failedOverall += c.failedOverall;
            if (firstFailure == null && c.firstFailure != null) {
                firstFailure = c.firstFailure.toString();
            }
        }
        return new RemotePoint(workload.label(), clients, committed, rolledBack, failed, window.toNanos() / 1e9,
                merged.getValueAtPercentile(50), merged.getValueAtPercentile(99), merged.getMaxValue(),
                committedOverall, rolledBackOverall, failedOverall, coordinatorCpu, localCpu, null, firstFailure);
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }
    }

    private static long delta(long from, long to) {
        return from < 0 || to < 0 ? -1 : to - from;
    }

    /** When recording starts and stops; written once before the clients are released. */
    private static final class Timeline {
        long measureFrom;
        long measureUntil;
    }

    /** One client thread; its fields are read only after join(). */
    private static final class Client implements Runnable {
        private final Workload workload;
        private final AtomicLong sequence;
        private final Timeline timeline;
        private final CountDownLatch ready;
        private final CountDownLatch go;

        final Histogram latencies = new Histogram(3);
        long committed;
        long rolledBack;
        long failed;
        long committedOverall;
        long rolledBackOverall;
        long failedOverall;
        Throwable firstFailure;

        Client(Workload workload, AtomicLong sequence, Timeline timeline, CountDownLatch ready, CountDownLatch go) {
            this.workload = workload;
            this.sequence = sequence;
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
                Workload.Result result;
                try {
                    result = workload.run(sequence.incrementAndGet());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception | Error e) {
                    result = null;
                    if (firstFailure == null) {
                        firstFailure = e;
                    }
                }
                long end = System.nanoTime();
                boolean inWindow = end >= from && end < until;
                if (result == Workload.Result.COMMITTED) {
                    committedOverall++;
                    if (inWindow) {
                        committed++;
                        latencies.recordValue(end - start);
                    }
                } else if (result == Workload.Result.ROLLED_BACK) {
                    rolledBackOverall++;
                    if (inWindow) {
                        rolledBack++;
                    }
                } else {
                    failedOverall++;
                    if (inWindow) {
                        failed++;
                    }
                }
                if (end >= until) {
                    return;
                }
            }
        }
    }
}
