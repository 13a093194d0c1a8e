package dev.dtc.bench.remote;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The scale run as Markdown: one row per configuration with throughput, latency and CPU per committed transaction
 * (the coordinators summed, the benchmark JVM, the PostgreSQL server), and the shared store's cost per transaction
 * (database transactions, WAL fsyncs); then what each configuration used of the machine and what that means for how
 * many coordinators one PostgreSQL can serve; then the rows each table received.
 */
final class ScaleReport {

    private final List<ScalePoint> points;
    private final int cores;
    private final List<CommitProbe.Result> commitProbe;

    ScaleReport(List<ScalePoint> points, int cores) {
        this(points, cores, List.of());
    }

    /** @param commitProbe the database's commit rate measured before the run, or empty */
    ScaleReport(List<ScalePoint> points, int cores, List<CommitProbe.Result> commitProbe) {
        this.points = List.copyOf(points);
        this.cores = cores;
        this.commitProbe = List.copyOf(commitProbe);
    }

    String render() {
        StringBuilder out = new StringBuilder();
        out.append("| configuration | coordinators | committed tx/s | p50 latency (ms) | p99 latency (ms) | rolled back"
                + " | failed | coordinator CPU µs/tx | benchmark JVM CPU µs/tx | PostgreSQL CPU µs/tx, whole server"
                + " | of it the store's sessions | database transactions per tx | WAL fsyncs per tx |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (ScalePoint s : points) {
            RemotePoint p = s.point();
            ScalePoint.StoreCost c = s.store();
            out.append(String.format(Locale.ROOT, "| %s | %d | %s%s | %.3f | %.3f | %d | %d | %s | %s | %s | %s | %s | %s |%n",
                    s.configuration(), s.coordinators(), grouped(p.transactionsPerSecond()), p.check() == null ? "" : " †",
                    p.p50Nanos() / 1e6, p.p99Nanos() / 1e6, p.rolledBack(), p.failed(),
                    cpu(p.cpuMicrosPerTransaction(p.coordinatorCpuNanos())), cpu(p.cpuMicrosPerTransaction(p.localCpuNanos())),
                    c == null ? "—" : cpu(p.cpuMicrosPerTransaction(c.postgresCpuNanos())),
                    c == null ? "—" : cpu(p.cpuMicrosPerTransaction(c.sessionCpuNanos())),
                    c == null ? "—" : ratio(c.commitsPerTransaction()),
                    c == null ? "—" : ratio(c.walSyncsPerTransaction())));
        }
        if (points.stream().anyMatch(s -> s.point().check() != null)) {
            out.append("\n† the participants did not see exactly the calls the committed transactions call for:\n");
            for (ScalePoint s : points) {
                if (s.point().check() != null) {
                    out.append("- ").append(s.configuration()).append(": ").append(s.point().check()).append('\n');
                }
            }
        }
        out.append('\n').append(usage());
        String rows = rows();
        if (!rows.isEmpty()) {
            out.append('\n').append(rows);
        }
        out.append('\n').append(explanation());
        return out.toString();
    }

    /** True if every configuration committed something and nothing rolled back, failed or mismatched. */
    boolean clean() {
        return points.stream().map(ScalePoint::point).allMatch(p -> p.committed() > 0 && p.rolledBack() == 0
                && p.failed() == 0 && p.check() == null);
    }

    private String usage() {
        StringBuilder out = new StringBuilder("| configuration | CPU µs/tx, these processes | cores they kept busy"
                + " | cores busy, whole machine (of " + cores + ") | database transactions/s"
                + " | PostgreSQL CPU µs per database transaction | tx/s one PostgreSQL core carries"
                + " | coordinator CPU per PostgreSQL CPU |\n");
        // PostgreSQL's part below is its store sessions' CPU (see storeCpuNanos)
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (ScalePoint s : points) {
            RemotePoint p = s.point();
            ScalePoint.StoreCost c = s.store();
            double pg = c == null ? Double.NaN : p.cpuMicrosPerTransaction(storeCpuNanos(c));
            double coordinator = p.cpuMicrosPerTransaction(p.coordinatorCpuNanos());
            double all = coordinator + p.cpuMicrosPerTransaction(p.localCpuNanos()) + (c == null ? 0 : pg);
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", s.configuration(), cpu(all),
                    Double.isNaN(all) ? "—" : String.format(Locale.ROOT, "%.2f", all * p.committed() / 1e6 / p.seconds()),
                    s.machineCpuNanos() < 0 ? "—" : String.format(Locale.ROOT, "%.2f", s.machineCpuNanos() / 1e9 / p.seconds()),
                    c == null ? "—" : grouped(c.commitsPerTransaction() * p.transactionsPerSecond()),
                    // the window's CPU over the window's share of the counted database transactions
                    c == null || Double.isNaN(pg) ? "—" : cpu(pg / c.commitsPerTransaction()),
                    c == null || Double.isNaN(pg) ? "—" : grouped(1e6 / pg),
                    c == null || Double.isNaN(pg) ? "—" : String.format(Locale.ROOT, "%.1f", coordinator / pg)));
        }
        return out.toString();
    }

    private String rows() {
        StringBuilder out = new StringBuilder();
        for (ScalePoint s : points) {
            ScalePoint.StoreCost c = s.store();
            if (c == null || c.rows().isEmpty() || c.rowsTransactions() == 0) {
                continue;
            }
            String tables = c.rows().entrySet().stream()
                    // tables a transaction touches; the schema's version row and the like would print 0.000
                    .filter(e -> (e.getValue().inserted() + e.getValue().updated() + e.getValue().deleted()) * 2000
                            >= c.rowsTransactions())
                    .map(e -> tableLine(e.getKey(), e.getValue(), c.rowsTransactions()))
                    .collect(Collectors.joining("; "));
            out.append("- ").append(s.configuration()).append(", rows per transaction (").append(grouped(c.rowsTransactions()))
                    .append(" since the schema was made): ").append(tables.isEmpty() ? "none" : tables)
                    .append(String.format(Locale.ROOT, "; WAL %.0f bytes per transaction (whole server)%n",
                            c.walBytesPerTransaction()));
        }
        return out.toString();
    }

    private static String tableLine(String table, StoreDatabase.TableRows r, long transactions) {
        StringBuilder b = new StringBuilder(table).append(' ');
        b.append(String.format(Locale.ROOT, "%.3f inserted", (double) r.inserted() / transactions));
        if (r.updated() > 0) {
            b.append(String.format(Locale.ROOT, ", %.3f updated", (double) r.updated() / transactions));
        }
        b.append(String.format(Locale.ROOT, ", %.3f deleted", (double) r.deleted() / transactions));
        return b.toString();
    }

    /** What the numbers say, from the numbers. */
    String explanation() {
        StringBuilder out = new StringBuilder();
        for (ScalePoint s : points) {
            double ours = busyCores(s);
            double machine = s.machineCpuNanos() < 0 ? Double.NaN : s.machineCpuNanos() / 1e9 / s.point().seconds();
            if (Double.isNaN(ours) || Double.isNaN(machine)) {
                continue;
            }
            // the two /proc reads are not exactly at the window's edges: a saturated machine can show 2.01 of 2
            out.append(String.format(Locale.ROOT, "%s: the machine was %.0f %% busy, %.2f of %d cores", s.configuration(),
                    Math.min(100, 100 * machine / cores), machine, cores));
            out.append(String.format(Locale.ROOT, ", %.2f of them the benchmark's processes", ours));
            out.append(machine >= 0.9 * cores ? " (bound by the CPU). " : " (not bound by the CPU: the transactions"
                    + " waited for something else). ");
        }
        for (ScalePoint s : points) {
            ScalePoint.StoreCost c = s.store();
            if (c == null) {
                continue;
            }
            RemotePoint p = s.point();
            double pg = p.cpuMicrosPerTransaction(storeCpuNanos(c));
            double coordinator = p.cpuMicrosPerTransaction(p.coordinatorCpuNanos());
            out.append(String.format(Locale.ROOT, "%s: %.3f database transactions and %.3f WAL fsyncs per transaction",
                    s.configuration(), c.commitsPerTransaction(), c.walSyncsPerTransaction()));
            if (!Double.isNaN(pg)) {
                out.append(String.format(Locale.ROOT, ", %s µs of PostgreSQL CPU in the store's sessions: one PostgreSQL"
                                + " core would carry about"
                                + " %s tx/s, the work of %.1f coordinator cores at %s µs each", grouped(pg),
                        grouped(1e6 / pg), coordinator / pg, grouped(coordinator)));
            }
            out.append(". ");
        }
        double maxCommits = points.stream().filter(s -> s.store() != null)
                .mapToDouble(s -> s.store().commitsPerTransaction() * s.point().transactionsPerSecond())
                .filter(d -> !Double.isNaN(d)).max().orElse(Double.NaN);
        if (!commitProbe.isEmpty() && !Double.isNaN(maxCommits)) {
            CommitProbe.Result one = commitProbe.get(0);
            out.append(String.format(Locale.ROOT, "The store's database committed at most %s database transactions a"
                    + " second, where it commits %s a second on %d connection%s alone (commit probe)%s. ", grouped(maxCommits),
                    grouped(one.commitsPerSecond()), one.connections(), one.connections() == 1 ? "" : "s",
                    maxCommits < 0.5 * one.commitsPerSecond() ? ": its commit rate was not the limit"
                            : ": its commit rate came close to a limit"));
        }
        return out.append('\n').toString();
    }

    private static double busyCores(ScalePoint s) {
        RemotePoint p = s.point();
        long pg = s.store() == null ? 0 : storeCpuNanos(s.store());
        if (p.coordinatorCpuNanos() < 0 || p.localCpuNanos() < 0 || pg < 0) {
            return Double.NaN;
        }
        return (p.coordinatorCpuNanos() + p.localCpuNanos() + pg) / 1e9 / p.seconds();
    }

    /**
     * PostgreSQL's CPU for the store: its sessions' backends where known (robust when other databases of the same
     * server are busy; the server's own processes, the WAL writer and the checkpointer, took little beside them
     * here), else the whole server.
     */
    private static long storeCpuNanos(ScalePoint.StoreCost c) {
        return c.sessionCpuNanos() >= 0 ? c.sessionCpuNanos() : c.postgresCpuNanos();
    }

    private static String ratio(double value) {
        return Double.isNaN(value) ? "—" : String.format(Locale.ROOT, "%.3f", value);
    }

    private static String cpu(double micros) {
        return Double.isNaN(micros) ? "—" : grouped(micros);
    }

    private static String grouped(double value) {
        return String.format(Locale.ROOT, "%,d", Math.round(value));
    }
}
