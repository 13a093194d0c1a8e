package dev.dtc.participant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.sql.XADataSource;
import javax.transaction.xa.XAException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's part in transactions run by a dtc coordinator over HTTP: answers prepare, commit and rollback for
 * the service's {@link Work} in its own database, and finishes prepared branches after a restart by asking the
 * coordinator.
 *
 * <pre>{@code
 * Participant inventory = Participant.builder()
 *         .name("inventory")
 *         .xaDataSource(xaDataSource)                 // the service's database (PostgreSQL, MySQL or MariaDB)
 *         .work((txId, payload, connection) -> ...)   // reserve stock, or throw new Refusal("...")
 *         .coordinator(URI.create("http://coordinator:8080"))
 *         .token(System.getenv("DTC_TOKEN"))
 *         .build()
 *         .start();                                   // checks the database, creates the records table, recovers
 * server.setHandler(new ParticipantHandler(inventory, "/tx"));
 * }</pre>
 *
 * <p>{@link #handle} is the whole protocol behind any HTTP server; {@link ParticipantHandler} carries it on Jetty.
 * Calls for one transaction id are serialised; calls for different ids run in parallel.
 */
public final class Participant implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Participant.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final byte[] expectedAuthorization;
    private final int maxBodyBytes;
    private final Duration recoveryInterval;
    private final XaConnections connections;
    private final OutcomeRecords records;
    private final PreparedBranches prepared = new PreparedBranches();
    private final TransactionLocks locks = new TransactionLocks();
    private final Preparer preparer;
    private final Finisher finisher;
    private final Recovery recovery;
    private final Audit audit;
    private ScheduledExecutorService scheduler; // guarded by this (start and close only)
    private volatile boolean started;
    private volatile boolean closed;

    private Participant(Builder b) {
        this.name = b.name;
        this.expectedAuthorization = ("Bearer " + b.token).getBytes(StandardCharsets.UTF_8);
        this.maxBodyBytes = b.maxBodyBytes;
        this.recoveryInterval = b.recoveryInterval;
        this.audit = new Audit(name);
        FaultHook fault = FaultHook.fromSystemProperty();
        this.connections = new XaConnections(b.xaDataSource, b.maxIdleConnections, b.maxConnections,
                b.connectionWait);
        this.records = new OutcomeRecords(b.outcomeTable, name, connections);
        this.preparer = new Preparer(name, b.work, connections, records, prepared, audit, fault);
        this.finisher = new Finisher(name, connections, records, prepared, audit, fault);
        this.recovery = new Recovery(name, connections, prepared, locks,
                new CoordinatorClient(b.coordinator, b.token, b.coordinatorTimeout), finisher, audit,
                b.recoveryInterval);
    }

    public static Builder builder() {
        return new Builder();
    }

    public String name() {
        return name;
    }

    /** The largest request body accepted, in bytes. */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /**
     * Checks the database (PostgreSQL must allow prepared transactions; MySQL's user must be allowed XA RECOVER),
     * creates the records table if it is missing, and starts recovery: a pass now, in the background, then one
     * every recovery interval. Calls are answered only once started.
     *
     * @return this
     * @throws IllegalStateException saying what to fix if the database cannot take part in two-phase commit or
     *                               cannot be reached
     */
    public synchronized Participant start() {
        if (closed) {
            throw new IllegalStateException("participant " + name + " is closed; build a new one");
        }
        if (started) {
            return this;
        }
        try {
            Dialect dialect = records.createTable();
            preparer.releaseConnectionAfterPrepare(dialect.preparedBranchOutlivesSession());
            LOG.info("participant {}: {} database ready, records in table {}", name, dialect, records.table());
        } catch (SQLException e) {
            throw new IllegalStateException("participant " + name + " cannot prepare its database: " + e.getMessage()
                    + ". Check the XA data source's URL, user and password, and that the user may create the table "
                    + records.table() + " (or create it beforehand).", e);
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dtc-participant-recovery-" + name);
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(recovery::pass, 0, recoveryInterval.toMillis(), TimeUnit.MILLISECONDS);
        started = true;
        return this;
    }

    /**
     * Answers one call of the protocol, whatever carries it.
     *
     * @param method        the HTTP method; only POST is served
     * @param path          relative to the participant's base: {@code /prepare}, {@code /commit} or {@code /rollback}
     * @param authorization the Authorization header's value, or null
     * @param body          the request body (the caller enforces {@link #maxBodyBytes()} while reading; longer
     *                      bodies are refused here too)
     */
    public Reply handle(String method, String path, String authorization, byte[] body) {
        if (!authorized(authorization)) {
            return error(401, "missing or wrong Authorization header: send 'Authorization: Bearer <token>' with"
                    + " the token this participant was configured with");
        }
        String operation = operation(path);
        if (operation == null) {
            return error(404, "no such endpoint " + path + ": use POST /prepare, /commit or /rollback");
        }
        if (!"POST".equals(method)) {
            return error(405, "method " + method + " is not allowed on " + path + ": use POST");
        }
        if (body != null && body.length > maxBodyBytes) {
            return error(413, "the body is " + body.length + " bytes, over this participant's limit of "
                    + maxBodyBytes + " bytes: send a smaller payload");
        }
        if (!started || closed) {
            return error(503, "participant " + name + " is " + (closed ? "closed" : "not started yet") + ": try again later");
        }
        Requests.Call call;
        try {
            call = Requests.parse(operation, body);
        } catch (Requests.Invalid e) {
            return error(400, e.getMessage());
        }
        TransactionLocks.Held lock = locks.lock(call.transactionId());
        try {
            switch (operation) {
                case "prepare":
                    return voted(preparer.prepare(call.transactionId(), call.payload()));
                case "commit":
                    finisher.commit(call.transactionId(), "coordinator");
                    return finished(call.transactionId(), "COMMITTED");
                default:
                    finisher.rollback(call.transactionId(), "coordinator");
                    return finished(call.transactionId(), "ROLLED_BACK");
            }
        } catch (Finisher.Conflict e) {
            audit.error(call.transactionId(), e.getMessage(), null);
            return error(409, e.getMessage());
        } catch (SQLException | XAException | RuntimeException e) {
            audit.warn(call.transactionId(), operation + " failed", e);
            return error(503, operation + " of transaction " + call.transactionId() + " failed here ("
                    + Preparer.describe(e) + "): nothing was lost, send it again");
        } finally {
            lock.close();
        }
    }

    /** Whether an Authorization header value carries this participant's token (compared in constant time). */
    boolean authorized(String authorization) {
        return authorization != null
                && MessageDigest.isEqual(expectedAuthorization, authorization.getBytes(StandardCharsets.UTF_8));
    }

    private static String operation(String path) {
        switch (path == null ? "" : path) {
            case "/prepare":
                return "prepare";
            case "/commit":
                return "commit";
            case "/rollback":
                return "rollback";
            default:
                return null;
        }
    }

    private static Reply voted(Preparer.Answer answer) {
        ObjectNode json = JSON.createObjectNode().put("vote", answer.vote().name());
        if (answer.reason() != null) {
            json.put("reason", answer.reason());
        }
        return new Reply(200, json.toString());
    }

    private static Reply finished(String transactionId, String state) {
        return new Reply(200, JSON.createObjectNode().put("transactionId", transactionId).put("state", state)
                .toString());
    }

    static Reply error(int status, String message) {
        return new Reply(status, JSON.createObjectNode().put("error", message).toString());
    }

    /** Runs one recovery pass now, on the caller's thread (tests; an operator's "recover now"). */
    void recoverNow() {
        recovery.pass();
    }

    /** Physical database connections open now (tests of leaks). */
    int openConnections() {
        return connections.open();
    }

    /**
     * Stops recovery and closes every database connection. Prepared branches stay prepared in the database, with
     * their locks, for recovery of the next start to finish: closing is not a rollback.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        prepared.closeAll(connections);
        connections.close();
        LOG.info("participant {} closed", name);
    }

    /** The configuration, checked at {@link #build()} with messages that say what to fix. */
    public static final class Builder {

        private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
        private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

        private String name;
        private XADataSource xaDataSource;
        private Work work;
        private URI coordinator;
        private String token;
        private Duration recoveryInterval = Duration.ofSeconds(10);
        private Duration coordinatorTimeout = Duration.ofSeconds(5);
        private int maxBodyBytes = 1024 * 1024;
        private String outcomeTable = "dtc_participant_outcomes";
        private int maxIdleConnections = 8;
        private int maxConnections = 20;
        private Duration connectionWait = Duration.ofSeconds(5);

        private Builder() {
        }

        /**
         * This participant's name, 1–64 of {@code A-Za-z0-9._-}. It is the branch qualifier of its Xids and the key
         * of its records: it must be unique among the participants that share a database server (MySQL lists
         * prepared branches server-wide) and stay the same across restarts, or recovery will not find its branches.
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** The service's database, as an XA data source (e.g. PGXADataSource, MysqlXADataSource). */
        public Builder xaDataSource(XADataSource xaDataSource) {
            this.xaDataSource = xaDataSource;
            return this;
        }

        public Builder work(Work work) {
            this.work = work;
            return this;
        }

        /** The coordinator's base URL, e.g. {@code http://coordinator:8080}; recovery asks it for outcomes. */
        public Builder coordinator(URI coordinator) {
            this.coordinator = coordinator;
            return this;
        }

        /** The shared bearer token: required on every call to this participant, and sent to the coordinator. */
        public Builder token(String token) {
            this.token = token;
            return this;
        }

        /** How often recovery looks for prepared branches to finish; default 10 s. */
        public Builder recoveryInterval(Duration recoveryInterval) {
            this.recoveryInterval = recoveryInterval;
            return this;
        }

        /** How long recovery waits for the coordinator's answer; default 5 s. */
        public Builder coordinatorTimeout(Duration coordinatorTimeout) {
            this.coordinatorTimeout = coordinatorTimeout;
            return this;
        }

        /** The largest request body accepted; default 1 MiB. */
        public Builder maxBodyBytes(int maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /** The records table, created if missing; default {@code dtc_participant_outcomes}. */
        public Builder outcomeTable(String outcomeTable) {
            this.outcomeTable = outcomeTable;
            return this;
        }

        /** Database connections kept open between calls; default 8 (more are opened when busy, then closed). */
        public Builder maxIdleConnections(int maxIdleConnections) {
            this.maxIdleConnections = maxIdleConnections;
            return this;
        }

        /**
         * Most physical connections the participant opens to its database (default 20), pooled, in use, or held by
         * a prepared branch until phase two. Keep it under what the database allows this service
         * ({@code max_connections}).
         */
        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * How long a call waits for a connection when all {@link #maxConnections} are taken (default 5 s); a
         * prepare that gets none votes ABORT and says why.
         */
        public Builder connectionWait(Duration connectionWait) {
            this.connectionWait = connectionWait;
            return this;
        }

        /** @throws IllegalArgumentException naming the first option that is missing or wrong */
        public Participant build() {
            require(name != null && NAME.matcher(name).matches(), "name must be 1 to 64 characters from"
                    + " A-Z a-z 0-9 . _ - (it is the Xid's branch qualifier), not " + quoted(name));
            require(xaDataSource != null, "xaDataSource is required: the service's database as a javax.sql.XADataSource");
            require(work != null, "work is required: what this service does in a transaction");
            require(coordinator != null && coordinator.isAbsolute() && coordinator.getHost() != null
                            && Objects.requireNonNull(coordinator.getScheme()).toLowerCase(Locale.ROOT).startsWith("http"),
                    "coordinator must be the coordinator's absolute http(s) URL, e.g. http://coordinator:8080, not "
                            + coordinator);
            require(token != null && !token.isBlank() && token.chars().noneMatch(Character::isWhitespace),
                    "token is required: the bearer token shared with the coordinator, without spaces");
            require(positive(recoveryInterval), "recoveryInterval must be positive, e.g. Duration.ofSeconds(10)");
            require(positive(coordinatorTimeout), "coordinatorTimeout must be positive, e.g. Duration.ofSeconds(5)");
            require(maxBodyBytes > 0 && maxBodyBytes < Integer.MAX_VALUE - 8, "maxBodyBytes must be positive and below 2 GiB, e.g. 1048576");
            require(outcomeTable != null && TABLE.matcher(outcomeTable).matches(), "outcomeTable must be a plain"
                    + " SQL identifier (letters, digits, _; at most 63), not " + quoted(outcomeTable));
            require(maxIdleConnections >= 0, "maxIdleConnections must not be negative");
            require(maxConnections >= 2, "maxConnections must be at least 2 (one for a call, one for recovery)");
            require(connectionWait != null && !connectionWait.isNegative(), "connectionWait must not be negative");
            return new Participant(this);
        }

        private static boolean positive(Duration d) {
            return d != null && !d.isNegative() && !d.isZero();
        }

        private static String quoted(String s) {
            return s == null ? "null" : "'" + s + "'";
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
