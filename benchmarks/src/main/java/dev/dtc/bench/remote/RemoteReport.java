package dev.dtc.bench.remote;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The remote run as Markdown: one row per workload and client count, then dtc's throughput beside each floor's
 * as a ratio (dtc tx/s ÷ floor tx/s: 1.0× would mean coordination costs nothing beyond the floor's round trips).
 * CPU per committed transaction is shown for the coordinator process (dtc rows only: it idles during the floors)
 * and for the benchmark's own JVM (clients and no-op participants), both over the window: on cores shared with
 * other work, CPU per transaction is steadier than throughput.
 */
final class RemoteReport {

    private final List<RemotePoint> points;

    RemoteReport(List<RemotePoint> points) {
        this.points = List.copyOf(points);
    }

    String render() {
        StringBuilder out = new StringBuilder();
        out.append("| workload | clients | committed tx/s | p50 latency (ms) | p99 latency (ms) | rolled back | failed"
                + " | coordinator CPU µs/tx | benchmark JVM CPU µs/tx |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        boolean anyMismatch = false;
        for (RemotePoint p : points) {
            anyMismatch |= p.check() != null;
            out.append(String.format(Locale.ROOT, "| %s | %d | %s%s | %.3f | %.3f | %d | %d | %s | %s |%n",
                    p.workload(), p.clients(), grouped(p.transactionsPerSecond()), p.check() == null ? "" : " †",
                    p.p50Nanos() / 1e6, p.p99Nanos() / 1e6, p.rolledBack(), p.failed(),
                    cpu(p.workload().equals("dtc") ? p.cpuMicrosPerTransaction(p.coordinatorCpuNanos()) : Double.NaN),
                    cpu(p.cpuMicrosPerTransaction(p.localCpuNanos()))));
        }
        if (anyMismatch) {
            out.append("\n† the participants did not see exactly the calls the committed transactions call for:\n");
            for (RemotePoint p : points) {
                if (p.check() != null) {
                    out.append("- ").append(p.workload()).append(", ").append(p.clients()).append(" clients: ")
                            .append(p.check()).append('\n');
                }
            }
        }
        String ratios = ratios();
        if (!ratios.isEmpty()) {
            out.append('\n').append(ratios);
        }
        return out.toString();
    }

    /** True if every point committed something and nothing rolled back, failed or mismatched. */
    boolean clean() {
        return points.stream().allMatch(p -> p.committed() > 0 && p.rolledBack() == 0 && p.failed() == 0
                && p.check() == null);
    }

    private String ratios() {
        Set<String> floors = new LinkedHashSet<>();
        Set<Integer> clientCounts = new LinkedHashSet<>();
        for (RemotePoint p : points) {
            clientCounts.add(p.clients());
            if (!p.workload().equals("dtc")) {
                floors.add(p.workload());
            }
        }
        if (floors.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("| clients | dtc tx/s |");
        StringBuilder rule = new StringBuilder("|---:|---:|");
        for (String floor : floors) {
            out.append(' ').append(floor).append(" tx/s | dtc ÷ ").append(floor).append(" |");
            rule.append("---:|---:|");
        }
        out.append('\n').append(rule).append('\n');
        for (int clients : clientCounts) {
            Optional<RemotePoint> dtc = find("dtc", clients);
            out.append("| ").append(clients).append(" | ")
                    .append(dtc.map(p -> grouped(p.transactionsPerSecond())).orElse("—")).append(" |");
            for (String floor : floors) {
                Optional<RemotePoint> f = find(floor, clients);
                out.append(' ').append(f.map(p -> grouped(p.transactionsPerSecond())).orElse("—")).append(" |");
                if (dtc.isPresent() && f.isPresent() && f.get().committed() > 0) {
                    out.append(String.format(Locale.ROOT, " %.2f× |",
                            dtc.get().transactionsPerSecond() / f.get().transactionsPerSecond()));
                } else {
                    out.append(" — |");
                }
            }
            out.append('\n');
        }
        return out.toString();
    }

    private Optional<RemotePoint> find(String workload, int clients) {
        return points.stream().filter(p -> p.workload().equals(workload) && p.clients() == clients).findFirst();
    }

    private static String cpu(double micros) {
        return Double.isNaN(micros) ? "—" : grouped(micros);
    }

    private static String grouped(double value) {
        return String.format(Locale.ROOT, "%,d", Math.round(value));
    }
}
