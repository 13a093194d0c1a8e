package dev.dtc.demo.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The platforms the embedded databases' binaries run on, by the names the JVM reports. */
class EmbeddedPlatformTest {

    @Test
    void mariaDbRunsOnLinuxX8664Only() {
        assertThatCode(() -> new EmbeddedPlatform("Linux", "amd64").checkMariaDb()).doesNotThrowAnyException();
        for (EmbeddedPlatform p : new EmbeddedPlatform[] {new EmbeddedPlatform("Linux", "aarch64"),
                new EmbeddedPlatform("Mac OS X", "x86_64"), new EmbeddedPlatform("Mac OS X", "aarch64"),
                new EmbeddedPlatform("Windows 11", "amd64")}) {
            assertThatThrownBy(p::checkMariaDb)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("runs only on Linux x86-64")
                    .hasMessageContaining("--postgres-url")
                    .hasMessageContaining("--mysql-url")
                    .hasMessageContaining("docker/compose.yaml");
        }
    }

    @Test
    void postgresFailuresGetThePlatformNoteOnlyWhereZonkyShipsNoBinaries() {
        assertThat(new EmbeddedPlatform("Linux", "amd64").postgresNote()).isEmpty();
        assertThat(new EmbeddedPlatform("Mac OS X", "x86_64").postgresNote()).isEmpty();
        assertThat(new EmbeddedPlatform("Windows 11", "amd64").postgresNote()).isEmpty();
        assertThat(new EmbeddedPlatform("Linux", "aarch64").postgresNote())
                .contains("x86-64 binaries only", "Linux aarch64", "--postgres-url");
        assertThat(new EmbeddedPlatform("Mac OS X", "aarch64").postgresNote()).contains("emulation");
    }
}
