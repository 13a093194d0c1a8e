package dev.dtc.campaign;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A JVM of the campaign's own class path (dtc-server, a participant, a child of a part): started, awaited until it
 * prints its ready line, killed. Its stderr and stdout (where the audit lines go) are kept in its log file.
 */
public final class ChildProcess {

    private final String name;
    private final Path log;
    private Process process;

    public ChildProcess(String name, Path log) {
        this.name = name;
        this.log = log;
    }

    /** Starts {@code mainClass} with the JVM options and arguments, and waits for a stdout line with {@code ready}. */
    public ChildProcess start(List<String> jvmOptions, String token, String ready, String mainClass, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        b.environment().put("DTC_TOKEN", token);
        Process p = b.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Boolean> started = new CompletableFuture<>();
        Thread drain = new Thread(() -> {
            // stdout (where the kit's and the coordinator's audit lines go) is kept in the log, after stderr's
            try (java.io.Writer keep = java.nio.file.Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND)) {
                for (String line; (line = out.readLine()) != null; ) {
                    keep.write(line);
                    keep.write('\n');
                    keep.flush();
                    if (line.contains(ready)) {
                        started.complete(true);
                    }
                }
            } catch (IOException e) {
                // gone
            }
            started.complete(false);
        }, name + "-stdout");
        drain.setDaemon(true);
        drain.start();
        if (!started.get(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(name + " did not start; see " + log);
        }
        process = p;
        return this;
    }

    /** The process id, for signals the JDK cannot send ({@link #signal}); -1 when not running. */
    public long pid() {
        return process == null ? -1 : process.pid();
    }

    /**
     * Sends a signal with {@code kill -SIGNAL pid}, e.g. {@code STOP} and {@code CONT} to pause and resume the
     * process (the JDK sends only TERM and KILL).
     *
     * @throws IllegalStateException if the process is not running or {@code kill} fails
     */
    public void signal(String signal) throws IOException, InterruptedException {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException(name + " is not running; cannot send SIG" + signal);
        }
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                .redirectErrorStream(true).start();
        String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " (" + name + ") failed: " + out);
        }
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    /** Waits for a process that halts on purpose; true if it did within the time. */
    public boolean awaitExit(int seconds) throws InterruptedException {
        return process == null || process.waitFor(seconds, TimeUnit.SECONDS);
    }

    /** {@code kill} (SIGTERM): the process's shutdown hooks run (a coordinator closes its log); -9 after 60 s. */
    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
            process = null;
        }
    }

    /** {@code kill -9}. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            process = null;
        }
    }
}
