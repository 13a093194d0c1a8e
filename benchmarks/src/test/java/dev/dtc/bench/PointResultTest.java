package dev.dtc.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PointResultTest {

    @Test
    void aResultLineCarriesEveryFieldFromChildToParent() {
        PointResult sent = new PointResult("narayana-journal", 64, 123_456, 7, 10.0, 1_500_000, 9_800_000, 40_000_000, 1_234,
                true);

        PointResult received = PointResult.parse(sent.toLine());

        assertThat(received).isEqualTo(sent);
        assertThat(received.transactionsPerSecond()).isEqualTo(12_345.6);
    }

    @Test
    void aLineThatIsNotAResultIsRefusedWithTheLine() {
        assertThatThrownBy(() -> PointResult.parse("RESULT dtc 8 100"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("10 fields")
                .hasMessageContaining("RESULT dtc 8 100");
    }
}
