package dev.dtc.bench;

import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import java.time.Duration;

/**
 * The coordinator alone: begin → enlist "rm-a" → enlist "rm-b" → commit through a transaction manager, both
 * resources {@link NoOpXAResource}s of different resource managers, so a full two-phase commit with its forced
 * decision runs and nothing else. The check: exactly two prepares and two two-phase commits per committed
 * transaction, no one-phase commit.
 */
final class NoOpWorkload implements Workload {

    private static final Duration PHASE_TWO_SETTLE = Duration.ofSeconds(10);

    private final TransactionSystem system;
    private NoOpXAResource.CallCounts counts = new NoOpXAResource.CallCounts();

    NoOpWorkload(TransactionSystem system) {
        this.system = system;
    }

    @Override
    public String describe() {
        return system.describe();
    }

    @Override
    public void beforePoint() {
        counts = new NoOpXAResource.CallCounts();
    }

    @Override
    public Client newClient(int index) {
        TransactionManager tm = system.transactionManager();
        // one "connection" per resource manager per thread, reused as a pool would
        NoOpXAResource first = new NoOpXAResource("rm-a", counts);
        NoOpXAResource second = new NoOpXAResource("rm-b", counts);
        return new Client() {
            @Override
            public void transaction() throws Exception {
                tm.begin();
                Transaction tx = tm.getTransaction();
                if (!tx.enlistResource(first) || !tx.enlistResource(second)) {
                    throw new IllegalStateException("enlistResource returned false");
                }
                tm.commit();
            }

            @Override
            public void afterFailure() {
                Threads.clearTransaction(tm);
            }
        };
    }

    /**
     * Proves the point measured what it claims: every committed transaction sent two prepares and two two-phase
     * commits, and nothing was committed in one phase. A coordinator may finish phase two on its own threads, so
     * give straggling commits a moment to land.
     */
    @Override
    public boolean check(String configuration, int threads, long committedOverall, long failedOverall)
            throws InterruptedException {
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

    @Override
    public void close() {
        system.close();
    }
}
