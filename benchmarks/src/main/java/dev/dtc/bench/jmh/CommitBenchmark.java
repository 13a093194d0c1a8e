package dev.dtc.bench.jmh;

import dev.dtc.TransactionService;
import dev.dtc.bench.NoOpXAResource;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole in-process commit of a two-branch transaction, through the public API the load harness uses
 * ({@code TransactionService}, then {@code begin} → {@code enlistResource} ×2 → {@code commit}), with two no-op XA
 * resources of different resource managers, so a full two-phase commit with a forced DECISION record runs each
 * time. The decision log is on tmpfs, so the force costs no disk: what is left is the engine's own work — its
 * bookkeeping, record encoding, thread hand-offs, timeout scheduling and audit calls. With {@code -prof gc},
 * {@code gc.alloc.rate.norm} is the bytes allocated per transaction by every thread of the JVM (the engine's
 * executor and log writer included), divided by the transactions committed.
 *
 * <p>One {@link TransactionService} per trial on a fresh log directory, deleted afterwards; each thread has its own
 * pair of resources. At the end of the trial the resources' counts must show a clean two-phase commit (as many
 * two-phase commits as prepares, no one-phase commit, no rollback), or the trial fails.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CommitBenchmark {

    /** How long the last transactions' second commits may take to arrive after the trial's last commit returned. */
    private static final Duration PHASE_TWO_SETTLE = Duration.ofSeconds(10);

    /** One transaction service for all threads, as an application has. */
    @State(Scope.Benchmark)
    public static class Service {
        final NoOpXAResource.CallCounts counts = new NoOpXAResource.CallCounts();
        Path logDirectory;
        TransactionService service;
        TransactionManager tm;

        @Setup(Level.Trial)
        public void open() throws Exception {
            logDirectory = TmpfsDirectory.create("dtc-jmh-commit-");
            service = TransactionService.builder()
                    .nodeName("bench")
                    .logDirectory(logDirectory)
                    .defaultTimeout(Duration.ofSeconds(60))
                    .build();
            tm = service.transactionManager();
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            try {
                checkTwoPhaseCommit();
            } finally {
                try {
                    service.close();
                } finally {
                    TmpfsDirectory.delete(logDirectory);
                }
            }
        }

        private void checkTwoPhaseCommit() throws InterruptedException {
            long deadline = System.nanoTime() + PHASE_TWO_SETTLE.toNanos();
            while (counts.twoPhaseCommits.sum() < counts.prepares.sum() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            long prepares = counts.prepares.sum();
            if (prepares == 0 || counts.twoPhaseCommits.sum() != prepares || counts.onePhaseCommits.sum() != 0
                    || counts.rollbacks.sum() != 0) {
                throw new IllegalStateException("not a clean two-phase commit per transaction: the resources saw "
                        + counts);
            }
        }
    }

    /** Each client thread's two resources, as each of the load harness's clients has. */
    @State(Scope.Thread)
    public static class Resources {
        NoOpXAResource first;
        NoOpXAResource second;

        @Setup(Level.Trial)
        public void create(Service service) {
            first = new NoOpXAResource("rm-a", service.counts);
            second = new NoOpXAResource("rm-b", service.counts);
        }
    }

    /** One client thread: the latency of one transaction is 1 / this throughput. */
    @Benchmark
    public void commit(Service service, Resources resources) throws Exception {
        commitTwoBranches(service.tm, resources);
    }

    /** Eight client threads on one service: contention on its shared parts (log writer, maps, executor). */
    @Benchmark
    @Threads(8)
    public void commit8Threads(Service service, Resources resources) throws Exception {
        commitTwoBranches(service.tm, resources);
    }

    private static void commitTwoBranches(TransactionManager tm, Resources resources) throws Exception {
        tm.begin();
        Transaction tx = tm.getTransaction();
        if (!tx.enlistResource(resources.first) || !tx.enlistResource(resources.second)) {
            throw new IllegalStateException("enlistResource returned false");
        }
        tm.commit();
    }
}
