package dev.dtc.micrometer;

import dev.dtc.audit.AuditEvent;
import dev.dtc.audit.AuditListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The meters fed by audit events: transactions begun and finished, the commit and decision-force timers. One per
 * {@link DtcMetrics#bindTo} (per registry).
 *
 * <p>It is called on the committing thread, so each event costs a switch, at most a map put or remove and a
 * counter or timer update; every meter is registered up front, none is looked up per event. The outcome event
 * (TX_COMMITTED, TX_ROLLED_BACK, TX_HEURISTIC) forgets both start times of its transaction, END the force's (END
 * can come before the outcome event, within the same commit call); a transaction whose outcome never comes (the
 * decision log failed: the outcome is unknown) is dropped by {@link Stopwatches}' bound.
 */
final class AuditMeters implements AuditListener {

    /** Commits in flight at once far beyond any real load; past it, new commits go untimed until entries age out. */
    static final int MAX_TIMED = 10_000;
    /** A commit or force this old without its end event will not get one (its outcome is unknown). */
    static final long STALE_NANOS = TimeUnit.MINUTES.toNanos(10);

    private static final double[] PERCENTILES = {0.5, 0.95, 0.99};

    private final Counter begun;
    private final Counter committed;
    private final Counter rolledBack;
    private final Counter heuristic;
    private final Timer commitCommitted;
    private final Timer commitRolledBack;
    private final Timer commitHeuristic;
    private final Timer force;
    private final LongAdder decisionsForced = new LongAdder();
    private final Stopwatches commits = new Stopwatches(MAX_TIMED, STALE_NANOS);
    private final Stopwatches forces = new Stopwatches(MAX_TIMED, STALE_NANOS);

    AuditMeters(MeterRegistry registry, Tags tags) {
        begun = Counter.builder("dtc.transactions.begun").tags(tags)
                .description("Transactions begun").register(registry);
        committed = finished(registry, tags, "committed");
        rolledBack = finished(registry, tags, "rolled_back");
        heuristic = finished(registry, tags, "heuristic");
        commitCommitted = commitTimer(registry, tags, "committed");
        commitRolledBack = commitTimer(registry, tags, "rolled_back");
        commitHeuristic = commitTimer(registry, tags, "heuristic");
        force = Timer.builder("dtc.decision.force").tags(tags)
                .description("From writing a commit decision to its being forced to the decision store")
                .publishPercentiles(PERCENTILES).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    private static Counter finished(MeterRegistry registry, Tags tags, String outcome) {
        return Counter.builder("dtc.transactions.finished").tags(tags).tag("outcome", outcome)
                .description("Transactions over, by outcome").register(registry);
    }

    private static Timer commitTimer(MeterRegistry registry, Tags tags, String outcome) {
        return Timer.builder("dtc.commit").tags(tags).tag("outcome", outcome)
                .description("From the request to commit to the transaction's outcome (both phases)")
                .publishPercentiles(PERCENTILES).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofMinutes(2))
                .register(registry);
    }

    @Override
    public void onEvent(AuditEvent e) {
        switch (e.type()) {
            case BEGIN -> begun.increment();
            case COMMIT_REQUESTED -> commits.start(e.txId());
            case DECISION_WRITE -> forces.start(e.txId());
            case DECISION_FORCED -> {
                decisionsForced.increment();
                record(force, forces.stop(e.txId()));
            }
            case TX_COMMITTED -> finished(e.txId(), committed, commitCommitted);
            case TX_ROLLED_BACK -> finished(e.txId(), rolledBack, commitRolledBack);
            case TX_HEURISTIC -> finished(e.txId(), heuristic, commitHeuristic);
            // END comes before the outcome event when phase 2 finished every branch at once, so it may not stop
            // the commit's clock; it only ends what is left of the force's (a decision whose force failed)
            case END -> forces.forget(e.txId());
            default -> { }
        }
    }

    /** Commit decisions forced since this listener was registered: what a decision-log force carries. */
    long decisionsForced() {
        return decisionsForced.sum();
    }

    /** Start times kept now (for tests: they must not grow with transactions that ended). */
    int timing() {
        return commits.size() + forces.size();
    }

    private void finished(String txId, Counter outcome, Timer commit) {
        outcome.increment();
        record(commit, commits.stop(txId));
        forces.forget(txId);
    }

    private static void record(Timer timer, long nanos) {
        if (nanos >= 0) {
            timer.record(nanos, TimeUnit.NANOSECONDS);
        }
    }
}
