package dev.dtc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dtc.internal.fault.TestFault;
import org.junit.jupiter.api.Test;

/** {@code --test-fault}: every point parses, nothing else does, and the message lists what is valid. */
class FaultsTest {

    @Test
    void everyPointParses() {
        assertThat(Faults.parse(null)).isEqualTo(Faults.NONE);
        assertThat(Faults.parse(" ")).isEqualTo(Faults.NONE);
        assertThat(Faults.parse("halt-before-decision")).isEqualTo(Faults.HALT_BEFORE_DECISION);
        assertThat(Faults.parse("halt-after-decision")).isEqualTo(Faults.HALT_AFTER_DECISION);
        assertThat(Faults.parse("halt-between-commits")).isEqualTo(Faults.HALT_BETWEEN_COMMITS);
        assertThat(Faults.parse(" HALT-BETWEEN-COMMITS ")).isEqualTo(Faults.HALT_BETWEEN_COMMITS);
        assertThat(Faults.parse("halt-during-roll")).isEqualTo(Faults.HALT_DURING_ROLL);
        assertThat(Faults.parse("halt-during-cleanup")).isEqualTo(Faults.HALT_DURING_CLEANUP);
        assertThat(Faults.parse("halt-during-recovery")).isEqualTo(Faults.HALT_DURING_RECOVERY);
        for (Faults f : Faults.values()) {
            if (f != Faults.NONE) {
                assertThat(Faults.parse(f.label())).isEqualTo(f);
                assertThat(Faults.VALID).contains(f.label());
            }
        }
    }

    @Test
    void theEnginePointsMapToTheEngineSwitch() {
        assertThat(Faults.HALT_DURING_ROLL.engineFault()).isEqualTo(TestFault.HALT_DURING_ROLL);
        assertThat(Faults.HALT_DURING_CLEANUP.engineFault()).isEqualTo(TestFault.HALT_DURING_CLEANUP);
        assertThat(Faults.HALT_DURING_RECOVERY.engineFault()).isEqualTo(TestFault.HALT_DURING_RECOVERY);
        assertThat(Faults.HALT_BETWEEN_COMMITS.engineFault()).isEqualTo(TestFault.NONE);
    }

    @Test
    void anythingElseIsRefusedWithTheValidValues() {
        for (String bad : new String[] {"halt-between-commit", "none", "halt", "between-commits"}) {
            assertThatThrownBy(() -> Faults.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("halt-between-commits").hasMessageContaining("halt-during-recovery")
                    .hasMessageContaining(bad);
        }
    }

    @Test
    void theHiddenOptionsAreChecked() {
        assertThat(ServerMain.run("--test-fault", "nonsense", "--data-dir", "/nonexistent-dtc")).isEqualTo(2);
        assertThat(ServerMain.run("--log-segment-bytes", "1000", "--data-dir", "/nonexistent-dtc")).isEqualTo(2);
    }
}
