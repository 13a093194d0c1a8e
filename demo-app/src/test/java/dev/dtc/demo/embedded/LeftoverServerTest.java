package dev.dtc.demo.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dtc.demo.output.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding a server a dead command left running, by its pid file, and stopping it; leaving anything else alone. */
class LeftoverServerTest {

    @TempDir
    Path dir;

    @Test
    void aLiveProcessOfTheServersProgramIsStopped() throws Exception {
        Process server = new ProcessBuilder("sleep", "300").start();
        Path pidFile = Files.writeString(dir.resolve("server.pid"), server.pid() + "\n");

        boolean stopped = LeftoverServer.stopIfRunning("sleep server", pidFile, List.of("sleep"), Progress.silent());

        assertThat(stopped).isTrue();
        assertThat(server.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aProcessOfAnotherProgramIsLeftAlone() throws Exception {
        Process other = new ProcessBuilder("sleep", "300").start();
        try {
            Path pidFile = Files.writeString(dir.resolve("server.pid"), other.pid() + "\n");

            assertThat(LeftoverServer.stopIfRunning("postgres", pidFile, List.of("postgres"), Progress.silent())).isFalse();
            assertThat(other.isAlive()).isTrue();
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void aStaleOrMissingPidFileMeansNoServer() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path stale = Files.writeString(dir.resolve("stale.pid"), gone.pid() + "\n");
        Path garbage = Files.writeString(dir.resolve("garbage.pid"), "not a pid\n");

        assertThat(LeftoverServer.find(stale, List.of("true"))).isEmpty();
        assertThat(LeftoverServer.find(garbage, List.of("true"))).isEmpty();
        assertThat(LeftoverServer.find(dir.resolve("missing.pid"), List.of("true"))).isEmpty();
    }
}
