package dev.dtc.bench.remote;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * dtc-server as a real separate process, the way it is deployed: its own JVM, its own data directory, reached
 * only over HTTP. Started with {@code --port 0}; ready when it prints {@code dtc-server listening on URL} on
 * standard output. Its log (standard error) goes to a file beside the data directory, so the console shows only
 * the benchmark's progress.
 *
 * <p>Unless told otherwise, it logs through a logback file written into the work directory that keeps every
 * logger at WARN: dtc-server's own configuration keeps the full audit trail ({@code dev.dtc.audit} at DEBUG, one
 * line per event, several events per transaction), and even an application's default (one INFO line per
 * transaction) would, at thousands of transactions a second, make writing the log part of what is measured.
 */
final class CoordinatorProcess implements AutoCloseable {

    private static final String READY = "dtc-server listening on ";
    private static final String QUIET_LOGBACK = """
            <configuration>
              <!-- written by the dtc remote benchmark: WARN everywhere, so the audit lines
                   (logger dev.dtc.audit) are filtered and not written while measuring -->
              <appender name="STDERR" class="ch.qos.logback.core.ConsoleAppender">
                <target>System.err</target>
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
              </appender>
              <logger name="dev.dtc.audit" level="WARN"/>
              <root level="WARN"><appender-ref ref="STDERR"/></root>
            </configuration>
            """;

    /** How to launch the server: {@code -jar dtc-server.jar}, or a class path and main class (for tests). */
    record Launch(List<String> arguments, String description) {
        static Launch jar(Path jar) {
            return new Launch(List.of("-jar", jar.toAbsolutePath().toString()), jar.toAbsolutePath().toString());
        }

        static Launch classPath(String classPath) {
            return new Launch(List.of("-cp", classPath, "dev.dtc.server.ServerMain"), "dev.dtc.server.ServerMain on the class path");
        }
    }

    private final Process process;
    private final URI url;
    private final Path dataDir;
    private final Path logFile;
    private final Thread killOnExit;

    private CoordinatorProcess(Process process, URI url, Path dataDir, Path logFile, Thread killOnExit) {
        this.process = process;
        this.url = url;
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.killOnExit = killOnExit;
    }

    /**
     * Starts a coordinator on a fresh data directory under {@code workDir} and waits until it listens.
     *
     * @param quiet write a WARN-only logback file and pass it, or keep the server's own logging (full audit trail)
     */
    static CoordinatorProcess start(Launch launch, List<String> jvmOptions, Path workDir, String token, boolean quiet,
            Duration startTimeout) throws IOException, InterruptedException {
        return start(launch, jvmOptions, workDir, token, quiet, startTimeout, "bench", true, List.of());
    }

    /**
     * The same, with a node name of its own and further server arguments: several coordinators on one shared store
     * (each {@code --store URL}) need distinct node names, since a node name identifies one coordinator there; and
     * with {@code --store} everything lives in the database, so no {@code --data-dir} ({@code withDataDir} false).
     */
    static CoordinatorProcess start(Launch launch, List<String> jvmOptions, Path workDir, String token, boolean quiet,
            Duration startTimeout, String nodeName, boolean withDataDir, List<String> serverArguments)
            throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        Path dataDir = Files.createTempDirectory(workDir, "dtc-remote-data-");
        Path logFile = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        if (quiet) {
            Path logback = workDir.resolve("dtc-remote-logback.xml");
            Files.writeString(logback, QUIET_LOGBACK, StandardCharsets.UTF_8);
            command.add("-Dlogback.configurationFile=" + logback.toAbsolutePath());
        }
        command.addAll(launch.arguments());
        command.addAll(List.of("--port", "0", "--node-name", nodeName));
        if (withDataDir) {
            command.addAll(List.of("--data-dir", dataDir.toString()));
        }
        command.addAll(serverArguments);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.to(logFile.toFile()));
        builder.environment().put("DTC_TOKEN", token);
        Process process = builder.start();
        // if the benchmark is stopped with Ctrl-C, the coordinator must not stay behind holding its port and log
        Thread killOnExit = new Thread(process::destroyForcibly, "dtc-remote-kill-coordinator");
        Runtime.getRuntime().addShutdownHook(killOnExit);

        CompletableFuture<URI> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> readStdout(process, ready), "dtc-remote-coordinator-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            URI url = ready.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return new CoordinatorProcess(process, url, dataDir, logFile, killOnExit);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly().waitFor();
            forgetHook(killOnExit);
            String why = e instanceof TimeoutException ? "did not print '" + READY + "...' within "
                    + startTimeout.toSeconds() + " s" : e.getCause().getMessage();
            throw new IOException("the coordinator did not start: " + why + "; its log: " + logFile + "\n"
                    + tail(logFile));
        }
    }

    /** Waits for the ready line, then keeps draining so the child never blocks on a full pipe. */
    private static void readStdout(Process process, CompletableFuture<URI> ready) {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (!ready.isDone() && line.startsWith(READY)) {
                    ready.complete(URI.create(line.substring(READY.length()).trim()));
                }
            }
        } catch (IOException e) {
            // the process ended; completing below tells a waiting start()
        }
        ready.completeExceptionally(new IOException("the process exited with status "
                + exitStatus(process) + " before it was listening"));
    }

    private static String exitStatus(Process process) {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "(still running)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(unknown)";
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(cannot read it: " + e + ")";
        }
    }

    /** The coordinator's base URL, e.g. {@code http://127.0.0.1:41234}. */
    URI url() {
        return url;
    }

    long pid() {
        return process.pid();
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    Path logFile() {
        return logFile;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM (the server's shutdown hook closes its log), then a kill if it hangs; the data directory is deleted. */
    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        forgetHook(killOnExit);
        deleteRecursively(dataDir);
    }

    private static void forgetHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs anyway and kills a process that has ended
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
