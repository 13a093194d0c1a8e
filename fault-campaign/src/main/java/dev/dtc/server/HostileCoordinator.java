package dev.dtc.server;

import java.nio.file.Path;
import java.time.Duration;

/**
 * An in-process coordinator for the campaign's hostile-input part: {@link DtcServer#start} and {@link ServerConfig}
 * are package-private, so this class (in the server's package, on the campaign's class path) starts one with the
 * settings a hostile run wants, without faults.
 */
public final class HostileCoordinator implements AutoCloseable {

    private final DtcServer server;

    private HostileCoordinator(DtcServer server) {
        this.server = server;
    }

    /**
     * @param dataDir      the data directory (log, outcomes, registry.json, fencing.json)
     * @param node         the node name that starts every id it issues
     * @param token        the bearer token
     * @param maxBodyBytes larger request bodies are refused
     */
    public static HostileCoordinator start(Path dataDir, String node, String token, int maxBodyBytes)
            throws Exception {
        return new HostileCoordinator(DtcServer.start(new ServerConfig("127.0.0.1", 0, dataDir, node, token, 32,
                maxBodyBytes, Duration.ofDays(7), Duration.ofSeconds(1), Duration.ofSeconds(2), Faults.NONE)));
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String url() {
        return server.url();
    }

    @Override
    public void close() {
        server.close();
    }
}
