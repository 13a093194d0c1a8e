package dev.dtc.internal.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@code -Ddtc.test.fault}: off unless set, every point parses, a misspelt one is refused. */
class TestFaultTest {

    @Test
    void offByDefault() {
        // the test JVM does not set the property
        assertThat(TestFault.active()).isEqualTo(TestFault.NONE);
        for (TestFault f : TestFault.values()) {
            assertThat(f.on()).isFalse();
        }
    }

    @Test
    void parses() {
        assertThat(TestFault.parse(null)).isEqualTo(TestFault.NONE);
        assertThat(TestFault.parse("halt-during-roll")).isEqualTo(TestFault.HALT_DURING_ROLL);
        assertThat(TestFault.parse("halt-during-cleanup")).isEqualTo(TestFault.HALT_DURING_CLEANUP);
        assertThat(TestFault.parse("halt-during-recovery")).isEqualTo(TestFault.HALT_DURING_RECOVERY);
        assertThatThrownBy(() -> TestFault.parse("halt-during-rol")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("halt-during-cleanup");
    }
}
