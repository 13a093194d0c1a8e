package dev.dtc.campaign.locks;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** dtc-server as a process of its own on a fixed port and data directory, so that it can be killed and restarted. */
final class CoordinatorProcess implements AutoCloseable {

    static final String TOKEN = "campaign-locks-token";

    private final Path dataDir;
    private final String node;
    private final int port;
    private final Path log;
    private Process process;

    CoordinatorProcess(Path dataDir, String node) throws IOException {
        this.dataDir = dataDir;
        this.node = node;
        try (ServerSocket s = new ServerSocket(0)) {
            this.port = s.getLocalPort();
        }
        this.log = dataDir.resolveSibling(node + ".log");
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    Path log() {
        return log;
    }

    void start() throws Exception {
        Files.createDirectories(dataDir);
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "dev.dtc.server.ServerMain", "--port", Integer.toString(port), "--data-dir", dataDir.toString(),
                "--node-name", node, "--recovery-interval", "1s");
        ProcessBuilder b = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        b.environment().put("DTC_TOKEN", TOKEN);
        Process p = b.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        Thread drain = new Thread(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith("dtc-server listening on ")) {
                        ready.complete(true);
                    }
                }
            } catch (IOException e) {
                // gone
            }
            ready.complete(false);
        }, node + "-stdout");
        drain.setDaemon(true);
        drain.start();
        if (!ready.get(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("dtc-server did not start; see " + log);
        }
        process = p;
    }

    /** {@code kill -9}. */
    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            process = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
