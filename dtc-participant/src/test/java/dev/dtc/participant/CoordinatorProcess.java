package dev.dtc.participant;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real coordinator (dtc-server's {@code ServerMain}, from the test class path) in a JVM of its own, reached over
 * HTTP only. Restarted on the same port and data directory, it is the same coordinator after a crash.
 */
final class CoordinatorProcess implements AutoCloseable {

    private static final String READY = "dtc-server listening on ";

    private final Path dir;
    private final String token;
    private final String nodeName;
    private int port;
    private Process process;
    private URI url;

    CoordinatorProcess(Path dir, String token) {
        this(dir, token, "locks-test");
    }

    /** @param nodeName the coordinator's {@code --node-name}: the start of every transaction id it begins */
    CoordinatorProcess(Path dir, String token, String nodeName) {
        this.dir = dir;
        this.token = token;
        this.nodeName = nodeName;
    }

    CoordinatorProcess start() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "dev.dtc.server.ServerMain", "--port", Integer.toString(port), "--data-dir", dir.resolve("data").toString(),
                "--node-name", nodeName));
        Files.createDirectories(dir);
        Path log = dir.resolve("coordinator-" + System.nanoTime() + ".log");
        ProcessBuilder b = new ProcessBuilder(command).redirectError(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        b.environment().put("DTC_TOKEN", token);
        Process p = b.start();
        process = p;
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread drain = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (!ready.isDone() && line.startsWith(READY)) {
                        ready.complete(line.substring(READY.length()).trim());
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
            ready.complete(null);
        }, "coordinator-stdout");
        drain.setDaemon(true);
        drain.start();
        String listening;
        try {
            listening = ready.get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IllegalStateException("the coordinator did not start: " + Files.readString(log), e);
        }
        if (listening == null) {
            throw new IllegalStateException("the coordinator ended without starting: " + Files.readString(log));
        }
        url = URI.create(listening);
        port = url.getPort();
        return this;
    }

    URI url() {
        return url;
    }

    /** kill -9: the leases, kept in memory only, are gone with it. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            kill();
        }
    }
}
