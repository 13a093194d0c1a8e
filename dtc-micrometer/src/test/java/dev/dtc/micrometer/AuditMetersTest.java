package dev.dtc.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dtc.audit.AuditEvent;
import dev.dtc.audit.EventType;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The listener keeps a start time only while a commit or force runs, and never more than its bound. */
class AuditMetersTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AuditMeters meters = new AuditMeters(registry, Tags.of("node", "n"));

    private void event(EventType type, String txId) {
        meters.onEvent(new AuditEvent(type, txId, null, null, Instant.now()));
    }

    @Test
    void theOutcomeEventForgetsBothStartTimesAndEndTheForces() {
        event(EventType.COMMIT_REQUESTED, "t1");
        event(EventType.DECISION_WRITE, "t1");
        assertThat(meters.timing()).isEqualTo(2);
        event(EventType.DECISION_FORCED, "t1");
        event(EventType.END, "t1"); // before the outcome, as when phase 2 finished every branch
        assertThat(meters.timing()).as("the commit is still being timed").isEqualTo(1);
        event(EventType.TX_COMMITTED, "t1");
        assertThat(meters.timing()).isZero();
        assertThat(registry.get("dtc.commit").tag("outcome", "committed").timer().count()).isEqualTo(1);

        event(EventType.COMMIT_REQUESTED, "t2");
        event(EventType.DECISION_WRITE, "t2"); // the force fails: no DECISION_FORCED; the rollback follows
        event(EventType.TX_ROLLED_BACK, "t2");
        assertThat(meters.timing()).isZero();
        assertThat(registry.get("dtc.decision.force").timer().count()).isEqualTo(1);
    }

    @Test
    void commitsWhoseOutcomeNeverComesAreBounded() {
        for (int i = 0; i < AuditMeters.MAX_TIMED + 500; i++) {
            event(EventType.COMMIT_REQUESTED, "lost-" + i);
        }
        assertThat(meters.timing()).isEqualTo(AuditMeters.MAX_TIMED);
        event(EventType.TX_COMMITTED, "lost-1");
        assertThat(meters.timing()).isEqualTo(AuditMeters.MAX_TIMED - 1);
        assertThat(registry.get("dtc.transactions.finished").tag("outcome", "committed").counter().count())
                .isEqualTo(1);
    }

    @Test
    void atCapacityStaleStartTimesAreDroppedSoNewCommitsAreTimedAgain() throws Exception {
        Stopwatches watches = new Stopwatches(3, TimeUnit.MILLISECONDS.toNanos(1));
        watches.start("a");
        watches.start("b");
        watches.start("c");
        Thread.sleep(5); // a, b and c are now stale: their outcome never came
        watches.start("d");
        assertThat(watches.size()).isEqualTo(1);
        assertThat(watches.stop("d")).isNotNegative();
        assertThat(watches.stop("a")).as("dropped").isEqualTo(-1);
    }

    @Test
    void eventsWithoutATransactionIdAreIgnored() {
        event(EventType.COMMIT_REQUESTED, null);
        event(EventType.TX_COMMITTED, null);
        assertThat(meters.timing()).isZero();
        assertThat(registry.get("dtc.commit").tag("outcome", "committed").timer().count()).isZero();
    }
}
