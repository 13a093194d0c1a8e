package dev.dtc.micrometer;

import dev.dtc.TransactionService;
import dev.dtc.log.LogStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.function.ToLongFunction;

/**
 * The file decision log's meters, from {@link TransactionService#logStats()}: forces, records and bytes written
 * (counters, exact, read when the registry reads them), and the group size: commit decisions per force.
 *
 * <p>Why decisions per force and not records per force: every decision has two records, the forced DECISION and
 * an END that is not forced but rides along with the next force; records per force therefore reads about 2 with a
 * single committing thread, where group commit is 1. Decisions forced (counted from DECISION_FORCED events) over
 * forces (from the log's own counter) is the number of committers that shared one fsync, which is what group
 * commit means. It is taken between two reads of the gauge (one scrape to the next), because a lifetime average
 * hides what the log does now; nothing is recorded per force on the committing path.
 */
final class LogMeters {

    private LogMeters() {
    }

    static void bind(TransactionService service, AuditMeters audit, MeterRegistry registry, Tags tags) {
        if (service.logStats().isEmpty()) {
            return; // another decision store (shared PostgreSQL): it keeps no such counters
        }
        counter(registry, tags, service, "dtc.log.forces", "fsyncs of decision-log segments", null,
                LogStats::forces);
        counter(registry, tags, service, "dtc.log.records", "records appended to the decision log", null,
                LogStats::recordsWritten);
        counter(registry, tags, service, "dtc.log.written", "bytes written to decision-log segments", "bytes",
                LogStats::bytesWritten);
        GroupSize group = new GroupSize(service, audit);
        Gauge.builder("dtc.log.group.size", group, GroupSize::sample).tags(tags).strongReference(true)
                .description("Commit decisions per decision-log force since the previous read (group commit);"
                        + " NaN when nothing was forced in between")
                .register(registry);
    }

    private static void counter(MeterRegistry registry, Tags tags, TransactionService service, String name,
                                String description, String unit, ToLongFunction<LogStats> figure) {
        // a unit only where it says something the name does not (bytes): registries append it to the name
        FunctionCounter.builder(name, service, s -> s.logStats().map(figure::applyAsLong).orElse(0L))
                .tags(tags).baseUnit(unit).description(description).register(registry);
    }

    /** Decisions per force between two samples; read by the registry's publishing or scraping thread only. */
    static final class GroupSize {
        private final TransactionService service;
        private final AuditMeters audit;
        private long forces;
        private long decisions;

        GroupSize(TransactionService service, AuditMeters audit) {
            this.service = service;
            this.audit = audit;
            this.forces = service.logStats().map(LogStats::forces).orElse(0L);
            this.decisions = audit.decisionsForced();
        }

        synchronized double sample() {
            long f = service.logStats().map(LogStats::forces).orElse(forces);
            long d = audit.decisionsForced();
            long df = f - forces;
            long dd = d - decisions;
            forces = f;
            decisions = d;
            return df <= 0 ? Double.NaN : (double) dd / df;
        }
    }
}
