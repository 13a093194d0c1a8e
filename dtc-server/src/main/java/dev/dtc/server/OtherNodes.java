package dev.dtc.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dtc.log.DecisionPayload;
import dev.dtc.log.LogRecord;
import dev.dtc.log.RecordType;
import dev.dtc.store.postgresql.Lease;
import dev.dtc.store.postgresql.PostgresStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With a shared store, answers requests about transactions another coordinator began (the node name starts the
 * id). Where that coordinator runs, the request is forwarded to it: it alone knows a transaction it is still
 * running. Where it does not (its lease was taken over, or released), nothing can decide that transaction any
 * more, and the shared store has the answer: a decision still being finished means COMMITTED, a recorded outcome
 * is that outcome, and nothing at all means it never committed (presumed abort). While a dead coordinator's lease
 * has run out but no one has taken it over yet, the answer is 503 with Retry-After: its transactions could still
 * be decided by it, should it only have been slow.
 */
final class OtherNodes {
    private static final Logger LOG = LoggerFactory.getLogger(OtherNodes.class);
    /** Set on a forwarded request, so that it is never forwarded again (no loops between coordinators). */
    static final String FORWARDED_BY = "Dtc-Forwarded-By";
    private static final List<String> FORWARDED_HEADERS = List.of("Authorization", "Content-Type", "Idempotency-Key",
            "Dtc-Timeout-Ms", "traceparent", "tracestate");

    private final PostgresStore store;
    private final ObjectMapper json;
    private final String nodeName;
    private final int maxBodyBytes;
    private final Duration forwardTimeout;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    OtherNodes(PostgresStore store, ObjectMapper json, String nodeName, int maxBodyBytes, Duration forwardTimeout) {
        this.store = store;
        this.json = json;
        this.nodeName = nodeName;
        this.maxBodyBytes = maxBodyBytes;
        this.forwardTimeout = forwardTimeout;
    }

    /**
     * Answers a request on another node's transaction.
     *
     * @param action null for {@code GET /v1/transactions/{id}}, else the open-transaction action
     * @param history where outcomes are kept (shared with every coordinator when the store is)
     */
    boolean handle(Request request, Response response, Callback callback, String id, String action,
                   OutcomeHistory history, Views views) {
        int tilde = id.indexOf('~');
        String owner = tilde > 0 ? id.substring(0, tilde) : null;
        Lease lease;
        try {
            lease = owner == null ? null : store.lease(owner);
        } catch (IOException e) {
            return unavailable(response, callback, "the shared store cannot be read (" + e.getMessage() + ")");
        }
        if (lease == null) {
            return send(response, callback, 421, error("transaction " + id + " was not begun by a coordinator of this"
                    + " store (no node " + owner + " has ever held a lease here); ask the coordinator whose node name"
                    + " starts the id"));
        }
        boolean ownerRuns = lease.holder() != null && lease.holder().startsWith(owner + "/");
        if (ownerRuns && !lease.expired()) {
            if (request.getHeaders().get(FORWARDED_BY) != null || lease.url() == null) {
                return unavailable(response, callback, "node " + owner + " runs transaction " + id + " and"
                        + (lease.url() == null ? " has no HTTP address" : " this request was already forwarded"));
            }
            return forward(request, response, callback, lease.url());
        }
        if (ownerRuns) {
            return unavailable(response, callback, "node " + owner + " stopped renewing its lease; another coordinator"
                    + " is about to take its transactions over");
        }
        // The owner's epoch is over: nothing can decide this transaction any more.
        ObjectNode answer;
        try {
            answer = settled(id, owner, history, views);
        } catch (IOException e) {
            return unavailable(response, callback, "the shared store cannot be read (" + e.getMessage() + ")");
        }
        String outcome = answer.path("outcome").asText();
        if (action == null) {
            return send(response, callback, answer.has("error") ? 404 : 200, answer);
        }
        answer.put("error", "transaction " + id + " can no longer take '" + action + "': node " + owner
                + ", which began it, stopped" + (outcome.equals("COMMITTED") ? " after deciding to commit it"
                : " before deciding, so it was rolled back"));
        return send(response, callback, 409, answer);
    }

    /** The answer for a transaction whose owner can no longer decide it. */
    private ObjectNode settled(String id, String owner, OutcomeHistory history, Views views) throws IOException {
        List<LogRecord> records = store.records(owner, id);
        for (LogRecord r : records) {
            if (r.type() == RecordType.DECISION) {
                return decided(id, owner, r);
            }
        }
        ObjectNode known = history.answer(id);
        if (known != null) {
            return known;
        }
        ObjectNode unknown = views.unknown(id);
        unknown.put("node", owner);
        return unknown;
    }

    /** A commit decision still being finished (by the owner's takeover). */
    private ObjectNode decided(String id, String owner, LogRecord decision) {
        ObjectNode o = json.createObjectNode();
        o.put("id", id);
        o.put("outcome", "COMMITTED");
        o.put("node", owner);
        ArrayNode ps = o.putArray("participants");
        for (DecisionPayload.Branch b : DecisionPayload.decode(decision.payload())) {
            ParticipantAddress a = ParticipantAddress.fromResourceName(b.resourceName());
            ObjectNode p = ps.addObject();
            p.put("name", a == null ? b.resourceName() : a.name());
            if (a != null) {
                p.put("url", a.url().toString());
            }
            p.put("vote", "COMMIT");
        }
        o.put("phase2", "PENDING");
        o.putArray("events");
        return o;
    }

    /** Sends the request on to the coordinator that owns the transaction and relays its answer as it is. */
    private boolean forward(Request request, Response response, Callback callback, String ownerUrl) {
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(request)) {
            body = in.readNBytes(maxBodyBytes + 1);
            Replies.bodyRead(request);
        } catch (IOException e) {
            return send(response, callback, 400, error("could not read the body: " + e.getMessage()));
        }
        if (body.length > maxBodyBytes) {
            return send(response, callback, 400, error("the body is larger than " + maxBodyBytes + " bytes"));
        }
        String query = request.getHttpURI().getQuery();
        URI target = URI.create(ownerUrl + Request.getPathInContext(request) + (query == null ? "" : "?" + query));
        HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(forwardTimeout)
                .method(request.getMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body))
                .header(FORWARDED_BY, nodeName);
        for (String h : FORWARDED_HEADERS) {
            String v = request.getHeaders().get(h);
            if (v != null) {
                b.header(h, v);
            }
        }
        HttpResponse<byte[]> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            LOG.debug("forwarding {} {} to {} failed", request.getMethod(), target, ownerUrl, e);
            return unavailable(response, callback, "the coordinator that owns this transaction (" + ownerUrl
                    + ") did not answer: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable(response, callback, "interrupted while forwarding to " + ownerUrl);
        }
        response.setStatus(r.statusCode());
        r.headers().firstValue("Content-Type").ifPresent(v -> response.getHeaders().put(HttpHeader.CONTENT_TYPE, v));
        r.headers().firstValue("Retry-After").ifPresent(v -> response.getHeaders().put(HttpHeader.RETRY_AFTER, v));
        response.getHeaders().put(FORWARDED_BY, nodeName);
        response.write(true, ByteBuffer.wrap(r.body()), callback);
        return true;
    }

    private boolean unavailable(Response response, Callback callback, String why) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, "2");
        return send(response, callback, 503, error(why + "; ask again shortly"));
    }

    private ObjectNode error(String message) {
        ObjectNode o = json.createObjectNode();
        o.put("error", message);
        return o;
    }

    private boolean send(Response response, Callback callback, int status, ObjectNode body) {
        return Replies.send(json, response, callback, status, body);
    }
}
