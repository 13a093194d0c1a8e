package dev.dtc.bench;

import java.util.Locale;

/**
 * The outcome of one measurement point: one configuration at one thread count.
 *
 * <p>It travels from the child JVM to the parent as one line of text on the child's standard
 * output ({@link #toLine()} / {@link #parse(String)}), so the two need nothing but a pipe.
 *
 * @param configuration   the {@link Configuration#label()} measured
 * @param threads         concurrent client threads
 * @param committed       transactions whose {@code commit()} returned inside the window
 * @param failed          transactions that threw inside the window
 * @param seconds         length of the measurement window
 * @param p50Nanos        median begin→commit latency of the committed ones
 * @param p99Nanos        99th percentile of the same
 * @param maxNanos        slowest committed transaction
 * @param allocatedBytesPerTx heap bytes the whole JVM allocated during the window per committed transaction,
 *                        -1 if unknown
 * @param checked         the workload's check passed: e.g. the resources saw exactly two prepares and two
 *                        two-phase commits per committed transaction, or the databases hold exactly the
 *                        committed rows and no prepared branch (see {@link Workload#check})
 */
record PointResult(
        String configuration,
        int threads,
        long committed,
        long failed,
        double seconds,
        long p50Nanos,
        long p99Nanos,
        long maxNanos,
        long allocatedBytesPerTx,
        boolean checked) {

    static final String PREFIX = "RESULT ";

    double transactionsPerSecond() {
        return committed / seconds;
    }

    String toLine() {
        return PREFIX + String.format(Locale.ROOT, "%s %d %d %d %.6f %d %d %d %d %b",
                configuration, threads, committed, failed, seconds, p50Nanos, p99Nanos, maxNanos, allocatedBytesPerTx,
                checked);
    }

    static boolean isResultLine(String line) {
        return line.startsWith(PREFIX);
    }

    static PointResult parse(String line) {
        if (!isResultLine(line)) {
            throw new IllegalArgumentException("not a result line: " + line);
        }
        String[] f = line.substring(PREFIX.length()).trim().split(" ");
        if (f.length != 10) {
            throw new IllegalArgumentException("a result line has 10 fields, this one " + f.length + ": " + line);
        }
        return new PointResult(f[0], Integer.parseInt(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                Double.parseDouble(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]), Long.parseLong(f[7]),
                Long.parseLong(f[8]), Boolean.parseBoolean(f[9]));
    }
}
