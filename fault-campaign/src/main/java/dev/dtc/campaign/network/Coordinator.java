package dev.dtc.campaign.network;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** dtc-server in a JVM of its own ({@code dev.dtc.server.ServerMain}), as users run it, so that it can really die. */
final class Coordinator implements AutoCloseable {
    static final String MAIN = "dev.dtc.server.ServerMain";

    final Process process;
    final String url;
    final Path stderr;

    private Coordinator(Process process, String url, Path stderr) {
        this.process = process;
        this.url = url;
        this.stderr = stderr;
    }

    /** Starts one on a free port with 1 s phase-2 timeout and recovery interval; {@code extra} e.g. a test fault. */
    static Coordinator start(Path dataDir, String node, String token, String... extra) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MAIN);
        command.addAll(List.of("--port", "0", "--data-dir", dataDir.toString(), "--node-name", node,
                "--recovery-interval", "1s", "--phase2-timeout", "1s"));
        command.addAll(List.of(extra));
        Path err = File.createTempFile("dtc-network-coordinator-", ".err").toPath();
        ProcessBuilder b = new ProcessBuilder(command).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        b.environment().put("DTC_TOKEN", token);
        Process p = b.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String prefix = "dtc-server listening on ";
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                for (String l = out.readLine(); l != null; l = out.readLine()) {
                    if (l.startsWith(prefix)) {
                        return l; // logging may print status lines before it
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        String first;
        try {
            first = line.get(90, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IllegalStateException("dtc-server did not start: " + Files.readString(err), e);
        }
        if (first == null || !first.startsWith(prefix)) {
            p.destroyForcibly();
            throw new IllegalStateException("dtc-server printed " + first + "; stderr: " + Files.readString(err));
        }
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // stdout after the listening line: nothing expected
                }
            } catch (IOException e) {
                // process gone
            }
        }, "coordinator-stdout");
        drain.setDaemon(true);
        drain.start();
        return new Coordinator(p, first.substring(prefix.length()).trim(), err);
    }

    /** Waits for a process started with a halt fault to halt (as kill -9 would). */
    boolean awaitExit(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    /** {@code kill -9}. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(20, TimeUnit.SECONDS);
            }
        }
        Files.deleteIfExists(stderr);
    }
}
