package dev.dtc.demo.embedded;

import dev.dtc.demo.output.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A database server that an earlier demo command started and could not stop, because that command died: by
 * {@code --crash-after-prepare} ({@code Runtime.halt} runs no shutdown hooks), {@code kill -9}, or a power cut
 * of the JVM alone. Both embedded servers run as separate processes, so they outlive the JVM, keep their data
 * directory locked and keep the prepared transactions the dead command left. The next command must stop such a
 * server cleanly before it starts its own on the same data: prepared transactions survive a clean shutdown in
 * both PostgreSQL and MariaDB (10.5 and later), so recovery finds them after the restart.
 *
 * <p>The server is found through its pid file. A pid file whose process is gone, or is some other program
 * (process ids are reused after a reboot), is stale and left to the server, which overwrites it.
 *
 * <p>Only called while holding the {@link DataDirectoryLock}: no live demo command can own the server then.
 */
final class LeftoverServer {

    /** A clean shutdown flushes and checkpoints; give a slow disk time. */
    private static final long GRACEFUL_SECONDS = 60;

    private LeftoverServer() {
    }

    /**
     * Stops the server whose pid file is given, if it still runs.
     *
     * @param what         for messages, e.g. "PostgreSQL"
     * @param pidFile      the server's pid file; its first line is the process id
     * @param programNames names the server's executable may have
     * @return true if a leftover server was found and stopped
     */
    static boolean stopIfRunning(String what, Path pidFile, List<String> programNames, Progress progress) {
        Optional<ProcessHandle> server = find(pidFile, programNames);
        if (server.isEmpty()) {
            return false;
        }
        ProcessHandle p = server.get();
        try (Progress.Step step = progress.step("stopping the embedded " + what + " (pid " + p.pid()
                + ") that an earlier demo command left running when it died")) {
            // SIGTERM: PostgreSQL's "smart" shutdown (the dead command's sessions are gone already),
            // MariaDB's normal shutdown. Both keep prepared transactions.
            p.destroy();
            if (!waitForExit(p, GRACEFUL_SECONDS)) {
                // a server that does not stop is killed: both recover from their logs at the next start, and a
                // prepared transaction is in the log (fsync on), so it survives even this
                progress.note("  it did not stop within " + GRACEFUL_SECONDS + " s; killing it");
                p.destroyForcibly();
                if (!waitForExit(p, GRACEFUL_SECONDS)) {
                    throw new IllegalStateException("the embedded " + what + " (pid " + p.pid() + ") left running by"
                            + " an earlier demo command does not stop; stop it yourself (kill -9 " + p.pid() + ")");
                }
            }
            step.done(what + " stopped; its prepared transactions stay on disk for recovery");
        }
        return true;
    }

    static Optional<ProcessHandle> find(Path pidFile, List<String> programNames) {
        long pid;
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.US_ASCII);
            if (lines.isEmpty() || !lines.get(0).trim().matches("\\d+")) {
                return Optional.empty();
            }
            pid = Long.parseLong(lines.get(0).trim());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pidFile, e);
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> runs(p, programNames));
    }

    private static boolean runs(ProcessHandle p, List<String> programNames) {
        String command = p.info().command().orElse("");
        String name = command.substring(command.lastIndexOf('/') + 1);
        return programNames.contains(name);
    }

    private static boolean waitForExit(ProcessHandle p, long seconds) {
        try {
            p.onExit().get(seconds, TimeUnit.SECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !p.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }
}
