package dev.dtc.bench.remote;

/**
 * One measured point: a workload at one client count.
 *
 * @param workload          {@link Workload#label()}
 * @param clients           concurrent client threads
 * @param committed         transactions answered COMMITTED inside the window
 * @param rolledBack        answered ROLLED_BACK inside the window
 * @param failed            no answer, an error status or an unreadable answer inside the window
 * @param seconds           the window's length
 * @param p50Nanos          median latency of the committed ones, request sent to answer read
 * @param p99Nanos          99th percentile of the same
 * @param maxNanos          slowest committed one
 * @param committedOverall  committed including the warm-up, for the participants' call check
 * @param rolledBackOverall the same for rolled back
 * @param failedOverall     the same for failed
 * @param coordinatorCpuNanos CPU the coordinator process used during the window, -1 if unknown
 * @param localCpuNanos     CPU this JVM (clients and no-op participants) used during the window, -1 if unknown
 * @param check             null if the participants saw exactly what the committed transactions call for (or
 *                          nothing was checked), else what they saw
 * @param firstFailure      the first failure's message, or null
 */
record RemotePoint(
        String workload,
        int clients,
        long committed,
        long rolledBack,
        long failed,
        double seconds,
        long p50Nanos,
        long p99Nanos,
        long maxNanos,
        long committedOverall,
        long rolledBackOverall,
        long failedOverall,
        long coordinatorCpuNanos,
        long localCpuNanos,
        String check,
        String firstFailure) {

    double transactionsPerSecond() {
        return committed / seconds;
    }

    /** CPU microseconds per committed transaction, or NaN if unknown. */
    double cpuMicrosPerTransaction(long cpuNanos) {
        return cpuNanos < 0 || committed == 0 ? Double.NaN : cpuNanos / 1000.0 / committed;
    }

    RemotePoint withCheck(String mismatch) {
        return new RemotePoint(workload, clients, committed, rolledBack, failed, seconds, p50Nanos, p99Nanos, maxNanos,
                committedOverall, rolledBackOverall, failedOverall, coordinatorCpuNanos, localCpuNanos, mismatch,
                firstFailure);
    }
}
