package dev.dtc.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** One log directory, one coordinator: a second open fails clearly, in this JVM and in another process. */
class LockFileTest {

    @TempDir
    Path dir;
    @TempDir
    Path scratch;

    @Test
    void aSecondOpenInTheSameJvmFailsAndWorksOnceTheFirstIsClosed() throws IOException {
        DecisionLog first = DecisionLog.open(dir, LogConfig.defaults());
        try {
            assertThatThrownBy(() -> DecisionLog.open(dir, LogConfig.defaults()))
                    .isInstanceOf(LogLockedException.class)
                    .hasMessageContaining(dir.toRealPath().toString())
                    .hasMessageContaining("already open in this JVM");
            // Through another path to the same directory, too.
            Path link = Files.createSymbolicLink(scratch.resolve("link-to-log"), dir);
            assertThatThrownBy(() -> DecisionLog.open(link, LogConfig.defaults()))
                    .isInstanceOf(LogLockedException.class);
        } finally {
            first.close();
        }
        try (DecisionLog again = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(again.pendingAtOpen()).isEmpty();
        }
    }

    @Test
    void anotherProcessCannotOpenALockedDirectoryAndIsToldWhy() throws Exception {
        try (DecisionLog held = DecisionLog.open(dir, LogConfig.defaults())) {
            held.appendForced(TestLogs.decision("tx-1"));
            ProbeResult probe = probe("try");
            assertThat(probe.exitCode).isEqualTo(LockProbe.LOCKED);
            assertThat(probe.output)
                    .contains(dir.toRealPath().toString())
                    .contains("another process holds its lock file dtc.lock")
                    .contains("pid " + ProcessHandle.current().pid());
        }
        ProbeResult afterClose = probe("try");
        assertThat(afterClose.exitCode).as(afterClose.output).isZero();
        assertThat(afterClose.output).contains("opened with 1 pending");
    }

    @Test
    void aRefusedSecondOpenInThisJvmDoesNotLetAnotherProcessIn() throws Exception {
        // On POSIX systems closing any descriptor of the lock file drops the process's lock: the
        // refused open must not have touched it.
        try (DecisionLog held = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThatThrownBy(() -> DecisionLog.open(held.directory(), LogConfig.defaults()))
                    .isInstanceOf(LogLockedException.class);
            ProbeResult probe = probe("try");
            assertThat(probe.exitCode).as(probe.output).isEqualTo(LockProbe.LOCKED);
        }
    }

    @Test
    void aKilledHolderLeavesNoStaleLock() throws Exception {
        Path output = scratch.resolve("holder.out");
        Process holder = TestLogs.startJava(LockProbe.class, output, dir.toString(), "hold");
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(output)
                    && Files.readString(output).contains("opened"));
            assertThatThrownBy(() -> DecisionLog.open(dir, LogConfig.defaults()))
                    .isInstanceOf(LogLockedException.class)
                    .hasMessageContaining("another process holds its lock file")
                    .hasMessageContaining("pid " + holder.pid());
        } finally {
            holder.destroyForcibly();
            assertThat(holder.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(log.pendingAtOpen()).isEmpty();
        }
    }

    private ProbeResult probe(String mode) throws Exception {
        Path output = Files.createTempFile(scratch, "probe", ".out");
        Process p = TestLogs.startJava(LockProbe.class, output, dir.toString(), mode);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("lock probe did not finish: " + Files.readString(output));
        }
        return new ProbeResult(p.exitValue(), Files.readString(output));
    }

    private record ProbeResult(int exitCode, String output) {
    }
}
