package dev.dtc.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dtc.bench.remote.RemotePath;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetTableTest {

    private static PointResult point(String configuration, int threads, long committedIn10s, long p50Nanos,
            boolean checked) {
        return new PointResult(configuration, threads, committedIn10s, 0, 10.0, p50Nanos, 2 * p50Nanos, 3 * p50Nanos,
                1_000, checked);
    }

    @Test
    void eachTargetShowsItsRatioAndWhetherItIsMet() {
        List<PointResult> local = List.of(
                point("dtc", 64, 300_000, 1_000_000, true), point("narayana-volatile", 64, 400_000, 1_000_000, true),
                point("dtc", 1, 30_000, 300_000, true), point("floor-disk", 1, 50_000, 200_000, true),
                point("db-dtc", 16, 19_000, 8_000_000, true), point("db-xa-by-hand", 16, 20_000, 7_900_000, true));
        List<RemotePath.Point> remote = List.of(
                new RemotePath.Point("dtc", 64, 1_300, 40_000_000, true),
                new RemotePath.Point("floor: 6 calls", 64, 2_000, 30_000_000, true));

        String table = new TargetTable(local, remote).render();

        assertThat(table)
                .startsWith("| target | measured | met |\n|---|---|---|\n")
                .contains("| dtc ÷ narayana-volatile, tx/s at 64 threads ≥ 0.75 | 0.75 (30,000 ÷ 40,000 tx/s) | yes |")
                .contains("| dtc at 1 thread ÷ floor-disk (1 thread), tx/s ≥ 0.8 | 0.60 (3,000 ÷ 5,000 tx/s) | no |")
                .contains("| db-dtc ÷ db-xa-by-hand, tx/s at 16 threads ≥ 0.9 | 0.95 (1,900 ÷ 2,000 tx/s) | yes |")
                .contains("| db-dtc p50 ≤ db-xa-by-hand p50, at 16 threads | 8.000 ms vs 7.900 ms | no |")
                .contains("| remote: dtc ÷ floor: 6 calls, tx/s at 64 clients ≥ 0.6 | 0.65 (1,300 ÷ 2,000 tx/s) | yes |");
    }

    @Test
    void aMissingPointIsNotMeasuredAndAPointThatFailedItsCheckIsNotJudged() {
        List<PointResult> local = List.of(
                point("dtc", 64, 300_000, 1_000_000, true), point("narayana-volatile", 64, 100_000, 1_000_000, false));

        List<TargetTable.Row> rows = new TargetTable(local, List.of()).rows();

        assertThat(rows).hasSize(5);
        assertThat(rows.get(0).measured()).isEqualTo("3.00 (30,000 ÷ 10,000 tx/s)");
        assertThat(rows.get(0).met()).isEqualTo("not judged: a point failed its check (†)");
        assertThat(rows.subList(1, 5)).allSatisfy(row -> {
            assertThat(row.measured()).isEqualTo("—");
            assertThat(row.met()).isEqualTo("not measured");
        });
    }
}
