package dev.dtc.campaign.locks;

import dev.dtc.campaign.ChildProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** dtc-server as a process of its own on a fixed port and data directory, so that it can be killed and restarted. */
final class CoordinatorProcess implements AutoCloseable {

    static final String TOKEN = "campaign-locks-token";

    private final Path dataDir;
    private final String node;
    private final int port;
    private final Path log;
    private ChildProcess process;

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

    void start() throws Exception {
        Files.createDirectories(dataDir);
        process = new ChildProcess(node, log).start(List.of(), TOKEN, "dtc-server listening on ",
                "dev.dtc.server.ServerMain", "--port", Integer.toString(port), "--data-dir", dataDir.toString(),
                "--node-name", node, "--recovery-interval", "1s");
    }

    /** {@code kill -9}. */
    void kill() throws InterruptedException {
        if (process != null) {
            process.kill();
            process = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
