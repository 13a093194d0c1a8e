package dev.dtc.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API on Jetty's core handler (no servlet layer: three routes do not need one, and every request skips
 * its cost): {@code GET /health}, {@code POST /v1/transactions}, {@code GET /v1/transactions/{id}}. Every
 * {@code /v1} request needs the bearer token; a request refused (401, 400, 404, 405, 409, 503) changes nothing.
 */
final class ApiHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    static final Pattern TX_ID = Pattern.compile("[A-Za-z0-9._~-]{1,64}");
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,200}");
    private static final String TRANSACTIONS = "/v1/transactions";
    private static final String PARTICIPANTS = "/v1/participants";
    private static final String LOCKS = "/v1/locks";
    private static final java.util.Set<String> OPEN_ACTIONS = java.util.Set.of("participants", "commit", "rollback");
    private static final Pattern LOCK_NAME = Pattern.compile("[A-Za-z0-9._~-]{1,128}");
    private static final Pattern OWNER = Pattern.compile("[\\x21-\\x7e]{1,200}");
    static final long MIN_TTL_MS = 1_000;
    static final long MAX_TTL_MS = 24L * 3_600_000;

    private final ObjectMapper json;
    private final byte[] expectedToken;
    private final int maxBodyBytes;
    private final int maxParticipants;
    private final String nodeName;
    private volatile RemoteCoordinator coordinator; // null while the engine opens its log
    private volatile OutcomeHistory history;
    private volatile ParticipantRegistry registry;
    private volatile LockService locks;
    private volatile boolean recovered;
    private volatile Attention attention;
    /** With a shared store: answers for transactions of other coordinators; null with the file log. */
    private volatile OtherNodes otherNodes;

    ApiHandler(ObjectMapper json, String token, int maxBodyBytes, int maxParticipants, String nodeName) {
        this.json = json;
        this.expectedToken = token.getBytes(StandardCharsets.UTF_8);
        this.maxBodyBytes = maxBodyBytes;
        this.maxParticipants = maxParticipants;
        this.nodeName = nodeName;
    }

    void ready(RemoteCoordinator c, OutcomeHistory h, ParticipantRegistry r, LockService l) {
        this.locks = l;
        this.history = h;
        this.registry = r;
        this.coordinator = c;
    }

    /** The operator's routes; set before {@link #ready}. */
    void attention(Attention a) {
        this.attention = a;
    }

    /** With a shared store; set before {@link #ready}. */
    void otherNodes(OtherNodes o) {
        this.otherNodes = o;
    }

    void recovered() {
        this.recovered = true;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        try {
            if (path.equals("/health")) {
                if (!method.equals("GET")) {
                    return send(response, callback, 405, error("use GET /health"));
                }
                return health(response, callback);
            }
            boolean participants = path.equals(PARTICIPANTS) || path.startsWith(PARTICIPANTS + "/");
            boolean lock = path.startsWith(LOCKS + "/");
            if (!participants && !lock && !path.equals(TRANSACTIONS) && !path.startsWith(TRANSACTIONS + "/")) {
                return send(response, callback, 404, error("no such resource: " + path + "; the API is under "
                        + TRANSACTIONS + ", " + PARTICIPANTS + " and " + LOCKS + " (see docs/http-api.md)"));
            }
            if (!authorized(request)) {
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"dtc\"");
                return send(response, callback, 401, error("missing or wrong bearer token: send the header"
                        + " 'Authorization: Bearer <token>' with the token this coordinator was started with"));
            }
            RemoteCoordinator c = coordinator;
            if (c == null) {
                response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
                return send(response, callback, 503, error("the coordinator is starting: it is reading its decision"
                        + " log; ask again shortly"));
            }
            if (lock) {
                return lock(request, response, callback, path.substring(LOCKS.length() + 1), method);
            }
            if (participants) {
                try {
                    return registry(request, response, callback, path, method);
                } catch (IOException e) {
                    LOG.error("{} {}: the registry could not be written", method, path, e);
                    return send(response, callback, 503, error("the registry could not be written durably ("
                            + e.getMessage() + "); nothing changed, retry"));
                }
            }
            if (path.equals(TRANSACTIONS) && method.equals("GET")) {
                return attention.list(request, response, callback); // operator: what needs attention
            }
            if (path.startsWith(TRANSACTIONS + "/") && path.endsWith(Attention.RESOLVE)) {
                return attention.resolve(request, response, callback, path.substring(TRANSACTIONS.length() + 1,
                        path.length() - Attention.RESOLVE.length()), method);
            }
            if (path.equals(TRANSACTIONS)) {
                if (!method.equals("POST")) {
                    response.getHeaders().put(HttpHeader.ALLOW, "GET, POST");
                    return send(response, callback, 405, error("use POST " + TRANSACTIONS + " to run a transaction,"
                            + " GET " + TRANSACTIONS + "?state=in-doubt|heuristic|pending to list those that need"
                            + " attention"));
                }
                return begin(c, request, response, callback);
            }
            String id = path.substring(TRANSACTIONS.length() + 1);
            String action = null;
            int slash = id.indexOf('/');
            if (slash >= 0) {
                action = id.substring(slash + 1);
                id = id.substring(0, slash);
                if (!OPEN_ACTIONS.contains(action)) {
                    return send(response, callback, 404, error("no such resource: " + path + "; under " + TRANSACTIONS
                            + "/{id} there are /participants, /commit, /rollback and /resolve (see docs/http-api.md)"));
                }
                if (!method.equals("POST")) {
                    response.getHeaders().put(HttpHeader.ALLOW, "POST");
                    return send(response, callback, 405, error("use POST " + TRANSACTIONS + "/{id}/" + action));
                }
            } else if (!method.equals("GET")) {
                response.getHeaders().put(HttpHeader.ALLOW, "GET");
                return send(response, callback, 405, error("use GET " + TRANSACTIONS + "/{id} to read a transaction"));
            }
            if (!TX_ID.matcher(id).matches()) {
                return send(response, callback, 400, error("'" + truncate(id) + "' is not a transaction id (1 to 64"
                        + " characters of A-Z a-z 0-9 . _ ~ -)"));
            }
            if (!id.startsWith(nodeName + "~") && otherNodes != null) {
                return otherNodes.handle(request, response, callback, id, action, history, c.views());
            }
            if (!id.startsWith(nodeName + "~")) {
                // Another coordinator's id: this one cannot know its outcome, and "presumed rolled back" could
                // be a lie about a transaction that committed there.
                return send(response, callback, 421, error("transaction " + id + " was not begun by this coordinator"
                        + " (node " + nodeName + "); ask the coordinator whose node name starts the id"));
            }
            if (action != null) {
                return openAction(c, request, response, callback, id, action);
            }
            ObjectNode view = c.view(id);
            return view != null ? send(response, callback, 200, view) : send(response, callback, 404, c.unknown(id));
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", method, path, e);
            return send(response, callback, 500, error("internal error: " + e));
        }
    }

    private boolean health(Response response, Callback callback) {
        ObjectNode o = json.createObjectNode();
        o.put("node", nodeName);
        if (coordinator == null || !recovered) {
            o.put("status", "STARTING");
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
            return send(response, callback, 503, o);
        }
        String refusal = coordinator.refusal();
        if (refusal != null) {
            o.put("status", "LEASE_LOST");
            o.put("error", refusal);
            return send(response, callback, 503, o);
        }
        o.put("status", "UP");
        return send(response, callback, 200, o);
    }

    private boolean begin(RemoteCoordinator c, Request request, Response response, Callback callback) {
        String refusal = c.refusal();
        if (refusal != null) {
            return send(response, callback, 503, error(refusal + "; send the transaction to another coordinator"));
        }
        String key = request.getHeaders().get("Idempotency-Key");
        if (key != null && !KEY.matcher(key).matches()) {
            return send(response, callback, 400, error("the Idempotency-Key header must be 1 to 200 printable ASCII"
                    + " characters without spaces"));
        }
        byte[] body;
        try {
            body = readBody(request);
        } catch (TooLarge e) {
            return send(response, callback, 400, error("the body is larger than " + maxBodyBytes + " bytes"
                    + " (--max-body-bytes); send smaller payloads"));
        } catch (IOException e) {
            return send(response, callback, 400, error("could not read the body: " + e.getMessage()));
        }
        JsonNode tree;
        try {
            tree = json.readTree(body);
        } catch (IOException e) {
            return send(response, callback, 400, error("the body is not valid JSON: " + firstLine(e.getMessage())));
        }
        if (tree != null && tree.isObject() && tree.has("open")) {
            return beginOpen(c, key, tree, trace(request), response, callback);
        }
        TransactionRequest req;
        try {
            req = TransactionRequest.parse(tree, maxParticipants, this::registered);
        } catch (TransactionRequest.Invalid e) {
            return send(response, callback, 400, error(e.getMessage()));
        }
        RemoteTransaction t = c.create(req, trace(request));
        StringBuilder accepted = new StringBuilder("accepted: ").append(req.participants().size())
                .append(" participant(s), timeout ").append(req.timeoutMs()).append(" ms");
        if (key != null) {
            String hash = sha256(tree);
            // known before the key is claimed: a duplicate arriving right after the claim must find it running
            c.track(t);
            OutcomeHistory.Accepted prior = history.claim(key, hash, t.id());
            if (prior != null) {
                c.untrack(t);
                return replay(c, key, hash, prior, req, response, callback);
            }
            try {
                history.accept(key, hash, t.id()).get();
            } catch (InterruptedException | ExecutionException e) {
                history.release(key, t.id());
                c.untrack(t);
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                return send(response, callback, 503, error("could not record the Idempotency-Key durably: " + e
                        + "; nothing was started, retry"));
            }
            accepted.append(", Idempotency-Key ").append(key);
        }
        c.run(t, req, accepted.toString());
        ObjectNode answer = c.answerOf(t);
        if (t.outcome() == RemoteTransaction.Outcome.IN_PROGRESS) {
            answer.put("error", "the outcome is not known yet: " + t.reason() + "; ask GET " + TRANSACTIONS + "/"
                    + t.id() + " later");
            return send(response, callback, 500, answer);
        }
        return send(response, callback, 200, answer);
    }

    /** {@code POST /v1/transactions {"open": true, "timeoutMs": N}}: begins a transaction that services join. */
    private boolean beginOpen(RemoteCoordinator c, String key, JsonNode tree, TraceContext trace, Response response,
                              Callback callback) {
        for (java.util.Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("open") && !f.equals("timeoutMs")) {
                return send(response, callback, 400, error("an open transaction is begun with {\"open\": true,"
                        + " \"timeoutMs\": 30000} only; \"" + f + "\" is not allowed (participants join it with"
                        + " POST " + TRANSACTIONS + "/{id}/participants)"));
            }
        }
        if (!tree.get("open").isBoolean() || !tree.get("open").asBoolean()) {
            return send(response, callback, 400, error("\"open\" must be true to begin an open transaction; leave it"
                    + " out to run a transaction with its participants in one request"));
        }
        if (key != null) {
            return send(response, callback, 400, error("Idempotency-Key is for one-shot transactions; an open"
                    + " transaction is made safe to retry by its commit: send the request without the header"));
        }
        long timeout = TransactionRequest.DEFAULT_TIMEOUT_MS;
        JsonNode t = tree.get("timeoutMs");
        if (t != null) {
            if (!t.isIntegralNumber() || !t.canConvertToLong() || t.asLong() < 1
                    || t.asLong() > TransactionRequest.MAX_TIMEOUT_MS) {
                return send(response, callback, 400, error("\"timeoutMs\" must be a whole number of milliseconds"
                        + " from 1 to " + TransactionRequest.MAX_TIMEOUT_MS + ", was: " + t));
            }
            timeout = t.asLong();
        }
        RemoteTransaction tx = c.begin(timeout, trace);
        response.getHeaders().put(HttpHeader.LOCATION, TRANSACTIONS + "/" + tx.id());
        return send(response, callback, 201, c.answerOf(tx));
    }

    /** {@code POST /v1/transactions/{id}/participants|commit|rollback} on an open transaction. */
    private boolean openAction(RemoteCoordinator c, Request request, Response response, Callback callback, String id,
                               String action) {
        JsonNode body;
        try {
            byte[] bytes = readBody(request);
            body = bytes.length == 0 ? null : json.readTree(bytes);
        } catch (TooLarge e) {
            return send(response, callback, 400, error("the body is larger than " + maxBodyBytes + " bytes"));
        } catch (IOException e) {
            return send(response, callback, 400, error("the body is not valid JSON: " + firstLine(e.getMessage())));
        }
        ParticipantAddress joining = null;
        if (action.equals("participants")) {
            if (body == null || !body.isObject()) {
                return send(response, callback, 400, error("the body must be a JSON object: {\"name\": \"inventory\","
                        + " \"url\": \"http://...\"} (url may be left out for a registered participant)"));
            }
            try {
                joining = TransactionRequest.joining(body, this::registered);
            } catch (TransactionRequest.Invalid e) {
                return send(response, callback, 400, error(e.getMessage()));
            }
        } else if (action.equals("rollback") && body != null && body.isObject() && body.size() == 1
                && body.has("reason")) {
            if (!body.get("reason").isTextual() || body.get("reason").asText().isBlank()
                    || body.get("reason").asText().length() > 1000) {
                return send(response, callback, 400, error("\"reason\" must be a string of 1 to 1000 characters"
                        + " saying why the client rolls back"));
            }
        } else if (body != null && !(body.isObject() && body.isEmpty())) {
            return send(response, callback, 400, error(action.equals("rollback")
                    ? "rollback takes no body, {} or {\"reason\": \"...\"}" : action + " takes no body (or {})"));
        }
        RemoteTransaction t = c.running(id);
        if (t != null && !t.isOpen()) {
            return send(response, callback, 409, error("transaction " + id + " was not begun open: it finishes by"
                    + " itself; only transactions begun with {\"open\": true} take " + action));
        }
        if (t == null) {
            ObjectNode view = c.view(id);
            if (view == null) {
                return send(response, callback, 404, c.unknown(id)); // never begun, or lost in a restart
            }
            // it ended long enough ago to have left memory: only its outcome is left
            String wanted = action.equals("commit") ? "COMMITTED" : "ROLLED_BACK";
            if (!action.equals("participants") && view.path("outcome").asText().equals(wanted)) {
                return send(response, callback, 200, view);
            }
            view.put("error", "transaction " + id + " has ended " + view.path("outcome").asText()
                    + (action.equals("participants") ? ": too late to join" : ": cannot " + action + " it"));
            return send(response, callback, 409, view);
        }
        if (!action.equals("participants")) {
            // the client's context, if the request that began the transaction carried none
            t.clientTrace().keep(trace(request));
        }
        RemoteCoordinator.Answer a = switch (action) {
            case "participants" -> c.join(t, joining, maxParticipants);
            case "commit" -> c.commitOpen(t);
            default -> c.rollbackOpen(t, body == null || !body.has("reason") ? null : body.get("reason").asText());
        };
        return send(response, callback, a.status(), a.body());
    }

    /** A participant named in a transaction without a URL: its registration, if it is live. */
    private ParticipantAddress registered(String name) throws TransactionRequest.Invalid {
        ParticipantRegistry.Entry e = registry.get(name);
        if (e == null) {
            throw new TransactionRequest.Invalid("participant '" + name + "' has no \"url\" and is not registered;"
                    + " give its url, or register it first (PUT " + PARTICIPANTS + "/" + name + ")");
        }
        if (e.expired(registry.now())) {
            throw new TransactionRequest.Invalid("the registration of participant '" + name + "' expired at "
                    + e.expiresAt() + " (not renewed within its ttlMs of " + e.registration().ttlMs() + "); the"
                    + " service must renew it (PUT " + PARTICIPANTS + "/" + name + "), or give its url");
        }
        return ParticipantAddress.parse(name, e.registration().url());
    }

    /** {@code POST|GET|DELETE /v1/locks/{name}}, {@code POST /v1/locks/{name}/renew}. */
    private boolean lock(Request request, Response response, Callback callback, String rest, String method) {
        boolean renew = rest.endsWith("/renew");
        String name = renew ? rest.substring(0, rest.length() - "/renew".length()) : rest;
        if (!LOCK_NAME.matcher(name).matches()) {
            return send(response, callback, 400, error("'" + truncate(name) + "' is not a lock name (1 to 128"
                    + " characters of A-Z a-z 0-9 . _ ~ -)"));
        }
        if (method.equals("GET") && !renew) {
            LockService.View v = locks.view(name);
            ObjectNode o = json.createObjectNode();
            o.put("name", name);
            if (v.holder() != null) {
                o.put("holder", v.holder());
                o.put("token", v.token());
                o.put("expiresAt", v.expiresAt().toString());
            }
            o.put("waiters", v.waiters());
            return send(response, callback, 200, o);
        }
        if (!(method.equals("POST") || method.equals("DELETE") && !renew)) {
            response.getHeaders().put(HttpHeader.ALLOW, renew ? "POST" : "POST, GET, DELETE");
            return send(response, callback, 405, error(renew ? "use POST " + LOCKS + "/{name}/renew"
                    : "use POST (acquire), GET or DELETE (release) on " + LOCKS + "/{name}"));
        }
        JsonNode body;
        try {
            body = json.readTree(readBody(request));
        } catch (TooLarge e) {
            return send(response, callback, 400, error("the body is larger than " + maxBodyBytes + " bytes"));
        } catch (IOException e) {
            return send(response, callback, 400, error("the body is not valid JSON: " + firstLine(e.getMessage())));
        }
        java.util.Set<String> fields = renew ? java.util.Set.of("owner", "token", "ttlMs")
                : method.equals("DELETE") ? java.util.Set.of("owner", "token") : java.util.Set.of("owner", "ttlMs", "waitMs");
        if (body == null || !body.isObject()) {
            return send(response, callback, 400, error("the body must be a JSON object with " + fields));
        }
        for (java.util.Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!fields.contains(f)) {
                return send(response, callback, 400, error("unknown field \"" + f + "\"; the fields are " + fields));
            }
        }
        JsonNode ownerNode = body.get("owner");
        if (ownerNode == null || !ownerNode.isTextual() || !OWNER.matcher(ownerNode.asText()).matches()) {
            return send(response, callback, 400, error("\"owner\" is required: 1 to 200 printable ASCII characters"
                    + " without spaces that name the holder (e.g. host:pid:thread)"));
        }
        String owner = ownerNode.asText();
        long ttl = 0;
        if (!method.equals("DELETE")) {
            JsonNode t = body.get("ttlMs");
            if (t == null || !t.isIntegralNumber() || t.asLong() < 100 || t.asLong() > 3_600_000) {
                return send(response, callback, 400, error("\"ttlMs\" is required: the lease in milliseconds, 100 to"
                        + " 3600000"));
            }
            ttl = t.asLong();
        }
        long token = 0;
        if (renew || method.equals("DELETE")) {
            JsonNode t = body.get("token");
            if (t == null || !t.isIntegralNumber() || t.asLong() < 1) {
                return send(response, callback, 400, error("\"token\" is required: the fencing token the lock was"
                        + " granted with"));
            }
            token = t.asLong();
        }
        try {
            if (renew) {
                return send(response, callback, 200, grant(locks.renew(name, owner, token, ttl)));
            }
            if (method.equals("DELETE")) {
                locks.release(name, owner, token);
                response.setStatus(204);
                callback.succeeded();
                return true;
            }
        } catch (LockService.Refused r) {
            return send(response, callback, 409, refused(r));
        }
        JsonNode w = body.get("waitMs");
        if (w != null && (!w.isIntegralNumber() || w.asLong() < 0 || w.asLong() > 600_000)) {
            return send(response, callback, 400, error("\"waitMs\" must be 0 to 600000 milliseconds (0: do not wait)"));
        }
        long waitMs = w == null ? 0 : w.asLong();
        java.util.concurrent.CompletableFuture<LockService.Grant> answer = locks.acquire(name, owner, ttl, waitMs);
        if (answer.isDone()) {
            answerLock(response, callback, name, answer); // granted or refused at once: on this thread
            return true;
        }
        // A waiter holds no thread, only this request's callback: it is answered from the thread that frees the
        // lock (a release, an expiry, its own wait running out); see answerWaiter and sendFromElsewhere.
        answer.whenComplete((g, e) -> answerWaiter(response, callback, name, owner, g, e));
        return true;
    }

    private void answerLock(Response response, Callback callback, String name,
                            java.util.concurrent.CompletableFuture<LockService.Grant> done) {
        try {
            answerLock(response, callback, name, done.join(), null);
        } catch (java.util.concurrent.CompletionException e) {
            answerLock(response, callback, name, null, e.getCause());
        }
    }

    private void answerLock(Response response, Callback callback, String name, LockService.Grant g, Throwable e) {
        answerLock(response, callback, name, g, e, false);
    }

    private void answerLock(Response response, Callback callback, String name, LockService.Grant g, Throwable e,
                            boolean elsewhere) {
        int status;
        ObjectNode body;
        if (e == null) {
            status = 200;
            body = grant(g);
        } else if (e instanceof LockService.Refused r) {
            status = 409;
            body = refused(r);
        } else {
            LOG.error("lock {}: could not grant", name, e);
            status = 503;
            body = error("could not make the fencing token durable: " + e.getMessage());
        }
        if (elsewhere) {
            sendFromElsewhere(response, callback, status, body);
        } else {
            send(response, callback, status, body);
        }
    }

    /**
     * Answers a request parked by a handler that has returned, from another thread, and closes its connection.
     * Jetty 12 (12.1.14) can complete an exchange twice when its last write is made from a foreign thread and the
     * client sends its next request on the same connection at once (jetty/jetty.project#14745): the answer is
     * lost, the next request on that connection is answered with a stale state, and a granted lock stays with a
     * client that never heard of it until its lease runs out. A closed connection has no next request; the cost
     * is one new connection per request that waited.
     */
    private void sendFromElsewhere(Response response, Callback callback, int status, ObjectNode body) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (IOException x) {
            bytes = "{\"error\":\"could not encode the answer\"}".getBytes(StandardCharsets.UTF_8);
            status = 500;
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.write(true, java.nio.ByteBuffer.wrap(bytes), callback);
    }

    /**
     * Answers a request that waited. A grant is released again if its answer cannot be written, or is not
     * confirmed written within a few seconds (the client is gone, or the write was lost): a lock granted to
     * nobody who knows it would stay taken for its whole lease, and every waiter behind it with it.
     */
    private void answerWaiter(Response response, Callback callback, String name, String owner, LockService.Grant g,
                              Throwable e) {
        if (g == null) {
            answerLock(response, callback, name, null, e, true);
            return;
        }
        java.util.concurrent.atomic.AtomicBoolean settled = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable undo = () -> {
            if (settled.compareAndSet(false, true)) {
                try {
                    locks.release(name, owner, g.token());
                    LOG.warn("lock {}: the grant to {} (token {}) could not be delivered; released", name, owner,
                            g.token());
                } catch (LockService.Refused gone) {
                    // renewed or released by its holder meanwhile: it did hear of it
                }
            }
        };
        Callback delivered = Callback.from(() -> {
            settled.set(true);
            callback.succeeded();
        }, x -> {
            undo.run();
            callback.failed(x);
        });
        locks.later(() -> {
            if (!settled.get()) {
                undo.run();
            }
        }, DELIVERY_NANOS);
        try {
            sendFromElsewhere(response, delivered, 200, grant(g));
        } catch (RuntimeException x) {
            undo.run();
            LOG.warn("lock {}: writing the grant to {} failed: {}", name, owner, x.toString());
        }
    }

    /** A grant to a waiter not confirmed written within this is released. */
    static final long DELIVERY_NANOS = 5_000_000_000L;

    private ObjectNode grant(LockService.Grant g) {
        ObjectNode o = json.createObjectNode();
        o.put("name", g.name());
        o.put("owner", g.owner());
        o.put("token", g.token());
        o.put("expiresAt", g.expiresAt().toString());
        return o;
    }

    private ObjectNode refused(LockService.Refused r) {
        ObjectNode o = error(r.getMessage());
        if (r.holder != null) {
            o.put("holder", r.holder);
            o.put("expiresAt", r.expiresAt.toString());
        }
        return o;
    }

    /** {@code PUT|DELETE /v1/participants/{name}}, {@code GET /v1/participants}. */
    private boolean registry(Request request, Response response, Callback callback, String path, String method)
            throws IOException {
        if (path.equals(PARTICIPANTS)) {
            if (!method.equals("GET")) {
                response.getHeaders().put(HttpHeader.ALLOW, "GET");
                return send(response, callback, 405, error("use GET " + PARTICIPANTS + " to list the registrations,"
                        + " PUT or DELETE " + PARTICIPANTS + "/{name} to change one"));
            }
            ObjectNode o = json.createObjectNode();
            com.fasterxml.jackson.databind.node.ArrayNode ps = o.putArray("participants");
            java.time.Instant now = registry.now();
            for (ParticipantRegistry.Entry e : registry.list()) {
                ps.add(registration(e, now));
            }
            return send(response, callback, 200, o);
        }
        String name = path.substring(PARTICIPANTS.length() + 1);
        if (!ParticipantAddress.NAME.matcher(name).matches()) {
            return send(response, callback, 400, error("'" + truncate(name) + "' is not a participant name (1 to 64"
                    + " characters of A-Z a-z 0-9 . _ -)"));
        }
        switch (method) {
            case "PUT" -> {
                byte[] body;
                try {
                    body = readBody(request);
                } catch (TooLarge e) {
                    return send(response, callback, 400, error("the body is larger than " + maxBodyBytes + " bytes"));
                }
                JsonNode tree;
                try {
                    tree = json.readTree(body);
                } catch (IOException e) {
                    return send(response, callback, 400, error("the body is not valid JSON: " + firstLine(e.getMessage())));
                }
                if (tree == null || !tree.isObject()) {
                    return send(response, callback, 400, error("the body must be a JSON object: {\"url\": \"http://...\","
                            + " \"ttlMs\": 30000}"));
                }
                for (java.util.Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
                    String f = it.next();
                    if (!f.equals("url") && !f.equals("ttlMs")) {
                        return send(response, callback, 400, error("unknown field \"" + f + "\"; the fields are"
                                + " \"url\" and \"ttlMs\""));
                    }
                }
                JsonNode url = tree.get("url");
                if (url == null || !url.isTextual()) {
                    return send(response, callback, 400, error("\"url\" is required: the base URL the coordinator"
                            + " calls (http:// or https://)"));
                }
                try {
                    ParticipantAddress.parse(name, url.asText());
                } catch (IllegalArgumentException e) {
                    return send(response, callback, 400, error(e.getMessage()));
                }
                Long ttl = null;
                JsonNode t = tree.get("ttlMs");
                if (t != null && !t.isNull()) {
                    if (!t.isIntegralNumber() || !t.canConvertToLong() || t.asLong() < MIN_TTL_MS
                            || t.asLong() > MAX_TTL_MS) {
                        return send(response, callback, 400, error("\"ttlMs\" must be a whole number of milliseconds"
                                + " from " + MIN_TTL_MS + " to " + MAX_TTL_MS + ", or left out for a registration"
                                + " that lives until deleted; was: " + t));
                    }
                    ttl = t.asLong();
                }
                ParticipantRegistry.Put put = registry.put(name, url.asText(), ttl);
                LOG.info("participant {} {} -> {} (ttl {})", name, put.created() ? "registered" : "renewed",
                        url.asText(), ttl == null ? "none" : ttl + " ms");
                return send(response, callback, put.created() ? 201 : 200, registration(put.entry(), registry.now()));
            }
            case "DELETE" -> {
                if (!registry.remove(name)) {
                    return send(response, callback, 404, error("participant '" + name + "' is not registered"));
                }
                LOG.info("participant {} deregistered", name);
                response.setStatus(204);
                callback.succeeded();
                return true;
            }
            case "GET" -> {
                ParticipantRegistry.Entry e = registry.get(name);
                return e == null ? send(response, callback, 404, error("participant '" + name + "' is not registered"))
                        : send(response, callback, 200, registration(e, registry.now()));
            }
            default -> {
                response.getHeaders().put(HttpHeader.ALLOW, "GET, PUT, DELETE");
                return send(response, callback, 405, error("use PUT, GET or DELETE on " + PARTICIPANTS + "/{name}"));
            }
        }
    }

    private ObjectNode registration(ParticipantRegistry.Entry e, java.time.Instant now) {
        ObjectNode p = json.createObjectNode();
        p.put("name", e.registration().name());
        p.put("url", e.registration().url());
        if (e.registration().ttlMs() == null) {
            p.putNull("ttlMs");
        } else {
            p.put("ttlMs", e.registration().ttlMs());
        }
        p.put("registeredAt", e.registration().registeredAt().toString());
        p.put("lastRenewal", e.lastRenewal().toString());
        if (e.expiresAt() != null) {
            p.put("expiresAt", e.expiresAt().toString());
        }
        p.put("state", e.expired(now) ? "EXPIRED" : "ACTIVE");
        return p;
    }

    /** A request with an Idempotency-Key seen before: the first request's transaction, never a second one. */
    private boolean replay(RemoteCoordinator c, String key, String hash, OutcomeHistory.Accepted prior,
                           TransactionRequest req, Response response, Callback callback) {
        if (!prior.hash().equals(hash)) {
            return send(response, callback, 409, error("Idempotency-Key '" + key + "' was used for transaction "
                    + prior.id() + " with a different body; use a new key for a new transaction"));
        }
        RemoteTransaction running = c.running(prior.id());
        if (running != null) {
            try {
                running.whenAnswered().get(req.timeoutMs() + 30_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // answer with what is known now
            }
        }
        ObjectNode view = c.view(prior.id());
        if (view == null && !prior.id().startsWith(nodeName + "~")) {
            // with a shared store the key may be another coordinator's, its transaction still running there:
            // "presumed rolled back" could be a lie, so the client is told to ask again
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
            return send(response, callback, 503, error("Idempotency-Key '" + key + "' started transaction "
                    + prior.id() + " on another coordinator and its outcome is not recorded yet; retry, or ask"
                    + " GET " + TRANSACTIONS + "/" + prior.id() + " there"));
        }
        if (view == null) {
            view = c.unknown(prior.id());
            view.remove("error");
        }
        view.put("replayed", true);
        return send(response, callback, 200, view);
    }

    private static final class TooLarge extends IOException {
        TooLarge() {
            super(null, null);
        }
    }

    private byte[] readBody(Request request) throws IOException {
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] b = in.readNBytes(maxBodyBytes + 1);
            if (b.length > maxBodyBytes) {
                // Read (and drop) a moderate excess so the client, still sending, gets to read the 400; a huge
                // body is cut off with the connection.
                in.skipNBytes(Math.min(Math.max(0, request.getLength() - b.length), 16L << 20));
                throw new TooLarge();
            }
            Replies.bodyRead(request);
            return b;
        } catch (java.io.EOFException e) {
            throw new TooLarge();
        }
    }

    /**
     * The W3C trace context of a client's request, or null: absent and malformed are alike (a malformed header is
     * ignored, never refused).
     */
    private static TraceContext trace(Request request) {
        return TraceContext.fromHeaders(request.getHeaders().getValuesList(TraceContext.TRACEPARENT),
                request.getHeaders().getValuesList(TraceContext.TRACESTATE));
    }

    private boolean authorized(Request request) {
        String h = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        // the scheme name is case-insensitive (RFC 9110 section 11.1); the token is not
        if (h == null || h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        // constant time: the comparison must not tell an attacker how much of a guess was right
        return MessageDigest.isEqual(h.substring(7).strip().getBytes(StandardCharsets.UTF_8), expectedToken);
    }

    private String sha256(JsonNode tree) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(d.digest(json.writeValueAsBytes(tree)));
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private ObjectNode error(String message) {
        return Replies.error(json, message);
    }

    private boolean send(Response response, Callback callback, int status, ObjectNode body) {
        return Replies.send(json, response, callback, status, body);
    }

    private static String truncate(String s) {
        return Replies.truncate(s);
    }

    private static String firstLine(String s) {
        return Replies.firstLine(s);
    }
}
