package dev.dtc.participant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 *         .advertisedUrl(URI.create("http://inventory:9001/tx")) // optional: register in the coordinator's registry
 *         .build()
 *         .start();                                   // checks the database, creates the records table, recovers,
 *                                                     // registers
 * server.setHandler(new ParticipantHandler(inventory, "/tx"));
 * }</pre>
 *
 * <p>With several coordinators sharing one store, {@code .coordinators(List.of(first, second))} instead of
 * {@code .coordinator(...)}: when one is down the others are asked (see {@link Builder#coordinators}).
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
    private final ActiveBranches active = new ActiveBranches();
    private final TransactionLocks locks = new TransactionLocks();
    private final Preparer preparer;
    private final Finisher finisher;
    private final Recovery recovery;
    private final Joiner joiner;
    private final URI advertisedUrl;
    private final Audit audit;
    private final Registration registration; // null: does not register
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
        this.advertisedUrl = b.advertisedUrl;
        this.preparer = new Preparer(name, b.work, connections, records, prepared, active, audit, fault,
                b.lockWait);
        this.finisher = new Finisher(name, connections, records, prepared, audit, fault);
        CoordinatorClient coordinatorClient = new CoordinatorClient(b.coordinatorList(), b.token,
                b.coordinatorTimeout);
        this.recovery = new Recovery(name, connections, prepared, locks, coordinatorClient, finisher, audit,
                b.recoveryInterval);
        this.joiner = new Joiner(name, b.advertisedUrl, connections, records, prepared, active, locks,
                coordinatorClient, preparer, audit, b.recoveryInterval);
        this.registration = b.registers() ? new Registration(name, b.advertisedUrl,
                b.registrationTtl.isZero() ? null : b.registrationTtl, coordinatorClient, audit,
                b.coordinatorTimeout) : null;
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
     * <p>With an {@link Builder#advertisedUrl advertised URL}, it then registers with the coordinator (once, on
     * this thread, waiting at most the coordinator timeout) and keeps the registration renewed in the background.
     * A failed registration does not fail the start: it is logged at WARN and tried again in the background until
     * the coordinator accepts it.
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
            preparer.dialect(dialect);
            LOG.info("participant {}: {} database ready, records in table {}", name, dialect, records.table());
        } catch (SQLException e) {
            throw new IllegalStateException("participant " + name + " cannot prepare its database: " + e.getMessage()
                    + ". Check the XA data source's URL, user and password, and that the user may create the table "
                    + records.table() + " (or create it beforehand).", e);
        }
        // two threads: a slow recovery pass (a question per branch to an unresponsive coordinator) must not hold up
        // the registration's renewals, nor a renewal the recovery
        AtomicInteger threads = new AtomicInteger();
        scheduler = Executors.newScheduledThreadPool(registration == null ? 1 : 2, r -> {
            Thread t = new Thread(r, "dtc-participant-" + name + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::recoverNow, 0, recoveryInterval.toMillis(), TimeUnit.MILLISECONDS);
        started = true;
        if (registration != null) {
            registration.start(scheduler);
        }
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
        return handle(method, path, authorization, null, body);
    }

    /**
     * Answers one call of the protocol, whatever carries it, with the coordinator's {@code Dtc-Timeout-Ms}
     * header: how long it waits for this answer. A prepare's work stops waiting for row locks by then.
     *
     * @param timeoutMs the {@code Dtc-Timeout-Ms} header's value, or null when there was none; a value that is not
     *                  a positive whole number is ignored
     */
    public Reply handle(String method, String path, String authorization, String timeoutMs, byte[] body) {
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
                    return voted(preparer.prepare(call.transactionId(), call.payload(), call.joined(),
                            timeLeft(timeoutMs)));
                case "commit":
                    if (active.contains(call.transactionId())) {
                        throw new Finisher.Conflict("transaction " + call.transactionId() + " has an active joined"
                                + " branch here that was never prepared; it cannot be committed before a prepare");
                    }
                    finisher.commit(call.transactionId(), "coordinator");
                    return finished(call.transactionId(), "COMMITTED");
                default:
                    if (!joiner.rollbackActive(call.transactionId(), "coordinator")) {
                        finisher.rollback(call.transactionId(), "coordinator");
                    }
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

    /**
     * Does one call's work inside this participant's branch of a transaction begun elsewhere (an "open"
     * transaction on the coordinator, whose id reached this service in the {@value DtcContext#HEADER} header), and
     * makes sure the coordinator will prepare and commit, or roll back, that branch with the rest.
     *
     * <p>The first call for a transaction takes a database connection, XA-starts the branch (the same Xid as a
     * prepare would: format {@code 0x64747070}, the transaction id, this participant's name) and enlists with the
     * coordinator ({@code POST /v1/transactions/{id}/participants} with this participant's name and
     * {@link Builder#advertisedUrl advertised URL}) before the work runs. The branch then stays active, holding
     * that connection, until the coordinator's prepare (with {@code "joined": true}) or rollback; later calls for
     * the same transaction run on the same connection in the same branch, one at a time. While the work runs the
     * transaction is {@linkplain DtcContext#current() current}, so calls it makes through {@link DtcHttpClient}
     * carry it on.
     *
     * <p>Nothing is committed here: the work's changes become visible when the coordinator commits the transaction.
     * Do not call this participant's own joined endpoints for the same transaction from inside the work (the call
     * would wait for this one).
     *
     * @return what the work returned
     * @throws Refusal       thrown by the work: the branch is rolled back at once and ABORTED is recorded with the
     *                       reason, so the transaction can only roll back (the participant stays enlisted and votes
     *                       ABORT); later calls for it get a {@link JoinException}
     * @throws SQLException  thrown by the work: the same, with the database's message as the reason
     * @throws JoinException the transaction could not be joined and nothing was done: see
     *                       {@link JoinException#status()}
     * @throws IllegalStateException    if the participant has no {@link Builder#advertisedUrl advertised URL}
     * @throws IllegalArgumentException if the transaction id is not 1–64 of {@code A-Za-z0-9._~-}
     */
    public <T> T join(String transactionId, JoinedWork<T> work) throws Refusal, SQLException, JoinException {
        Objects.requireNonNull(work, "work");
        if (advertisedUrl == null) {
            throw new IllegalStateException("participant " + name + " cannot join transactions: it has no"
                    + " advertisedUrl, the base URL the coordinator calls it at (e.g. http://inventory:9001/tx);"
                    + " set it in the builder");
        }
        if (transactionId == null || !Requests.TRANSACTION_ID.matcher(transactionId).matches()) {
            throw new IllegalArgumentException("transaction id " + (transactionId == null ? "null"
                    : "'" + transactionId + "'") + " is not valid: it must be 1 to 64 characters from"
                    + " A-Z a-z 0-9 . _ ~ -");
        }
        if (!started || closed) {
            throw new JoinException(503, "participant " + name + " is " + (closed ? "closed" : "not started yet")
                    + ": it cannot join transaction " + transactionId);
        }
        try (TransactionLocks.Held lock = locks.lock(transactionId)) {
            return joiner.join(transactionId, work);
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

    /** The {@code Dtc-Timeout-Ms} header as milliseconds, or -1 when absent or not a positive whole number. */
    static long timeLeft(String timeoutMs) {
        if (timeoutMs == null || timeoutMs.isEmpty() || timeoutMs.length() > 12
                || !timeoutMs.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        long ms = Long.parseLong(timeoutMs);
        return ms > 0 ? ms : -1;
    }

    static Reply error(int status, String message) {
        return new Reply(status, JSON.createObjectNode().put("error", message).toString());
    }

    /**
     * Runs one recovery pass now, on the caller's thread (tests; an operator's "recover now"): the prepared branches,
     * then the active joined branches whose transaction the coordinator may have forgotten.
     */
    void recoverNow() {
        recovery.pass();
        joiner.sweep();
    }

    /** Active (joined, unprepared) branches held now (tests). */
    int activeBranches() {
        return active.size();
    }

    /** Physical database connections open now (tests of leaks). */
    int openConnections() {
        return connections.open();
    }

    /**
     * Stops recovery, takes the registration with the coordinator back ({@code DELETE}, best effort: waiting at
     * most 2 s, or the coordinator timeout if shorter), and closes every database connection. Prepared branches
     * stay prepared in the database, with their locks, for recovery of the next start to finish: closing is not a
     * rollback. Active branches of joined transactions (never prepared) are rolled back: their work is lost, and the
     * coordinator's prepare will get ABORT.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (registration != null) {
            registration.stop();
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (registration != null) {
                // after the scheduler stopped: no renewal can arrive after the DELETE and register again
                registration.deregister();
            }
        }
        joiner.closeAll();
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
        private URI coordinator; // set by coordinator(URI), or
        private List<URI> coordinators; // set by coordinators(List): the last of the two called wins
        private boolean listed; // coordinators(List) was the last called
        private String token;
        private Duration recoveryInterval = Duration.ofSeconds(10);
        private Duration coordinatorTimeout = Duration.ofSeconds(5);
        private int maxBodyBytes = 1024 * 1024;
        private String outcomeTable = "dtc_participant_outcomes";
        private int maxIdleConnections = 8;
        private int maxConnections = 20;
        private Duration connectionWait = Duration.ofSeconds(5);
        private Duration lockWait;
        private URI advertisedUrl;
        private Duration registrationTtl = Duration.ofSeconds(30);
        private Boolean register;

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

        /**
         * What this service does when the coordinator asks it to prepare a transaction it did not join. Optional for
         * a participant that only {@linkplain Participant#join joins} transactions (it must then have an
         * {@link #advertisedUrl}); such a participant votes ABORT to a prepare without {@code "joined": true}.
         */
        public Builder work(Work work) {
            this.work = work;
            return this;
        }

        /**
         * The coordinator's base URL, e.g. {@code http://coordinator:8080}; recovery asks it for outcomes, and the
         * participant registers there when it has an {@link #advertisedUrl}. The same as
         * {@link #coordinators(List) coordinators(List.of(coordinator))}; replaces what either set before.
         */
        public Builder coordinator(URI coordinator) {
            this.coordinator = coordinator;
            this.coordinators = null;
            this.listed = false;
            return this;
        }

        /**
         * The base URLs of several coordinators that share one store, e.g.
         * {@code List.of(URI.create("http://coordinator-1:8080"), URI.create("http://coordinator-2:8080"))}; any of
         * them answers for any transaction. Every call to a coordinator (recovery's question, an enlistment, a
         * registration, its renewal and its removal) goes first to the coordinator that last gave a clear answer
         * (the first listed, at the start), and on to the next in the list only when that one gives no clear answer:
         * no connection, a timeout, or 421, 502, 503, 504. Any other answer is final, a 404 included: another
         * coordinator is not asked to overrule it. Each coordinator tried waits at most {@link #coordinatorTimeout},
         * so one call takes at most that times the number of coordinators. Replaces what
         * {@link #coordinator(URI)} or this set before.
         *
         * @param coordinators at least one; absolute http(s) URLs, each listed once (checked at {@link #build()})
         */
        public Builder coordinators(List<URI> coordinators) {
            this.coordinators = coordinators == null ? null : new ArrayList<>(coordinators); // nulls kept for build()
            this.coordinator = null;
            this.listed = true;
            return this;
        }

        /** The coordinators as configured, checked. */
        private List<URI> coordinatorList() {
            return listed ? CoordinatorUrls.check("coordinators", coordinators) : List.of(coordinator);
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

        /**
         * How long recovery, and each registration or renewal, waits for the coordinator's answer; default 5 s. With
         * several {@link #coordinators}, per coordinator tried.
         */
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

        /**
         * The longest a statement of the work may wait for a row lock (default: not set). A prepare's work is
         * always bounded by the time the coordinator still waits for its vote (it sends that as the header
         * {@code Dtc-Timeout-Ms}): past it the vote counts as ABORT anyway, and a prepare still waiting behind
         * another transaction's locks would only hold one of the {@link #maxConnections} that phase two needs.
         * This sets a shorter bound for prepares, and the bound for work done by {@link Participant#join}, which
         * the coordinator does not time. On PostgreSQL it is the branch's {@code lock_timeout}; on MySQL/MariaDB
         * the session's {@code innodb_lock_wait_timeout}, rounded up to whole seconds. A statement that times out
         * fails with the database's error, and the vote is ABORT with it as the reason.
         */
        public Builder lockWait(Duration lockWait) {
            this.lockWait = lockWait;
            return this;
        }

        /**
         * This participant's base URL as the coordinator should call it, e.g. {@code http://inventory:9001/tx}
         * (the coordinator appends {@code /prepare}, {@code /commit}, {@code /rollback}): an absolute http(s) URL
         * without query or fragment. When set, {@link Participant#start()} registers the participant under its
         * {@link #name} in the coordinator's registry ({@code PUT /v1/participants/{name}}), keeps the registration
         * renewed every {@link #registrationTtl TTL}/3, and {@link Participant#close()} takes it back
         * ({@code DELETE}). Not set (the default): no registration; the coordinator must be told the URL otherwise.
         * Required to {@linkplain Participant#join join} transactions: it is the URL enlisted with the coordinator.
         */
        public Builder advertisedUrl(URI advertisedUrl) {
            this.advertisedUrl = advertisedUrl;
            return this;
        }

        /**
         * How long the coordinator keeps the registration without a renewal; default 30 s, at least 100 ms. The
         * kit renews every TTL/3, so a registration outlives two lost renewals, and disappears within a TTL of a
         * crash. {@link Duration#ZERO} registers without TTL: the registration never expires, the kit registers once
         * (trying again until the coordinator accepts) and does not renew, and only {@link Participant#close()} or
         * an operator removes it.
         */
        public Builder registrationTtl(Duration registrationTtl) {
            this.registrationTtl = registrationTtl;
            return this;
        }

        /**
         * Whether to register with the coordinator; default: yes when an {@link #advertisedUrl} is set. {@code false}
         * turns registration off (nothing is sent to the registry) while keeping the URL configured; {@code true}
         * without an advertised URL is refused at {@link #build()}.
         */
        public Builder register(boolean register) {
            this.register = register;
            return this;
        }

        private boolean registers() {
            return advertisedUrl != null && !Boolean.FALSE.equals(register);
        }

        /** @throws IllegalArgumentException naming the first option that is missing or wrong */
        public Participant build() {
            require(name != null && NAME.matcher(name).matches(), "name must be 1 to 64 characters from"
                    + " A-Z a-z 0-9 . _ - (it is the Xid's branch qualifier), not " + quoted(name));
            require(xaDataSource != null, "xaDataSource is required: the service's database as a javax.sql.XADataSource");
            require(work != null || advertisedUrl != null, "work is required: what this service does when the"
                    + " coordinator asks it to prepare (a participant that only joins transactions needs none, but"
                    + " then needs advertisedUrl)");
            if (listed) {
                CoordinatorUrls.check("coordinators", coordinators); // throws saying which entry is wrong
            } else {
                require(httpUrl(coordinator), "coordinator must be the coordinator's absolute http(s) URL, e.g."
                        + " http://coordinator:8080 (or coordinators(List) for several), not " + coordinator);
            }
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
            require(lockWait == null || lockWait.toMillis() >= 1, "lockWait must be at least 1 ms, or not set");
            require(advertisedUrl != null || !Boolean.TRUE.equals(register), "register(true) needs advertisedUrl:"
                    + " the participant's base URL as the coordinator should call it, e.g. http://inventory:9001/tx");
            require(advertisedUrl == null || httpUrl(advertisedUrl) && advertisedUrl.getRawQuery() == null
                            && advertisedUrl.getRawFragment() == null,
                    "advertisedUrl must be this participant's absolute http(s) base URL as the coordinator should"
                            + " call it, without query or fragment, e.g. http://inventory:9001/tx, not " + advertisedUrl);
            require(registrationTtl != null && (registrationTtl.isZero() || registrationTtl.toMillis() >= 100),
                    "registrationTtl must be at least 100 ms (e.g. Duration.ofSeconds(30)), or Duration.ZERO for a"
                            + " registration that never expires, not " + registrationTtl);
            return new Participant(this);
        }

        private static boolean httpUrl(URI uri) {
            return CoordinatorUrls.httpUrl(uri);
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
