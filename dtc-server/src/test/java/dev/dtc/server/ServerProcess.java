package dev.dtc.server;

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

/** The coordinator in a JVM of its own, as users run it: so that it can really die. */
final class ServerProcess implements AutoCloseable {
    final Process process;
    final String url;
    final Path stderr;

    private ServerProcess(Process process, String url, Path stderr) {
        this.process = process;
        this.url = url;
        this.stderr = stderr;
    }

    static ServerProcess start(Path dataDir, String node, String token, String... extra) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ServerMain.class.getName());
        command.addAll(List.of("--port", "0", "--data-dir", dataDir.toString(), "--node-name", node,
                "--recovery-interval", "1s"));
        command.addAll(List.of(extra));
        Path err = File.createTempFile("dtc-server-", ".err").toPath();
        ProcessBuilder b = new ProcessBuilder(command).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (token == null) {
            b.environment().remove("DTC_TOKEN");
        } else {
            b.environment().put("DTC_TOKEN", token);
        }
        Process p = b.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String first;
        try {
            first = line.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IllegalStateException("dtc-server did not start: " + java.nio.file.Files.readString(err), e);
        }
        if (first == null || !first.startsWith("dtc-server listening on http://127.0.0.1:")) {
            p.waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("dtc-server printed " + first + "; stderr: " + java.nio.file.Files.readString(err));
        }
        return new ServerProcess(p, first.substring("dtc-server listening on ".length()), err);
    }

    /** {@code kill -9}. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    String log() throws IOException {
        return java.nio.file.Files.readString(stderr);
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
