package dev.dtc.participant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's lock service ({@code /v1/locks}, see docs/http-api.md) from Java: leased locks with fencing
 * tokens, renewed in the background while held.
 *
 * <pre>{@code
 * DtcLocks locks = DtcLocks.builder(URI.create("http://coordinator:8080")).token(System.getenv("DTC_TOKEN")).build();
 * try (DtcLocks.Lock lock = locks.acquire("stock-widget", Duration.ofSeconds(10), Duration.ofSeconds(30))) {
 *     lock.check();                       // throws if the lease was lost meanwhile
 *     writeGuardedBy(lock.token());       // the resource refuses a token lower than the last it accepted
 * }                                       // released (DELETE), renewal stopped
 * }</pre>
 *
 * <p><b>Renewal.</b> A held lock is renewed every third of its time to live on one daemon thread shared by this
 * instance's locks (the HTTP calls are asynchronous: a slow coordinator does not hold the thread). A renewal that
 * gets no answer is tried again sooner; a renewal the coordinator refuses (409: the lease expired, or the coordinator
 * restarted and forgot it) marks the lock lost at once. The client also keeps its own, conservative deadline: the
 * time the last successful acquire or renewal was <em>sent</em> plus the time to live. Past it the lock counts as lost
 * even if the coordinator could not be asked, because another holder may have it by then.
 *
 * <p><b>What "held" can promise.</b> {@link Lock#isHeld()} and {@link Lock#check()} are this process's best knowledge,
 * not a guarantee: a pause (a long GC, a frozen VM) between {@code check()} and a write can outlast the lease. Only a
 * resource that checks the {@link Lock#token() fencing token} on every write is safe against that.
 *
 * <p>Thread-safe. {@link #close()} releases the locks still held and stops the renewal thread.
 */
public final class DtcLocks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DtcLocks.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._~-]{1,128}");
    private static final Pattern OWNER = Pattern.compile("[!-~]{1,200}");
    static final Duration MIN_TTL = Duration.ofMillis(100);
    static final Duration MAX_TTL = Duration.ofHours(1);
    static final Duration MAX_WAIT = Duration.ofMinutes(10);
    /** The longest a failed renewal waits before it is tried again. */
    static final Duration RETRY = Duration.ofSeconds(1);

    private final URI base;
    private final String authorization;
    private final String owner; // null: host:pid:thread of the acquiring thread
    private final Duration requestTimeout;
    private final boolean renew;
    private final HttpClient http;
    private final ScheduledThreadPoolExecutor scheduler;
    private final Set<Lock> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private DtcLocks(Builder b) {
        String s = b.coordinator.toString();
        this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        this.authorization = "Bearer " + b.token;
        this.owner = b.owner;
        this.requestTimeout = b.requestTimeout;
        this.renew = b.renew;
        this.http = b.http != null ? b.http
                : HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(b.connectTimeout).build();
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "dtc-locks-renewal");
            t.setDaemon(true);
            return t;
        });
        this.scheduler.setRemoveOnCancelPolicy(true);
    }

    /** @param coordinator the coordinator's base URL, e.g. {@code http://coordinator:8080} */
    public static Builder builder(URI coordinator) {
        return new Builder(coordinator);
    }

    /** Options of {@link DtcLocks}. */
    public static final class Builder {
        private final URI coordinator;
        private String token;
        private String owner;
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private boolean renew = true;
        private HttpClient http;

        private Builder(URI coordinator) {
            Objects.requireNonNull(coordinator, "coordinator");
            if (coordinator.getScheme() == null || !coordinator.getScheme().matches("https?")
                    || coordinator.getHost() == null) {
                throw new IllegalArgumentException("the coordinator must be an http:// or https:// URL such as"
                        + " http://127.0.0.1:8080, was '" + coordinator + "'");
            }
            this.coordinator = coordinator;
        }

        /** Required: the coordinator's bearer token. */
        public Builder token(String token) {
            if (token == null || token.isEmpty() || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("the bearer token must be 1 or more printable ASCII characters"
                        + " without spaces (the token the coordinator was started with)");
            }
            this.token = token;
            return this;
        }

        /**
         * The holder's name for every lock taken through this instance: 1 to 200 printable ASCII characters without
         * spaces. Default: {@code host:pid:thread} of the thread that acquires.
         */
        public Builder owner(String owner) {
            if (owner == null || !OWNER.matcher(owner).matches()) {
                throw new IllegalArgumentException("the owner must be 1 to 200 printable ASCII characters without"
                        + " spaces, e.g. host:pid:thread; was '" + owner + "'");
            }
            this.owner = owner;
            return this;
        }

        /** How long one call may take to be answered, besides an acquire's wait (default 10 s). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive("requestTimeout", timeout);
            return this;
        }

        /** Connect timeout of the HTTP client this instance makes (default 5 s); ignored with {@link #httpClient}. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive("connectTimeout", timeout);
            return this;
        }

        /**
         * False: no background renewal; a lock lives for its time to live unless {@link Lock#renew()} is called
         * (default true).
         */
        public Builder renewInBackground(boolean renew) {
            this.renew = renew;
            return this;
        }

        /** The HTTP client to use (default: a new HTTP/1.1 client). */
        public Builder httpClient(HttpClient http) {
            this.http = Objects.requireNonNull(http, "httpClient");
            return this;
        }

        public DtcLocks build() {
            if (token == null) {
                throw new IllegalArgumentException("token(...) is required: the coordinator's bearer token");
            }
            return new DtcLocks(this);
        }

        private static Duration positive(String what, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + d);
            }
            return d;
        }
    }

    /**
     * Acquires the lock {@code name}, waiting up to {@code wait} while another holder has it (first come, first
     * served). The lock is renewed in the background until it is closed.
     *
     * @param ttl  the lease, 100 ms to 1 h: how long the lock outlives this process if it stops renewing
     * @param wait how long to wait for a held lock, 0 to 10 min ({@link Duration#ZERO}: do not wait)
     * @throws HeldException if another holder still had it when the wait ran out (who, and until when)
     * @throws LockException if the coordinator refused the request or could not be reached (the message says why)
     * @throws IllegalArgumentException for a bad name, ttl or wait (before anything is sent)
     */
    public Lock acquire(String name, Duration ttl, Duration wait) throws LockException {
        checkName(name);
        checkRange("ttl", ttl, MIN_TTL, MAX_TTL);
        checkRange("wait", wait, Duration.ZERO, MAX_WAIT);
        if (closed) {
            throw new IllegalStateException("these DtcLocks are closed");
        }
        String who = owner != null ? owner : defaultOwner();
        String body = JSON.createObjectNode().put("owner", who).put("ttlMs", ttl.toMillis())
                .put("waitMs", wait.toMillis()).toString();
        long sent = System.nanoTime();
        Answer a = send("POST", lockUri(name), body, requestTimeout.plus(wait), "acquire lock '" + name + "'");
        if (a.status != 200) {
            throw refusal(a, "cannot acquire lock '" + name + "'");
        }
        long token = a.json.path("token").asLong();
        Lock lock = new Lock(name, who, token, ttl, sent, expiresAtOf(a.json));
        if (System.nanoTime() - sent > ttl.toNanos() / 3) {
            // it waited: the grant came at some moment in between, so the deadline counted from the request is too
            // early; one renewal now gives a deadline counted from a known moment
            try {
                lock.renew();
            } catch (LockException e) {
                lock.close();
                throw e;
            }
        }
        open.add(lock);
        if (closed) {
            lock.close();
            throw new IllegalStateException("these DtcLocks were closed while the lock was acquired; it is released");
        }
        lock.scheduleRenewal(ttl.dividedBy(3));
        return lock;
    }

    /** What {@code GET /v1/locks/{name}} says: who holds it, with which token, until when, and how many wait. */
    public State state(String name) throws LockException {
        checkName(name);
        Answer a = send("GET", lockUri(name), null, requestTimeout, "read lock '" + name + "'");
        if (a.status != 200) {
            throw refusal(a, "cannot read lock '" + name + "'");
        }
        JsonNode j = a.json;
        return new State(name, j.hasNonNull("holder") ? j.get("holder").asText() : null, j.path("token").asLong(),
                j.hasNonNull("expiresAt") ? expiresAtOf(j) : null, j.path("waiters").asInt());
    }

    /** A lock as the coordinator sees it; {@code holder} and {@code expiresAt} are null and token 0 when free. */
    public record State(String name, String holder, long token, Instant expiresAt, int waiters) {
        public boolean free() {
            return holder == null;
        }
    }

    /** Releases every lock still held through this instance and stops the renewal thread. Idempotent. */
    @Override
    public void close() {
        closed = true;
        for (Lock l : open) {
            l.close();
        }
        scheduler.shutdownNow();
    }

    /** {@code host:pid:thread}, with anything outside printable ASCII (and spaces) replaced by {@code _}. */
    public static String defaultOwner() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        Thread t = Thread.currentThread();
        String s = (host + ":" + ProcessHandle.current().pid() + ":" + t.getName() + "#" + t.getId())
                .replaceAll("[^!-~]", "_");
        return s.length() <= 200 ? s : s.substring(s.length() - 200);
    }

    // ---------------------------------------------------------------- the lock

    /**
     * A held lock: its {@link #token() fencing token}, whether it is still held, and {@link #close()} to release it.
     * Thread-safe.
     */
    public final class Lock implements AutoCloseable {
        private final String name;
        private final String owner;
        private final long token;
        private final Duration ttl;
        // guarded by this
        private long deadlineNanos;
        private Instant expiresAt;
        private String lost;          // why it is not held, once known
        private String lastFailure;   // of the last renewal that got no answer
        private boolean refused;      // the coordinator said it is not ours: nothing to release
        private boolean closed;
        private boolean renewing;
        private ScheduledFuture<?> next;

        private Lock(String name, String owner, long token, Duration ttl, long sentNanos, Instant expiresAt) {
            this.name = name;
            this.owner = owner;
            this.token = token;
            this.ttl = ttl;
            this.deadlineNanos = sentNanos + ttl.toNanos();
            this.expiresAt = expiresAt;
        }

        public String name() {
            return name;
        }

        public String owner() {
            return owner;
        }

        /** The fencing token: pass it to the resource, which must refuse a write with a lower one than it has seen. */
        public long token() {
            return token;
        }

        /** The lease's end as the coordinator last said (its clock). */
        public synchronized Instant expiresAt() {
            return expiresAt;
        }

        /** True while neither closed nor lost, and this process's own deadline for the lease has not passed. */
        public boolean isHeld() {
            return lost().isEmpty();
        }

        /** Why the lock is not held any more (closed, refused by the coordinator, lease ran out); empty while held. */
        public synchronized Optional<String> lost() {
            if (lost == null && System.nanoTime() - deadlineNanos >= 0) {
                lost = "the lease of lock '" + name + "' (token " + token + ") ran out: no renewal succeeded within its"
                        + " ttl of " + ttl.toMillis() + " ms" + (lastFailure != null ? " (last renewal: " + lastFailure
                        + ")" : renew ? "" : " (background renewal is off)") + "; another holder may have it now";
                cancelRenewal();
            }
            return Optional.ofNullable(lost);
        }

        /**
         * Throws unless the lock is held: call it right before a write the lock guards. It cannot rule out a pause
         * after it returns; the resource's check of the fencing token does.
         *
         * @throws LostException saying why the lock is not held
         */
        public void check() throws LostException {
            Optional<String> why = lost();
            if (why.isPresent()) {
                throw new LostException(why.get());
            }
        }

        /**
         * Renews the lease now, for another ttl (the background renewal does this by itself).
         *
         * @throws LostException if the coordinator refused: the lease had expired, or another holder has the lock
         * @throws LockException if the coordinator could not be asked (the lock may still be held until its deadline)
         */
        public void renew() throws LockException {
            check();
            String body = JSON.createObjectNode().put("owner", owner).put("token", token).put("ttlMs", ttl.toMillis())
                    .toString();
            long sent = System.nanoTime();
            Answer a = send("POST", URI.create(lockUri(name) + "/renew"), body, renewTimeout(), "renew lock '" + name
                    + "'");
            renewed(a, sent);
            check();
        }

        /** Stops the renewal and releases the lock (DELETE) unless it is known to be lost. Idempotent; never throws. */
        @Override
        public void close() {
            boolean release;
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                cancelRenewal();
                // a lease only this process thinks ran out may still be ours at the coordinator: release it too
                release = !refused;
                if (lost == null) {
                    lost = "lock '" + name + "' (token " + token + ") was released by close()";
                }
            }
            open.remove(this);
            if (!release) {
                return;
            }
            String body = JSON.createObjectNode().put("owner", owner).put("token", token).toString();
            try {
                Answer a = send("DELETE", lockUri(name), body, requestTimeout, "release lock '" + name + "'");
                if (a.status == 204) {
                    LOG.debug("lock {} (token {}) released", name, token);
                } else if (a.status == 409) {
                    LOG.debug("lock {} (token {}) was not held any more at release: {}", name, token, error(a));
                } else {
                    LOG.warn("could not release lock {} (token {}): {} {}; it is free when its lease ends", name, token,
                            a.status, error(a));
                }
            } catch (LockException e) {
                LOG.warn("could not release lock {} (token {}): {}; it is free when its lease ends", name, token,
                        e.getMessage());
            }
        }

        /** Reads a renewal's answer; returns true if the lease was extended. */
        private boolean renewed(Answer a, long sentNanos) {
            synchronized (this) {
                if (a.status == 200 && a.json.path("token").asLong() == token) {
                    deadlineNanos = Math.max(deadlineNanos, sentNanos + ttl.toNanos());
                    expiresAt = expiresAtOf(a.json);
                    lastFailure = null;
                    return true;
                }
                if (a.status == 409) {
                    refused = true;
                    if (lost == null) {
                        lost = "the coordinator refused to renew lock '" + name + "' (token " + token + "): " + error(a);
                    }
                } else {
                    lastFailure = a.status + " " + error(a);
                    if (a.status == 401 || a.status == 400 || a.status == 404) {
                        if (lost == null) {
                            lost = "cannot renew lock '" + name + "' (token " + token + "): " + lastFailure;
                        }
                    }
                }
                return false;
            }
        }

        private Duration renewTimeout() {
            Duration third = ttl.dividedBy(3);
            return third.compareTo(requestTimeout) < 0 ? third : requestTimeout;
        }

        private synchronized void scheduleRenewal(Duration delay) {
            if (!renew || closed || lost != null) {
                return;
            }
            try {
                next = scheduler.schedule(this::renewInBackground, Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // these DtcLocks are closing
            }
        }

        private void renewInBackground() {
            synchronized (this) {
                if (closed || lost().isPresent() || renewing) {
                    return;
                }
                renewing = true;
            }
            String body = JSON.createObjectNode().put("owner", owner).put("token", token).put("ttlMs", ttl.toMillis())
                    .toString();
            long sent = System.nanoTime();
            HttpRequest request = request("POST", URI.create(lockUri(name) + "/renew"), body, renewTimeout());
            http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                boolean ok;
                if (e != null) {
                    synchronized (this) {
                        lastFailure = describe(e instanceof java.util.concurrent.CompletionException
                                && e.getCause() != null ? e.getCause() : e);
                    }
                    ok = false;
                } else {
                    ok = renewed(new Answer(r.statusCode(), parse(r.body())), sent);
                }
                Duration delay;
                synchronized (this) {
                    renewing = false;
                    if (!ok && lost == null && !closed) {
                        LOG.warn("could not renew lock {} (token {}): {}; trying again", name, token, lastFailure);
                    } else if (lost != null && !closed) {
                        LOG.warn("{}", lost);
                    }
                    long left = deadlineNanos - System.nanoTime();
                    delay = ok ? ttl.dividedBy(3)
                            : Duration.ofNanos(Math.max(1_000_000, Math.min(RETRY.toNanos(), left / 3)));
                }
                scheduleRenewal(delay);
            });
        }

        private void cancelRenewal() {
            if (next != null) {
                next.cancel(false);
                next = null;
            }
        }

        @Override
        public String toString() {
            return "lock '" + name + "' of " + owner + " with token " + token;
        }
    }

    // ---------------------------------------------------------------- exceptions

    /** A lock request that did not succeed: the message says why and, where it can, what to do. */
    public static class LockException extends Exception {
        private final int status;

        public LockException(String message, int status, Throwable cause) {
            super(message, cause);
            this.status = status;
        }

        /** The coordinator's HTTP status, or 0 if it gave none (unreachable, timed out). */
        public int status() {
            return status;
        }
    }

    /** The lock is held by someone else (409): who, and until when. */
    public static final class HeldException extends LockException {
        private final String holder;
        private final Instant expiresAt;

        public HeldException(String message, String holder, Instant expiresAt) {
            super(message, 409, null);
            this.holder = holder;
            this.expiresAt = expiresAt;
        }

        /** The holder, or null if the lock was free again when the wait ran out (others waited before this one). */
        public String holder() {
            return holder;
        }

        public Instant expiresAt() {
            return expiresAt;
        }
    }

    /** The lock is not held any more: the write it guards must not happen. */
    public static final class LostException extends LockException {
        public LostException(String message) {
            super(message, 0, null);
        }
    }

    // ---------------------------------------------------------------- HTTP

    private record Answer(int status, JsonNode json) {
    }

    private URI lockUri(String name) {
        return URI.create(base + "/v1/locks/" + name);
    }

    private HttpRequest request(String method, URI uri, String body, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).header("Authorization", authorization)
                .header("Accept", "application/json");
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return b.build();
    }

    private Answer send(String method, URI uri, String body, Duration timeout, String what) throws LockException {
        HttpResponse<String> r;
        try {
            r = http.send(request(method, uri, body, timeout), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new LockException("could not " + what + ": the coordinator at " + base + " did not answer within "
                    + timeout.toMillis() + " ms", 0, e);
        } catch (IOException e) {
            throw new LockException("could not " + what + ": the coordinator at " + base + " cannot be reached ("
                    + describe(e) + ")", 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockException("interrupted while trying to " + what + " (if the coordinator granted it, the"
                    + " lease ends by itself)", 0, e);
        }
        return new Answer(r.statusCode(), parse(r.body()));
    }

    private LockException refusal(Answer a, String what) {
        String error = error(a);
        return switch (a.status) {
            case 409 -> new HeldException(error, a.json.hasNonNull("holder") ? a.json.get("holder").asText() : null,
                    a.json.hasNonNull("expiresAt") ? expiresAtOf(a.json) : null);
            case 401 -> new LockException(what + ": the coordinator refused the bearer token (401); use the token it"
                    + " was started with", 401, null);
            case 404 -> new LockException(what + ": " + base + " has no lock service (404 " + error + "); is it a dtc"
                    + " coordinator?", 404, null);
            default -> new LockException(what + ": " + a.status + " " + error, a.status, null);
        };
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode n = body == null || body.isBlank() ? null : JSON.readTree(body);
            return n == null ? JSON.createObjectNode() : n;
        } catch (IOException e) {
            return JSON.createObjectNode().put("error", body.length() <= 200 ? body.strip()
                    : body.substring(0, 200) + "...");
        }
    }

    private static String error(Answer a) {
        return a.json.path("error").asText("(no error message)");
    }

    private static Instant expiresAtOf(JsonNode j) {
        try {
            return Instant.parse(j.path("expiresAt").asText());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a lock name: 1 to 128 characters of"
                    + " A-Z a-z 0-9 . _ ~ -");
        }
    }

    private static void checkRange(String what, Duration d, Duration min, Duration max) {
        if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException(what + " must be " + min.toMillis() + " ms to " + max.toMillis()
                    + " ms, was " + (d == null ? "null" : d.toMillis() + " ms"));
        }
    }
}
