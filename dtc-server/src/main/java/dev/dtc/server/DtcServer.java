package dev.dtc.server;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.dtc.internal.engine.Engine;
import dev.dtc.log.DecisionLog;
import dev.dtc.log.DecisionStore;
import dev.dtc.store.postgresql.LeaseSettings;
import dev.dtc.store.postgresql.PostgresStore;
import dev.dtc.store.postgresql.StoreUrl;
import dev.dtc.log.LogConfig;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
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
    private PostgresStore sharedStore; // with --store
    private SharedState state;
    private java.util.concurrent.ScheduledThreadPoolExecutor lockTimer;

    /**
     * JSON as the API reads it: strict, so that what a client sent is what runs. A repeated field or text after
     * the body is refused rather than silently resolved one way.
     */
    static ObjectMapper json() {
        return JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    private DtcServer(ServerConfig config) {
        this.config = config;
        ObjectMapper json = json();
        QueuedThreadPool threads = new QueuedThreadPool(400, 8);
        threads.setName("dtc-http");
        this.jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        // Jetty's parser caches header lines per connection and, by default, matches them case-insensitively: a
        // request with "Bearer S3CRET" after one with "Bearer s3cret" on the same connection would be read as
        // the cached line. Tokens are case-sensitive, so the cache must be too.
        http.setHeaderCacheCaseSensitive(true);
        http.setSendServerVersion(false);
        this.connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(config.bind());
        connector.setPort(config.port());
        jetty.addConnector(connector);
        this.api = new ApiHandler(json, config.token(), config.maxBodyBytes(), config.maxParticipants(),
                config.nodeName());
        jetty.setHandler(api);
        jetty.setErrorHandler(new JsonErrorHandler(json));
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
        ObjectMapper json = json();
        Traces traces = Traces.of(config.openTelemetry(), config.nodeName()); // refuses before anything is opened
        ParticipantCalls calls = new ParticipantCalls(config.token(), config.phaseTwoTimeout());
        DecisionStore.Opener opener;
        Duration takeoverEvery = Duration.ZERO;
        if (config.store() != null) {
            Duration ttl = config.leaseTtl();
            // 12 connections: the decision writer, the lease renewal, the outcome writer, and reads and locks of
            // the HTTP threads; three coordinators stay well inside PostgreSQL's default 100
            sharedStore = PostgresStore.open(StoreUrl.parse(config.store()), new LeaseSettings(ttl, ttl.dividedBy(5),
                    ttl.plus(ttl.dividedBy(5))), 12);
            opener = sharedStore.decisions(advertisedUrl());
            takeoverEvery = ttl.dividedBy(5);
        } else {
            opener = DecisionLog.opener(config.dataDir().resolve("log"), new LogConfig(config.logSegmentBytes()));
        }
        engine = Engine.start(new Engine.Settings(config.nodeName(), Duration.ofMillis(100), Duration.ofSeconds(10),
                        config.recoveryInterval(), Duration.ofSeconds(10), List.of(), Engine.PhaseThreads.BLOCKING,
                        takeoverEvery), opener);
        lockTimer = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "dtc-locks");
            t.setDaemon(true);
            return t;
        });
        state = sharedStore != null
                ? SharedState.postgres(sharedStore, json, config.retention(), Clock.systemUTC(), lockTimer)
                : SharedState.files(config.dataDir(), json, config.retention(), Clock.systemUTC(), lockTimer);
        history = state.outcomes();
        RemoteCoordinator coordinator = new RemoteCoordinator(engine, calls, json, history, config.fault(), traces);
        ParticipantRegistry registry = state.registry();
        LockService locks = state.locks();
        if (sharedStore != null) {
            api.otherNodes(new OtherNodes(sharedStore, json, config.nodeName(), config.maxBodyBytes(),
                    Duration.ofSeconds(120)));
        }
        api.attention(new Attention(engine, coordinator, history, json, config.nodeName(), config.maxBodyBytes()));
        api.ready(coordinator, history, registry, locks);
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

    /** Where other coordinators reach this one: {@code --advertised-url}, or {@link #url()}. */
    String advertisedUrl() {
        return config.advertisedUrl() != null ? config.advertisedUrl() : url();
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
        if (lockTimer != null) {
            lockTimer.shutdownNow();
        }
        // the history first: what it still writes lets the engine write those decisions' END records
        if (state != null) {
            state.close();
        }
        if (engine != null) {
            engine.close();
        }
        if (sharedStore != null) {
            sharedStore.close();
        }
    }
}
