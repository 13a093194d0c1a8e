package dev.dtc.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Renders all points of a run as Markdown: one row per configuration and thread count, then
 * dtc's throughput as a ratio to each other configuration.
 *
 * <p>With several rounds a row shows the round whose throughput is the median (the lower
 * middle one for an even count), with that same round's percentiles, so the numbers in a row
 * always come from one measurement; the spread of throughput over the rounds is shown beside.
 */
final class ResultTable {

    static final String DTC = Configuration.DTC.label();

    private final List<String> configurations;
    private final List<Integer> threadCounts;
    private final List<PointResult> results;
    private final Map<String, String> failures;

    /**
     * @param configurations labels in the order they were run
     * @param threadCounts   thread counts in the order they were run
     * @param results        every point that produced a result
     * @param failures       per configuration label, why it produced no (or not all) results
     */
    ResultTable(List<String> configurations, List<Integer> threadCounts, List<PointResult> results,
            Map<String, String> failures) {
        this.configurations = List.copyOf(configurations);
        this.threadCounts = List.copyOf(threadCounts);
        this.results = List.copyOf(results);
        this.failures = new LinkedHashMap<>(failures);
    }

    String render() {
        boolean rounds = results.stream().anyMatch(r -> rounds(r.configuration(), r.threads()).size() > 1);
        StringBuilder out = new StringBuilder();
        out.append("| configuration | threads | committed tx/s | p50 latency (ms) | p99 latency (ms) | failed tx |")
                .append(rounds ? " tx/s over rounds |\n" : "\n");
        out.append("|---|---:|---:|---:|---:|---:|").append(rounds ? "---:|\n" : "\n");
        boolean anyUnchecked = false;
        for (String configuration : configurations) {
            for (int threads : threadCounts) {
                Optional<PointResult> point = find(configuration, threads);
                if (point.isPresent()) {
                    PointResult r = point.get();
                    anyUnchecked |= !r.twoPhaseChecked();
                    out.append(String.format(Locale.ROOT, "| %s | %d | %s%s | %.3f | %.3f | %d |", configuration,
                            threads, grouped(r.transactionsPerSecond()), r.twoPhaseChecked() ? "" : " †",
                            r.p50Nanos() / 1e6, r.p99Nanos() / 1e6, r.failed()));
                    if (rounds) {
                        List<PointResult> all = rounds(configuration, threads);
                        out.append(' ').append(grouped(all.get(0).transactionsPerSecond())).append(" – ")
                                .append(grouped(all.get(all.size() - 1).transactionsPerSecond()))
                                .append(" (").append(all.size()).append(") |");
                    }
                    out.append('\n');
                } else {
                    out.append(String.format(Locale.ROOT, "| %s | %d | no result | | | |", configuration, threads))
                            .append(rounds ? " |\n" : "\n");
                }
            }
        }
        if (anyUnchecked) {
            out.append("\n† the resources did not see exactly two prepares and two two-phase commits per committed"
                    + " transaction; see the run's log.\n");
        }
        String ratios = renderRatios();
        if (!ratios.isEmpty()) {
            out.append('\n').append(ratios);
        }
        if (!failures.isEmpty()) {
            out.append('\n');
            failures.forEach((configuration, reason) ->
                    out.append("- ").append(configuration).append(" failed: ").append(reason).append('\n'));
        }
        return out.toString();
    }

    /** dtc tx/s ÷ each other configuration's tx/s, per thread count; empty without dtc or without a baseline. */
    private String renderRatios() {
        List<String> baselines = new ArrayList<>();
        for (String configuration : configurations) {
            if (!configuration.equals(DTC) && results.stream().anyMatch(r -> r.configuration().equals(configuration))) {
                baselines.add(configuration);
            }
        }
        if (baselines.isEmpty() || results.stream().noneMatch(r -> r.configuration().equals(DTC))) {
            return "";
        }
        StringBuilder out = new StringBuilder("| threads |");
        StringBuilder rule = new StringBuilder("|---:|");
        for (String baseline : baselines) {
            out.append(" dtc / ").append(baseline).append(" (tx/s) |");
            rule.append("---:|");
        }
        out.append('\n').append(rule).append('\n');
        for (int threads : threadCounts) {
            out.append("| ").append(threads).append(" |");
            Optional<PointResult> dtc = find(DTC, threads);
            for (String baseline : baselines) {
                Optional<PointResult> other = find(baseline, threads);
                if (dtc.isPresent() && other.isPresent() && other.get().committed() > 0) {
                    double ratio = dtc.get().transactionsPerSecond() / other.get().transactionsPerSecond();
                    out.append(String.format(Locale.ROOT, " %.1f× |", ratio));
                } else {
                    out.append(" — |");
                }
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** The median round of this point, if any round produced it. */
    private Optional<PointResult> find(String configuration, int threads) {
        List<PointResult> all = rounds(configuration, threads);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get((all.size() - 1) / 2));
    }

    /** Every round of this point, slowest first. */
    private List<PointResult> rounds(String configuration, int threads) {
        return results.stream()
                .filter(r -> r.configuration().equals(configuration) && r.threads() == threads)
                .sorted(Comparator.comparingDouble(PointResult::transactionsPerSecond))
                .collect(Collectors.toList());
    }

    private static String grouped(double value) {
        return String.format(Locale.ROOT, "%,d", Math.round(value));
    }
}
