package dev.dtc.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultTableTest {

    private static PointResult point(String configuration, int threads, long committedIn10s, boolean checked) {
        return new PointResult(configuration, threads, committedIn10s, 0, 10.0, 200_000, 1_000_000, 2_000_000, 2_048,
                checked);
    }

    @Test
    void showsEveryPointAndDtcAsAMultipleOfEachBaseline() {
        String table = new ResultTable(List.of("narayana-file", "dtc"), List.of(1, 8),
                List.of(point("narayana-file", 1, 5_450, true), point("narayana-file", 8, 6_740, true),
                        point("dtc", 1, 54_500, true), point("dtc", 8, 202_200, true)),
                Map.of()).render();

        assertThat(table)
                .contains("| narayana-file | 1 | 545 | 0.200 | 1.000 | 0 | 2,048 |")
                .contains("| dtc | 8 | 20,220 | 0.200 | 1.000 | 0 | 2,048 |")
                .contains("| threads | dtc / narayana-file (tx/s) |")
                .contains("| 1 | 10.0× |")
                .contains("| 8 | 30.0× |")
                .doesNotContain("†");
    }

    @Test
    void eachFamilyHasItsOwnRatiosAndEachConfigurationItsOwnThreadCounts() {
        Map<String, List<Integer>> plan = new LinkedHashMap<>();
        plan.put("floor-disk", List.of(1));
        plan.put("dtc", List.of(1, 64));
        plan.put("narayana-volatile", List.of(1, 64));
        plan.put("db-xa-by-hand", List.of(16));
        plan.put("db-dtc", List.of(16));
        String table = new ResultTable(plan,
                List.of(point("floor-disk", 1, 50_000, true), point("dtc", 1, 40_000, true),
                        point("dtc", 64, 300_000, true), point("narayana-volatile", 1, 100_000, true),
                        point("narayana-volatile", 64, 400_000, true), point("db-xa-by-hand", 16, 20_000, true),
                        point("db-dtc", 16, 19_000, true)),
                Map.of()).render();

        assertThat(table)
                .contains("| floor-disk | 1 | 5,000 |")
                .doesNotContain("| floor-disk | 64 |")
                .doesNotContain("| db-dtc | 1 |")
                .contains("| threads | dtc / floor-disk (tx/s) | dtc / narayana-volatile (tx/s) |")
                .contains("| 1 | 0.80× | 0.40× |")
                .contains("| 64 | — | 0.75× |")
                .contains("| threads | db-dtc / db-xa-by-hand (tx/s) |")
                .contains("| 16 | 0.95× |")
                .doesNotContain("| dtc / db-");
    }

    @Test
    void aFailedConfigurationIsShownWithItsReasonAndNoRatio() {
        String table = new ResultTable(List.of("narayana-file", "dtc"), List.of(1),
                List.of(point("narayana-file", 1, 5_450, true)),
                Map.of("dtc", "java.lang.UnsupportedOperationException: not yet")).render();

        assertThat(table)
                .contains("| dtc | 1 | no result | | | | |")
                .contains("- dtc failed: java.lang.UnsupportedOperationException: not yet")
                .doesNotContain("dtc / narayana-file");
    }

    @Test
    void aPointWhoseTwoPhaseCheckFailedIsFlagged() {
        String table = new ResultTable(List.of("dtc"), List.of(1), List.of(point("dtc", 1, 50_000, false)), Map.of())
                .render();

        assertThat(table).contains("| dtc | 1 | 5,000 † |").contains("† the point's check failed");
    }

    @Test
    void withSeveralRoundsARowIsTheMedianRoundWithItsOwnPercentilesAndTheSpread() {
        PointResult slow = new PointResult("dtc", 8, 40_000, 0, 10.0, 900_000, 9_000_000, 20_000_000, 900, true);
        PointResult middle = new PointResult("dtc", 8, 50_000, 0, 10.0, 500_000, 5_000_000, 10_000_000, 500, true);
        PointResult fast = new PointResult("dtc", 8, 70_000, 0, 10.0, 100_000, 1_000_000, 2_000_000, -1, true);

        String table = new ResultTable(List.of("dtc"), List.of(8), List.of(fast, slow, middle), Map.of()).render();

        assertThat(table)
                .contains("| tx/s over rounds |")
                .contains("| dtc | 8 | 5,000 | 0.500 | 5.000 | 0 | 500 | 4,000 – 7,000 (3) |");
    }
}
