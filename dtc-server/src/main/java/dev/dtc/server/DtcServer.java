package dev.dtc.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dtc.internal.engine.Engine;
import dev.dtc.log.DecisionLog;
import dev.dtc.log.LogConfig;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One coordinator service: the Jetty server, the engine on its decision log ({@code DATA_DIR/log}, the same log
 * and engine as the JTA face) and the outcome history ({@code DATA_DIR/outcomes}).
 *
 * <p>Start order: the HTTP port first, answering 503 with Retry-After while the engine reads its log; then the
 * engine and the history; then the API; then the first recovery pass in the background, after which
 * {@code GET /health} answers 200.
 */
public final class DtcServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DtcServer.class);

    private final ServerConfig config;
    private final Server jetty;
    private final ServerConnector connector;
    private final ApiHandler api;
    private Engine engine;
    private OutcomeHistory history;

    private DtcServer(ServerConfig config) {
        this.config = config;
        ObjectMapper json = new ObjectMapper();
        QueuedThreadPool threads = new QueuedThreadPool(400, 8);
        threads.setName("dtc-http");
        this.jetty = new Server(threads);
        this.connector = new ServerConnector(jetty);
        connector.setHost(config.bind());
        connector.setPort(config.port());
        jetty.addConnector(connector);
        this.api = new ApiHandler(json, config.token(), config.maxBodyBytes(), config.maxParticipants(),
                config.nodeName());
        jetty.setHandler(api);
    }

    /**
     * Starts a coordinator and returns once it answers requests (recovery's first pass may still run).
     *
     * @throws IOException if the port cannot be bound or the log or history cannot be opened
     */
    static DtcServer start(ServerConfig config) throws Exception {
        DtcServer s = new DtcServer(config);
        try {
            s.jetty.start();
            s.open();
        } catch (Exception e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void open() throws IOException {
        ObjectMapper json = new ObjectMapper();
        ParticipantCalls calls = new ParticipantCalls(config.token(), config.phaseTwoTimeout());
        engine = Engine.start(new Engine.Settings(config.nodeName(), Duration.ofMillis(100), Duration.ofSeconds(10),
                        config.recoveryInterval(), Duration.ofSeconds(10), List.of()),
                DecisionLog.opener(config.dataDir().resolve("log"), LogConfig.defaults()));
        history = new OutcomeHistory(config.dataDir().resolve("outcomes"), json, config.retention(), Clock.systemUTC());
        RemoteCoordinator coordinator = new RemoteCoordinator(engine, calls, json, history, config.fault());
        api.ready(coordinator, history);
        Thread first = new Thread(() -> {
            try {
                engine.recovery().scan();
            } catch (RuntimeException e) {
                LOG.warn("the first recovery pass failed; periodic passes go on", e);
            }
            api.recovered();
        }, "dtc-first-recovery");
        first.setDaemon(true);
        first.start();
    }

    /** The port the server listens on (the one it picked, for {@code --port 0}). */
    public int port() {
        return connector.getLocalPort();
    }

    /** The address clients use: the bound host, or 127.0.0.1 when bound to every interface. */
    public String url() {
        String host = config.bind();
        if (host == null || host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        }
        return "http://" + host + ":" + port();
    }

    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.warn("stopping the HTTP server failed", e);
        }
        if (engine != null) {
            engine.close();
        }
        if (history != null) {
            history.close();
        }
    }
}
