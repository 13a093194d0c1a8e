package dev.dtc.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The verdict: a violation, an in-doubt leftover or a row that hit nothing fails the campaign. */
class SummaryTest {

    @Test
    void onlyRowsThatHitSomethingAndSawNothingWrongPass() {
        Tally ok = Tally.clean("p", "point", "face", 10);
        assertThat(Summary.passed(List.of(ok))).isTrue();
        assertThat(Summary.passed(List.of())).as("nothing ran").isFalse();
        assertThat(Summary.passed(List.of(ok, Tally.clean("p", "other", "face", 0)))).as("an empty row").isFalse();
        Tally bad = new Tally("p", "point", "face", 10, 1, 0, List.of("seed 7: committed in pg only"));
        assertThat(Summary.passed(List.of(ok, bad))).isFalse();
        assertThat(Summary.passed(List.of(new Tally("p", "point", "face", 3, 0, 1, List.of("x"))))).isFalse();
        String table = Summary.table(List.of(ok, bad));
        assertThat(table).contains("| p | point | face | 10 | 1 | 0 |").contains("FAILED")
                .contains("- p / point / face: seed 7: committed in pg only");
    }
}
