package dev.dtc.bench.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remote harness end to end, briefly: a real coordinator process (from dtc-server's classes on this test's
 * class path, so no packaged jar is needed), three no-op participants, two clients. No timing is asserted, only
 * that transactions were counted, that every one committed, and that the participants saw what they imply.
 */
class RemoteBenchmarkTest {

    @TempDir
    Path work;

    @Test
    void countsCommittedTransactionsThroughARealCoordinatorAndChecksWhatTheParticipantsSaw() throws Exception {
        RemoteBenchmark.Settings settings = new RemoteBenchmark.Settings(
                CoordinatorProcess.Launch.classPath(System.getProperty("java.class.path")),
                List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), true, work, List.of(2), Duration.ZERO,
                Duration.ofMillis(200), Duration.ofMillis(700), 3, List.of(), PayloadSource.generator(3), 5000, true,
                "test-token");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        RemoteBenchmark.Run run = new RemoteBenchmark(settings, new PrintStream(progress, true, StandardCharsets.UTF_8)).run();

        String log = progress.toString(StandardCharsets.UTF_8);
        assertThat(run.points()).as(log).extracting(RemotePoint::workload)
                .containsExactly("dtc", "floor: 1 call", "floor: 6 calls");
        RemotePoint dtc = run.points().get(0);
        assertThat(dtc.clients()).isEqualTo(2);
        assertThat(dtc.committed()).as(log).isPositive();
        assertThat(dtc.rolledBack()).as(log).isZero();
        assertThat(dtc.failed()).as(log).isZero();
        assertThat(dtc.rolledBackOverall() + dtc.failedOverall()).as(log).isZero();
        assertThat(dtc.check()).as(log).isNull(); // 3 prepares and 3 commits reached the participants per commit
        assertThat(dtc.p50Nanos()).isPositive().isLessThanOrEqualTo(dtc.p99Nanos());
        for (RemotePoint floor : run.points().subList(1, 3)) {
            assertThat(floor.committed()).as(log).isPositive();
            assertThat(floor.failedOverall()).as(log).isZero();
            assertThat(floor.check()).as(log).isNull();
        }
        assertThat(new RemoteReport(run.points()).clean()).isTrue();
    }

    @Test
    void theReportPutsDtcBesideEachFloorAsARatio() {
        List<RemotePoint> points = List.of(
                point("dtc", 16, 5_000, null),
                point("floor: 1 call", 16, 20_000, null),
                point("floor: 6 calls", 16, 10_000, "participants saw 1 prepare"));

        String table = new RemoteReport(points).render();

        assertThat(table).contains("| dtc | 16 | 500 | 1.000 | 2.000 | 0 | 0 | 800 | 200 |")
                .contains("| floor: 6 calls | 16 | 1,000 † | 1.000 | 2.000 | 0 | 0 | — | 100 |")
                .contains("| 16 | 500 | 2,000 | 0.25× | 1,000 | 0.50× |")
                .contains("- floor: 6 calls, 16 clients: participants saw 1 prepare");
        assertThat(new RemoteReport(points).clean()).isFalse();
    }

    private static RemotePoint point(String workload, int clients, long committed, String check) {
        return new RemotePoint(workload, clients, committed, 0, 0, 10.0, 1_000_000, 2_000_000, 3_000_000, committed,
                0, 0, 4_000_000_000L, 1_000_000_000L, check, null);
    }
}
