package dev.dtc.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dtc.audit.AuditEvent;
import dev.dtc.audit.AuditListener;
import dev.dtc.audit.EventType;
import dev.dtc.internal.engine.Engine;
import dev.dtc.internal.twopc.Decisions;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's routes: {@code GET /v1/transactions[?state=pending|in-doubt|heuristic]} lists the transactions that
 * need attention, {@code POST /v1/transactions/{id}/resolve} ends a heuristic or in-doubt one that an operator has
 * reconciled by hand. The three states are disjoint, and a transaction is in one of them only while the engine
 * holds it (in flight, or an open decision in the log):
 * <ul>
 *   <li><b>pending</b>: begun and not yet decided (phase 1 runs);</li>
 *   <li><b>in-doubt</b>: a commit decision is in the log, its {@code POST} has been answered (or an earlier process
 *       decided it), and some participant has not acknowledged its commit (retried, then driven by recovery);</li>
 *   <li><b>heuristic</b>: a participant decided on its own against the outcome (a HEURISTIC record in the log),
 *       kept until an operator resolves it.</li>
 * </ul>
 * A resolution is written to the outcome history (forced) first, then to the audit trail (RESOLVED), then ends the
 * transaction in the log (END), so that {@code GET} never answers the presumed-abort 404 for it.
 */
final class Attention implements AuditListener {
    private static final Logger LOG = LoggerFactory.getLogger(Attention.class);
    static final String RESOLVE = "/resolve";
    static final int MAX_REASON = 1_000;

    /** The states of the list, by the name the API uses. */
    enum State {
        PENDING("pending"), IN_DOUBT("in-doubt"), HEURISTIC("heuristic");

        final String label;

        State(String label) {
            this.label = label;
        }

        static State of(String label) {
            for (State s : values()) {
                if (s.label.equals(label)) {
                    return s;
                }
            }
            return null;
        }
    }

    private static final String STATES = "state=in-doubt, state=heuristic or state=pending (or no query for all"
            + " three)";

    private final Engine engine;
    private final RemoteCoordinator coordinator;
    private final OutcomeHistory history;
    private final ObjectMapper json;
    private final String nodeName;
    private final int maxBodyBytes;
    /** What participants reported as heuristic, per transaction and branch: from the HEURISTIC audit events. */
    private final Map<String, Map<String, String>> heuristics = new ConcurrentHashMap<>();

    Attention(Engine engine, RemoteCoordinator coordinator, OutcomeHistory history, ObjectMapper json,
              String nodeName, int maxBodyBytes) {
        this.engine = engine;
        this.coordinator = coordinator;
        this.history = history;
        this.json = json;
        this.nodeName = nodeName;
        this.maxBodyBytes = maxBodyBytes;
        engine.audit().addListener(this);
    }

    @Override
    public void onEvent(AuditEvent e) {
        if (e.type() == EventType.HEURISTIC && e.txId() != null) {
            heuristics.computeIfAbsent(e.txId(), k -> new LinkedHashMap<>())
                    .put(e.branch() == null ? "" : e.branch(), e.detail() == null ? "" : e.detail());
        } else if (e.type() == EventType.END && e.txId() != null) {
            heuristics.remove(e.txId());
        }
    }

    /** The state a transaction is in, or null when it needs no attention (unknown, or finished). */
    State classify(String id) {
        Decisions.Decision d = engine.decisions().get(id);
        if (d != null && d.heuristic()) {
            return State.HEURISTIC;
        }
        RemoteTransaction t = coordinator.running(id);
        if (d != null && d.commit() && !d.unfinished().isEmpty() && (t == null || t.whenAnswered().isDone())) {
            return State.IN_DOUBT;
        }
        if (engine.inFlight().containsKey(id)) {
            return State.PENDING;
        }
        return null;
    }

    /** {@code GET /v1/transactions}, with an optional {@code state} query parameter. */
    boolean list(Request request, Response response, Callback callback) {
        Set<State> wanted;
        try {
            wanted = wanted(request.getHttpURI().getQuery());
        } catch (IllegalArgumentException e) {
            return send(response, callback, 400, error(e.getMessage()));
        }
        Set<String> ids = new TreeSet<>(engine.inFlight().keySet());
        for (Decisions.Decision d : engine.decisions().all()) {
            ids.add(d.txId());
        }
        List<ObjectNode> entries = new ArrayList<>();
        for (State s : State.values()) {
            if (!wanted.contains(s)) {
                continue;
            }
            for (String id : ids) {
                if (classify(id) == s) {
                    entries.add(entry(id, s));
                }
            }
        }
        ObjectNode o = json.createObjectNode();
        ArrayNode states = o.putArray("states");
        wanted.forEach(s -> states.add(s.label));
        ArrayNode ts = o.putArray("transactions");
        entries.forEach(ts::add);
        return send(response, callback, 200, o);
    }

    private static Set<State> wanted(String query) {
        if (query == null || query.isEmpty()) {
            return java.util.EnumSet.allOf(State.class);
        }
        State state = null;
        for (String part : query.split("&", -1)) {
            int eq = part.indexOf('=');
            String name = decode(eq < 0 ? part : part.substring(0, eq));
            String value = eq < 0 ? null : decode(part.substring(eq + 1));
            if (!name.equals("state")) {
                throw new IllegalArgumentException("unknown query parameter '" + truncate(name) + "'; the only one is"
                        + " state: give " + STATES);
            }
            if (state != null) {
                throw new IllegalArgumentException("give state once: " + STATES);
            }
            state = value == null ? null : State.of(value);
            if (state == null) {
                throw new IllegalArgumentException("unknown state '" + truncate(String.valueOf(value)) + "'; give "
                        + STATES);
            }
        }
        return java.util.EnumSet.of(state);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the query is not URL-encoded correctly: " + e.getMessage());
        }
    }

    /** One transaction of the list: its view without the events, with its state and what participants reported. */
    private ObjectNode entry(String id, State state) {
        ObjectNode view = viewOf(id);
        ObjectNode e = json.createObjectNode();
        e.put("id", id);
        e.put("state", state.label);
        for (Iterator<Map.Entry<String, JsonNode>> it = view.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getKey().equals("id") && !f.getKey().equals("events")) {
                e.set(f.getKey(), f.getValue());
            }
        }
        Map<String, String> reported = heuristics.get(id);
        if (state == State.HEURISTIC && reported != null) {
            ArrayNode hs = e.putArray("heuristics");
            reported.forEach((branch, detail) -> {
                ObjectNode h = hs.addObject();
                String name = participantOf(id, branch);
                if (name != null) {
                    h.put("participant", name);
                    for (JsonNode p : e.withArray("participants")) {
                        if (p instanceof ObjectNode po && name.equals(po.path("name").asText())) {
                            po.put("acknowledged", false);
                        }
                    }
                }
                h.put("detail", readable(id, detail));
            });
        }
        return e;
    }

    /** The transaction's answer as GET gives it; for a rolled-back heuristic whose answer is lost, what the log has. */
    private ObjectNode viewOf(String id) {
        ObjectNode v = coordinator.view(id);
        if (v != null) {
            return v.deepCopy();
        }
        Decisions.Decision d = engine.decisions().get(id);
        ObjectNode o = json.createObjectNode();
        o.put("id", id);
        o.put("outcome", d != null && d.commit() ? "COMMITTED" : "ROLLED_BACK");
        o.putArray("participants");
        o.put("phase2", "PENDING");
        o.putArray("events");
        return o;
    }

    /** The participant a branch (Xid text) belongs to, by name. */
    private String participantOf(String id, String branch) {
        RemoteTransaction t = coordinator.running(id);
        if (t != null) {
            for (HttpBranch b : t.branches()) {
                if (b.xid().toString().equals(branch)) {
                    return b.address().name();
                }
            }
        }
        Decisions.Decision d = engine.decisions().get(id);
        if (d != null) {
            for (Decisions.DecidedBranch b : d.branches()) {
                if (b.xid().toString().equals(branch)) {
                    ParticipantAddress a = ParticipantAddress.fromResourceName(b.resourceName());
                    return a == null ? b.resourceName() : a.name();
                }
            }
        }
        return null;
    }

    /** Engine details name branches by Xid; the operator knows participants by name. */
    private String readable(String id, String detail) {
        RemoteTransaction t = coordinator.running(id);
        if (t != null) {
            List<HttpBranch> bs = t.branches();
            for (int i = bs.size() - 1; i >= 0; i--) { // "id:1" is a prefix of "id:10"
                detail = detail.replace(bs.get(i).xid().toString(), bs.get(i).address().name());
            }
        }
        return detail;
    }

    /** {@code POST /v1/transactions/{id}/resolve}. */
    boolean resolve(Request request, Response response, Callback callback, String id, String method) {
        if (!method.equals("POST")) {
            response.getHeaders().put(HttpHeader.ALLOW, "POST");
            return send(response, callback, 405, error("use POST /v1/transactions/{id}/resolve with {\"outcome\":"
                    + " \"COMMITTED\"|\"ROLLED_BACK\", \"reason\": \"...\"}"));
        }
        if (!ApiHandler.TX_ID.matcher(id).matches()) {
            return send(response, callback, 400, error("'" + truncate(id) + "' is not a transaction id (1 to 64"
                    + " characters of A-Z a-z 0-9 . _ ~ -)"));
        }
        if (!id.startsWith(nodeName + "~")) {
            return send(response, callback, 421, error("transaction " + id + " was not begun by this coordinator"
                    + " (node " + nodeName + "); resolve it at the coordinator whose node name starts the id"));
        }
        Resolution r;
        try {
            r = parse(readBody(request));
        } catch (IllegalArgumentException e) {
            return send(response, callback, 400, error(e.getMessage()));
        }
        synchronized (this) { // one resolution at a time: a second one for the same id must see the first
            State state = classify(id);
            if (state != State.IN_DOUBT && state != State.HEURISTIC) {
                return refuse(id, state, response, callback);
            }
            ObjectNode answer = viewOf(id);
            String decided = answer.path("outcome").asText();
            Instant at = Instant.now();
            answer.put("outcome", r.outcome());
            answer.put("phase2", "RESOLVED");
            ObjectNode res = answer.putObject("resolution");
            res.put("outcome", r.outcome());
            res.put("reason", r.reason());
            res.put("at", at.toString());
            res.put("state", state.label);
            res.put("decided", decided);
            ObjectNode event = answer.withArray("events").addObject();
            event.put("at", at.toString());
            event.put("type", EventType.RESOLVED.name());
            event.put("detail", detail(r, state));
            try {
                history.record(id, answer).get(30, TimeUnit.SECONDS);
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                LOG.error("could not record the resolution of {}", id, e);
                return send(response, callback, 503, error("could not record the resolution durably (" + e
                        + "); the transaction is unchanged, retry"));
            }
            engine.audit().emit(EventType.RESOLVED, id, null, detail(r, state));
            boolean ended = state == State.HEURISTIC ? engine.recovery().forgetHeuristic(id)
                    : engine.recovery().endDecision(id);
            if (!ended) {
                // finished on its own between the check and now: the resolution recorded above is what GET shows
                LOG.warn("transaction {} ended on its own while an operator resolved it", id);
            }
            heuristics.remove(id);
            coordinator.resolved(id);
            return send(response, callback, 200, answer);
        }
    }

    private static String detail(Resolution r, State state) {
        return r.outcome() + " by an operator (was " + state.label + "): " + r.reason();
    }

    /** Why a transaction that is not in-doubt or heuristic cannot be resolved: 404 or 409. */
    private boolean refuse(String id, State state, Response response, Callback callback) {
        RemoteTransaction t = coordinator.running(id);
        if (state == State.PENDING || t != null && t.outcome() == RemoteTransaction.Outcome.IN_PROGRESS) {
            return send(response, callback, 409, error("transaction " + id + " is still running (phase 1, not yet"
                    + " decided): nothing to resolve; wait for its outcome (GET /v1/transactions/" + id + ")"));
        }
        if (engine.decisions().get(id) != null) {
            return send(response, callback, 409, error("transaction " + id + " is committing right now (the first"
                    + " attempt of phase 2 is under way): resolve it only if it is still listed under"
                    + " GET /v1/transactions?state=in-doubt"));
        }
        ObjectNode v = coordinator.view(id);
        if (v == null) {
            return send(response, callback, 404, error("no transaction " + id + " is known to this coordinator (never"
                    + " begun here, or past the retention period): there is nothing to resolve; list those that"
                    + " need it with GET /v1/transactions"));
        }
        JsonNode prior = v.get("resolution");
        if (prior != null) {
            return send(response, callback, 409, error("transaction " + id + " was already resolved at "
                    + prior.path("at").asText() + " as " + prior.path("outcome").asText() + " (" + prior.path("reason")
                    .asText() + "); nothing to resolve"));
        }
        return send(response, callback, 409, error("transaction " + id + " is finished (" + v.path("outcome").asText()
                + (v.has("phase2") ? ", phase2 " + v.get("phase2").asText() : "") + "): it needs no resolving."
                + " Only in-doubt and heuristic transactions (GET /v1/transactions) can be resolved"));
    }

    record Resolution(String outcome, String reason) {
    }

    private Resolution parse(byte[] body) {
        JsonNode tree;
        try {
            tree = json.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("the body is not valid JSON: " + firstLine(e.getMessage()));
        }
        String shape = "{\"outcome\": \"COMMITTED\"|\"ROLLED_BACK\", \"reason\": \"what you checked\"}";
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object: " + shape);
        }
        for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("outcome") && !f.equals("reason")) {
                throw new IllegalArgumentException("unknown field \"" + truncate(f) + "\"; the fields are \"outcome\""
                        + " and \"reason\"");
            }
        }
        JsonNode o = tree.get("outcome");
        if (o == null || !o.isTextual() || !(o.asText().equals("COMMITTED") || o.asText().equals("ROLLED_BACK"))) {
            throw new IllegalArgumentException("\"outcome\" is required: \"COMMITTED\" or \"ROLLED_BACK\", what the"
                    + " participants hold after you reconciled them" + (o == null ? "" : "; was: " + truncate(o.toString())));
        }
        JsonNode why = tree.get("reason");
        if (why == null || !why.isTextual() || why.asText().isBlank()) {
            throw new IllegalArgumentException("\"reason\" is required: a non-blank text that says what you checked"
                    + " and did (it goes to the audit trail and the transaction's answer)");
        }
        if (why.asText().length() > MAX_REASON) {
            throw new IllegalArgumentException("\"reason\" is longer than " + MAX_REASON + " characters");
        }
        return new Resolution(o.asText(), why.asText().strip());
    }

    private byte[] readBody(Request request) {
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] b = in.readNBytes(maxBodyBytes + 1);
            if (b.length > maxBodyBytes) {
                throw new IllegalArgumentException("the body is larger than " + maxBodyBytes + " bytes");
            }
            Replies.bodyRead(request);
            return b;
        } catch (IOException e) {
            throw new IllegalArgumentException("could not read the body: " + e.getMessage());
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
