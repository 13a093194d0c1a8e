package dev.dtc.server;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A coordinator started in this process for dtc-opentelemetry's tests, as {@code dtc-server --opentelemetry} (or
 * without it) would start: {@link DtcServer#start} and {@link ServerConfig} are package-private, so this sits in
 * their package.
 */
public final class TracedCoordinator implements AutoCloseable {
    public static final String TOKEN = "s3cret";
    private final DtcServer server;

    private TracedCoordinator(DtcServer server) {
        this.server = server;
    }

    public static TracedCoordinator start(Path dataDir, String nodeName, boolean openTelemetry) throws Exception {
        return new TracedCoordinator(DtcServer.start(new ServerConfig("127.0.0.1", 0, dataDir, nodeName, TOKEN, 32,
                1 << 20, Duration.ofDays(7), Duration.ofSeconds(1), Duration.ofSeconds(2), Faults.NONE)
                .withOpenTelemetry(openTelemetry)));
    }

    public String url() {
        return server.url();
    }

    @Override
    public void close() {
        server.close();
    }
}
