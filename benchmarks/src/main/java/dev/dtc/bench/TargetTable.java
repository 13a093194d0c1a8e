package dev.dtc.bench;

import dev.dtc.bench.remote.RemotePath;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The targets {@code dtc-benchmarks all} is judged against, each computed from the run's own rows: dtc against
 * Narayana with no durability (its bookkeeping alone), dtc at one thread against one forced append (the disk
 * alone), db-dtc against the same XA calls made by hand (the databases alone), and the remote path against the
 * client making the coordinator's six participant calls itself. A target whose points are missing is "not
 * measured"; one whose point failed its check (†) is not judged.
 */
final class TargetTable {

    /** One target as printed: what, the measured value, whether it is met. */
    record Row(String target, String measured, String met) {
    }

    static final int NO_OP_THREADS = 64;
    static final int SINGLE_THREAD = 1;
    static final int DB_THREADS = 16;
    static final int REMOTE_CLIENTS = 64;

    private final List<PointResult> local;
    private final List<RemotePath.Point> remote;

    /** @param local the local rows (one round: the first match is taken); @param remote the remote path's, maybe none */
    TargetTable(List<PointResult> local, List<RemotePath.Point> remote) {
        this.local = List.copyOf(local);
        this.remote = List.copyOf(remote);
    }

    List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        rows.add(ratio("dtc ÷ narayana-volatile, tx/s at " + NO_OP_THREADS + " threads ≥ 0.75",
                find("dtc", NO_OP_THREADS), find("narayana-volatile", NO_OP_THREADS), 0.75));
        rows.add(ratio("dtc at 1 thread ÷ floor-disk (1 thread), tx/s ≥ 0.8",
                find("dtc", SINGLE_THREAD), find("floor-disk", SINGLE_THREAD), 0.8));
        rows.add(ratio("db-dtc ÷ db-xa-by-hand, tx/s at " + DB_THREADS + " threads ≥ 0.9",
                find("db-dtc", DB_THREADS), find("db-xa-by-hand", DB_THREADS), 0.9));
        rows.add(latency("db-dtc p50 ≤ db-xa-by-hand p50, at " + DB_THREADS + " threads",
                find("db-dtc", DB_THREADS), find("db-xa-by-hand", DB_THREADS)));
        rows.add(ratio("remote: dtc ÷ " + RemotePath.FLOOR_SIX_CALLS + ", tx/s at " + REMOTE_CLIENTS + " clients ≥ 0.6",
                findRemote(RemotePath.DTC, REMOTE_CLIENTS), findRemote(RemotePath.FLOOR_SIX_CALLS, REMOTE_CLIENTS), 0.6));
        return rows;
    }

    String render() {
        StringBuilder out = new StringBuilder("| target | measured | met |\n|---|---|---|\n");
        for (Row row : rows()) {
            out.append("| ").append(row.target()).append(" | ").append(row.measured()).append(" | ").append(row.met())
                    .append(" |\n");
        }
        return out.toString();
    }

    /** A point as the targets need it, from either table. */
    private record Measured(String name, double transactionsPerSecond, long p50Nanos, boolean clean) {
    }

    private static Row ratio(String target, Optional<Measured> subject, Optional<Measured> baseline, double atLeast) {
        Optional<Row> missing = missing(target, subject, baseline);
        if (missing.isPresent()) {
            return missing.get();
        }
        Measured s = subject.get();
        Measured b = baseline.get();
        if (b.transactionsPerSecond() <= 0) {
            return new Row(target, "—", "not measured: " + b.name() + " committed nothing");
        }
        double ratio = s.transactionsPerSecond() / b.transactionsPerSecond();
        String measured = String.format(Locale.ROOT, "%.2f (%s ÷ %s tx/s)", ratio,
                ResultTable.grouped(s.transactionsPerSecond()), ResultTable.grouped(b.transactionsPerSecond()));
        return new Row(target, measured, judged(s, b, ratio >= atLeast));
    }

    private static Row latency(String target, Optional<Measured> subject, Optional<Measured> baseline) {
        Optional<Row> missing = missing(target, subject, baseline);
        if (missing.isPresent()) {
            return missing.get();
        }
        Measured s = subject.get();
        Measured b = baseline.get();
        String measured = String.format(Locale.ROOT, "%.3f ms vs %.3f ms", s.p50Nanos() / 1e6, b.p50Nanos() / 1e6);
        return new Row(target, measured, judged(s, b, s.p50Nanos() <= b.p50Nanos()));
    }

    private static Optional<Row> missing(String target, Optional<Measured> subject, Optional<Measured> baseline) {
        if (subject.isEmpty() || baseline.isEmpty()) {
            return Optional.of(new Row(target, "—", "not measured"));
        }
        return Optional.empty();
    }

    private static String judged(Measured subject, Measured baseline, boolean met) {
        if (!subject.clean() || !baseline.clean()) {
            return "not judged: a point failed its check (†)";
        }
        return met ? "yes" : "no";
    }

    private Optional<Measured> find(String configuration, int threads) {
        return local.stream().filter(r -> r.configuration().equals(configuration) && r.threads() == threads)
                .findFirst()
                .map(r -> new Measured(configuration + " at " + threads, r.transactionsPerSecond(), r.p50Nanos(),
                        r.checked() && r.failed() == 0));
    }

    private Optional<Measured> findRemote(String workload, int clients) {
        return remote.stream().filter(p -> p.workload().equals(workload) && p.clients() == clients).findFirst()
                .map(p -> new Measured(workload + " at " + clients, p.transactionsPerSecond(), p.p50Nanos(), p.clean()));
    }
}
