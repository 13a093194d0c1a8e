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
 * Renders all points of a run as Markdown: one row per configuration and thread count, then, per
 * {@link Configuration.Family}, its dtc configuration's throughput as a ratio to each other one of the family
 * (dtc ÷ the no-op ones, db-dtc ÷ the database ones).
 *
 * <p>With several rounds a row shows the round whose throughput is the median (the lower
 * middle one for an even count), with that same round's percentiles, so the numbers in a row
 * always come from one measurement; the spread of throughput over the rounds is shown beside.
 */
final class ResultTable {

    /** Per configuration label, in the order they were run, the thread counts it ran at. */
    private final Map<String, List<Integer>> plan;
    private final List<String> configurations;
    private final List<PointResult> results;
    private final Map<String, String> failures;

    /**
     * Every configuration at the same thread counts.
     *
     * @param configurations labels in the order they were run
     * @param threadCounts   thread counts in the order they were run
     * @param results        every point that produced a result
     * @param failures       per configuration label, why it produced no (or not all) results
     */
    ResultTable(List<String> configurations, List<Integer> threadCounts, List<PointResult> results,
            Map<String, String> failures) {
        this(plan(configurations, threadCounts), results, failures);
    }

    /** @param plan per configuration label, in the order they were run, its thread counts in that order */
    ResultTable(Map<String, List<Integer>> plan, List<PointResult> results, Map<String, String> failures) {
        this.plan = new LinkedHashMap<>(plan);
        this.configurations = List.copyOf(plan.keySet());
        this.results = List.copyOf(results);
        this.failures = new LinkedHashMap<>(failures);
    }

    private static Map<String, List<Integer>> plan(List<String> configurations, List<Integer> threadCounts) {
        Map<String, List<Integer>> plan = new LinkedHashMap<>();
        for (String configuration : configurations) {
            plan.put(configuration, List.copyOf(threadCounts));
        }
        return plan;
    }

    String render() {
        boolean rounds = results.stream().anyMatch(r -> rounds(r.configuration(), r.threads()).size() > 1);
        StringBuilder out = new StringBuilder();
        out.append("| configuration | threads | committed tx/s | p50 latency (ms) | p99 latency (ms) | failed tx |"
                + " alloc B/tx |").append(rounds ? " tx/s over rounds |\n" : "\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|").append(rounds ? "---:|\n" : "\n");
        boolean anyUnchecked = false;
        for (String configuration : configurations) {
            for (int threads : plan.get(configuration)) {
                Optional<PointResult> point = find(configuration, threads);
                if (point.isPresent()) {
                    PointResult r = point.get();
                    anyUnchecked |= !r.checked();
                    out.append(String.format(Locale.ROOT, "| %s | %d | %s%s | %.3f | %.3f | %d | %s |", configuration,
                            threads, grouped(r.transactionsPerSecond()), r.checked() ? "" : " †",
                            r.p50Nanos() / 1e6, r.p99Nanos() / 1e6, r.failed(),
                            r.allocatedBytesPerTx() < 0 ? "—" : grouped(r.allocatedBytesPerTx())));
                    if (rounds) {
                        List<PointResult> all = rounds(configuration, threads);
                        out.append(' ').append(grouped(all.get(0).transactionsPerSecond())).append(" – ")
                                .append(grouped(all.get(all.size() - 1).transactionsPerSecond()))
                                .append(" (").append(all.size()).append(") |");
                    }
                    out.append('\n');
                } else {
                    out.append(String.format(Locale.ROOT, "| %s | %d | no result | | | | |", configuration, threads))
                            .append(rounds ? " |\n" : "\n");
                }
            }
        }
        if (anyUnchecked) {
            out.append("\n† the point's check failed: the no-op resources did not see exactly two prepares and two"
                    + " two-phase commits per committed transaction, floor-disk's files did not grow by 256 bytes per"
                    + " transaction, or the databases did not hold exactly one row per committed transaction in each"
                    + " table with no branch left prepared; see the run's log.\n");
        }
        for (Configuration.Family family : Configuration.Family.values()) {
            String ratios = renderRatios(family);
            if (!ratios.isEmpty()) {
                out.append('\n').append(ratios);
            }
        }
        if (!failures.isEmpty()) {
            out.append('\n');
            failures.forEach((configuration, reason) ->
                    out.append("- ").append(configuration).append(" failed: ").append(reason).append('\n'));
        }
        return out.toString();
    }

    /**
     * The family's dtc configuration's tx/s ÷ each other configuration's of the family, per thread count; empty
     * without it or without a baseline.
     */
    private String renderRatios(Configuration.Family family) {
        String subject = family.subject();
        List<String> baselines = new ArrayList<>();
        for (String configuration : configurations) {
            if (!configuration.equals(subject) && Configuration.byLabel(configuration).family() == family
                    && results.stream().anyMatch(r -> r.configuration().equals(configuration))) {
                baselines.add(configuration);
            }
        }
        if (baselines.isEmpty() || results.stream().noneMatch(r -> r.configuration().equals(subject))) {
            return "";
        }
        // every thread count the family ran at, in order of first appearance
        List<Integer> threadCounts = configurations.stream()
                .filter(c -> Configuration.byLabel(c).family() == family)
                .flatMap(c -> plan.get(c).stream()).distinct().collect(Collectors.toList());
        StringBuilder out = new StringBuilder("| threads |");
        StringBuilder rule = new StringBuilder("|---:|");
        for (String baseline : baselines) {
            out.append(' ').append(subject).append(" / ").append(baseline).append(" (tx/s) |");
            rule.append("---:|");
        }
        out.append('\n').append(rule).append('\n');
        for (int threads : threadCounts) {
            out.append("| ").append(threads).append(" |");
            Optional<PointResult> dtc = find(subject, threads);
            for (String baseline : baselines) {
                Optional<PointResult> other = find(baseline, threads);
                if (dtc.isPresent() && other.isPresent() && other.get().committed() > 0) {
                    double ratio = dtc.get().transactionsPerSecond() / other.get().transactionsPerSecond();
                    out.append(' ').append(ratio(ratio)).append(" |");
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

    /** Two decimals below 10×, where the targets sit (0.75, 0.8, 0.9); one above. */
    static String ratio(double ratio) {
        return String.format(Locale.ROOT, ratio < 10 ? "%.2f×" : "%.1f×", ratio);
    }

    static String grouped(double value) {
        return String.format(Locale.ROOT, "%,d", Math.round(value));
    }
}
