package dev.dtc.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dtc.TransactionService;
import dev.dtc.micrometer.DtcMetrics;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.transaction.xa.XAException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DtcMetrics on a real engine with dtc-core's in-memory XA resources: the counters and timers count exactly the
 * transactions that were committed, rolled back or ended heuristic, and the pending and in-doubt gauges follow a
 * decision that stays open. (In dtc-core's test package, for its in-memory XA resource and fixture.)
 */
class DtcMetricsEngineTest {

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    /** What each timer asked of the registry (a simple registry keeps percentiles but no histogram buckets). */
    private final Map<String, DistributionStatisticConfig> distributions = new ConcurrentHashMap<>();

    DtcMetricsEngineTest() {
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                distributions.put(id.getName(), config);
                return config;
            }
        });
    }

    @Test
    void countersAndTimersCountExactlyTheCommitsRollbacksAndHeuristics() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        try (TransactionService dtc = f.start(); DtcMetrics metrics = new DtcMetrics(dtc)) {
            metrics.bindTo(registry);
            TransactionManager tm = dtc.transactionManager();

            run(tm, new InMemoryResource("a"), new InMemoryResource("b"));
            run(tm, new InMemoryResource("a"), new InMemoryResource("b"));
            tm.begin(); // nothing enlisted: committed with nothing to do, and no commit asked of any resource to time
            tm.commit();
            tm.begin(); // rolled back by the application: finished, but no commit was asked for
            tm.getTransaction().enlistResource(new InMemoryResource("a"));
            tm.rollback();
            InMemoryResource refusing = new InMemoryResource("b");
            refusing.onPrepare = x -> {
                throw InMemoryResource.xa(XAException.XA_RBROLLBACK);
            };
            assertThatThrownBy(() -> run(tm, new InMemoryResource("a"), refusing))
                    .isInstanceOf(RollbackException.class);
            InMemoryResource heuristic = new InMemoryResource("b");
            heuristic.onCommit = x -> {
                throw InMemoryResource.xa(XAException.XA_HEURMIX);
            };
            assertThatThrownBy(() -> run(tm, new InMemoryResource("a"), heuristic))
                    .isInstanceOf(HeuristicMixedException.class);

            assertThat(counter("dtc.transactions.begun")).isEqualTo(6);
            assertThat(finished("committed")).isEqualTo(3);
            assertThat(finished("rolled_back")).isEqualTo(2);
            assertThat(finished("heuristic")).isEqualTo(1);
            assertThat(commitTimer("committed").count()).as("not the one that enlisted nothing").isEqualTo(2);
            assertThat(commitTimer("rolled_back").count()).as("only the rollback that came of a commit").isEqualTo(1);
            assertThat(commitTimer("heuristic").count()).isEqualTo(1);
            Timer force = registry.get("dtc.decision.force").timer();
            assertThat(force.count()).as("the two commits and the heuristic one forced a decision").isEqualTo(3);
            assertThat(force.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
            assertThat(commitTimer("committed").totalTime(java.util.concurrent.TimeUnit.NANOSECONDS))
                    .isGreaterThanOrEqualTo(force.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS) * 2 / 3);
            assertThat(Arrays.stream(force.takeSnapshot().percentileValues()).map(ValueAtPercentile::percentile))
                    .containsExactly(0.5, 0.95, 0.99);
            for (String timer : new String[] {"dtc.commit", "dtc.decision.force"}) {
                assertThat(distributions.get(timer).isPercentileHistogram()).as(timer + " histogram").isTrue();
                assertThat(distributions.get(timer).getPercentiles()).as(timer).containsExactly(0.5, 0.95, 0.99);
            }

            // the heuristic outcome is kept for an operator: one pending decision, in doubt
            assertThat(gauge("dtc.decisions.pending")).isEqualTo(1);
            assertThat(gauge("dtc.branches.in.doubt")).isEqualTo(1);
            assertThat(gauge("dtc.transactions.active")).isZero();
            assertThat(registry.get("dtc.log.forces").functionCounter().count()).isPositive();
            assertThat(registry.get("dtc.log.records").functionCounter().count()).isPositive();
        }
    }

    @Test
    void aDecisionThatStaysOpenIsPendingAndInDoubtUntilItsBranchIsFinished() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        b.onCommit = x -> {
            throw InMemoryResource.xa(XAException.XAER_RMFAIL); // b's database is gone for now
        };
        try (TransactionService dtc = f.builder().recoveryResource("b", () -> b).build();
             DtcMetrics metrics = new DtcMetrics(dtc)) {
            metrics.bindTo(registry);
            assertThat(gauge("dtc.decisions.pending")).isZero();

            run(dtc.transactionManager(), a, b); // decided: the caller sees a commit, b is not finished
            assertThat(finished("committed")).isEqualTo(1);
            assertThat(gauge("dtc.decisions.pending")).isEqualTo(1);
            assertThat(gauge("dtc.branches.in.doubt")).isEqualTo(1);
            assertThat(b.prepared).hasSize(1);

            b.onCommit = x -> { }; // back: phase 2's retries, or recovery, finish it
            await().atMost(Duration.ofSeconds(10)).until(() -> gauge("dtc.decisions.pending") == 0);
            assertThat(gauge("dtc.branches.in.doubt")).isZero();
            assertThat(b.committed).hasSize(1);
            assertThat(b.prepared).isEmpty();
        }
    }

    @Test
    void oneCommitterAtATimeForcesOneDecisionPerForce() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        try (TransactionService dtc = f.start(); DtcMetrics metrics = new DtcMetrics(dtc)) {
            metrics.bindTo(registry);
            io.micrometer.core.instrument.Gauge group = registry.get("dtc.log.group.size").gauge();
            assertThat(group.value()).as("nothing forced yet").isNaN();
            for (int i = 0; i < 5; i++) {
                run(dtc.transactionManager(), new InMemoryResource("a"), new InMemoryResource("b"));
            }
            assertThat(group.value()).isEqualTo(1.0);
            assertThat(group.value()).as("nothing forced since the last read").isNaN();
        }
    }

    @Test
    void closingTheMetricsStopsTheCountersAndKeepsNoStartTimes() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        try (TransactionService dtc = f.start()) {
            DtcMetrics metrics = new DtcMetrics(dtc);
            metrics.bindTo(registry);
            run(dtc.transactionManager(), new InMemoryResource("a"), new InMemoryResource("b"));
            metrics.close();
            run(dtc.transactionManager(), new InMemoryResource("a"), new InMemoryResource("b"));
            assertThat(finished("committed")).isEqualTo(1);
            assertThat(counter("dtc.transactions.begun")).isEqualTo(1);
        }
    }

    private static void run(TransactionManager tm, InMemoryResource... resources) throws Exception {
        tm.begin();
        for (InMemoryResource r : resources) {
            tm.getTransaction().enlistResource(r);
        }
        tm.commit();
    }

    private double counter(String name) {
        return registry.get(name).counter().count();
    }

    private double finished(String outcome) {
        return registry.get("dtc.transactions.finished").tag("outcome", outcome).counter().count();
    }

    private Timer commitTimer(String outcome) {
        return registry.get("dtc.commit").tag("outcome", outcome).timer();
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }
}
