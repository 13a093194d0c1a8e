package dev.dtc.demo.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dtc.audit.EventType;
import dev.dtc.demo.shop.OrderOutcome;
import dev.dtc.demo.shop.OrderRequest;
import dev.dtc.demo.trace.TraceEvent;
import dev.dtc.demo.trace.TransactionTrace;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Places an order through the HTTP coordinator: one {@code POST /v1/transactions} with the three services as
 * participants, each given the order as its payload, and the coordinator's answer read back as the demo's
 * {@link OrderOutcome} and {@link TransactionTrace}, so the same output prints it.
 *
 * <p>The request carries {@code Idempotency-Key: order-<orderId>}: sending the same order again (after the
 * coordinator died before answering, say) gets that order's transaction's outcome, never a second order.
 */
public final class RemoteOrder {

    /** Where the three services are, by participant name, in the order they are listed to the coordinator. */
    public record Services(String orders, String inventory, String payments) {
        Map<String, String> byName() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("orders", orders);
            m.put("inventory", inventory);
            m.put("payments", payments);
            return m;
        }
    }

    /** The coordinator's answer, read. */
    public record Result(OrderOutcome outcome, TransactionTrace trace, RemoteAnswer answer) {
    }

    /** The coordinator refused the request (401, 400, ...): nothing was started. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI coordinator;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    public RemoteOrder(URI coordinator, String token) {
        String s = coordinator.toString();
        this.coordinator = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        this.token = token;
    }

    /** The body of the POST: the three participants with the order as payload, and the timeout. */
    public static ObjectNode request(OrderRequest order, Services services, Duration timeout) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode ps = body.putArray("participants");
        ObjectNode payload = OrderPayload.of(JSON, order);
        services.byName().forEach((name, url) -> ps.addObject().put("name", name).put("url", url).set("payload", payload));
        body.put("timeoutMs", timeout.toMillis());
        return body;
    }

    /**
     * @throws IOException   if the coordinator did not answer (down, or it died while running the transaction)
     * @throws Refused       if it refused the request
     */
    public Result place(OrderRequest order, Services services, Duration timeout)
            throws IOException, InterruptedException, Refused {
        long started = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(URI.create(coordinator + "/v1/transactions"))
                .timeout(timeout.plusSeconds(60))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "order-" + order.orderId())
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(request(order, services, timeout))))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IOException("the coordinator answered HTTP " + response.statusCode() + " with a body that is"
                    + " not JSON: " + abbreviate(response.body()));
        }
        if (body == null || !body.has("id") || !body.has("outcome")) {
            String error = body != null && body.hasNonNull("error") ? body.get("error").asText() : abbreviate(response.body());
            throw new Refused("the coordinator at " + coordinator + " refused the order (HTTP " + response.statusCode()
                    + "): " + error);
        }
        return read(order, body, Duration.ofNanos(System.nanoTime() - started));
    }

    /**
     * Chained mode: asks the orders service ({@code POST <orders base>/api/orders}) to place the order. It begins
     * an open transaction, writes the order, calls inventory and payments, which join it, and commits; its answer
     * is the coordinator's, plus the refusal of a service that said no to its call.
     *
     * @throws IOException if the orders service did not answer, or could not reach the coordinator
     * @throws Refused     if it refused the request
     */
    public Result placeChained(OrderRequest order, Services services, Duration timeout)
            throws IOException, InterruptedException, Refused {
        long started = System.nanoTime();
        ObjectNode body = JSON.createObjectNode();
        body.set("order", OrderPayload.of(JSON, order));
        body.put("inventory", base(services.inventory()));
        body.put("payments", base(services.payments()));
        body.put("timeoutMs", timeout.toMillis());
        URI api = URI.create(base(services.orders()) + ChainedApi.ORDERS);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(api).timeout(timeout.plusSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode answer;
        try {
            answer = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IOException("the orders service answered HTTP " + response.statusCode() + " with a body that"
                    + " is not JSON: " + abbreviate(response.body()));
        }
        String error = answer != null && answer.hasNonNull("error") ? answer.get("error").asText()
                : abbreviate(response.body());
        if (response.statusCode() == 502) {
            throw new IOException("the orders service could not reach the coordinator: " + error);
        }
        if (response.statusCode() != 200 || answer == null || !answer.has("id") || !answer.has("outcome")) {
            throw new Refused("the orders service at " + api + " refused the order (HTTP " + response.statusCode()
                    + "): " + error);
        }
        return read(order, answer, Duration.ofNanos(System.nanoTime() - started));
    }

    /** A service's base URL from its participant URL: {@code http://host:port/tx} → {@code http://host:port}. */
    static String base(String participantUrl) {
        String s = participantUrl.endsWith("/") ? participantUrl.substring(0, participantUrl.length() - 1)
                : participantUrl;
        return s.endsWith(ServiceServer.BASE_PATH) ? s.substring(0, s.length() - ServiceServer.BASE_PATH.length()) : s;
    }

    /** The coordinator's answer as the demo's outcome and trace. */
    Result read(OrderRequest order, JsonNode body, Duration took) {
        String id = body.get("id").asText();
        List<TraceEvent> events = new ArrayList<>();
        for (JsonNode e : body.path("events")) {
            EventType type;
            try {
                type = EventType.valueOf(e.path("type").asText());
            } catch (IllegalArgumentException unknown) {
                continue; // a newer coordinator's event this demo does not know: the outcome says what matters
            }
            events.add(new TraceEvent(type, id, e.hasNonNull("participant") ? e.get("participant").asText() : null,
                    null, e.hasNonNull("detail") ? e.get("detail").asText() : null, Instant.parse(e.path("at").asText())));
        }
        List<RemoteAnswer.ParticipantState> participants = new ArrayList<>();
        for (JsonNode p : body.path("participants")) {
            participants.add(new RemoteAnswer.ParticipantState(p.path("name").asText(), p.path("url").asText(null),
                    p.hasNonNull("vote") ? p.get("vote").asText() : null,
                    p.hasNonNull("reason") ? p.get("reason").asText() : null, p.path("acknowledged").asBoolean()));
        }
        RemoteAnswer answer = new RemoteAnswer(coordinator.toString(), id, body.path("phase2").asText(null),
                body.path("replayed").asBoolean(false), List.copyOf(participants));
        // the coordinator's details name branches by Xid, "<id>:<n>" for the n-th participant of the request
        Map<String, String> branches = new LinkedHashMap<>();
        for (int i = 0; i < participants.size(); i++) {
            branches.put(id + ":" + (i + 1), participants.get(i).name());
        }
        return new Result(outcome(order, id, body, participants, took), TransactionTrace.ofRemote(id, events, branches),
                answer);
    }

    private static OrderOutcome outcome(OrderRequest order, String id, JsonNode body,
                                        List<RemoteAnswer.ParticipantState> participants, Duration took) {
        switch (body.path("outcome").asText()) {
            case "COMMITTED":
                return new OrderOutcome(order, id, OrderOutcome.Result.COMMITTED, null, OrderOutcome.Stage.NONE, null,
                        took);
            case "ROLLED_BACK": {
                JsonNode refusal = body.get("refusal");
                if (refusal != null && refusal.isObject()) { // chained: a service said no to its call
                    return new OrderOutcome(order, id, OrderOutcome.Result.ROLLED_BACK,
                            refusal.path("participant").asText(null), OrderOutcome.Stage.WRITING,
                            refusal.path("reason").asText(null), took);
                }
                for (RemoteAnswer.ParticipantState p : participants) {
                    if ("ABORT".equals(p.vote())) {
                        return new OrderOutcome(order, id, OrderOutcome.Result.ROLLED_BACK, p.name(),
                                OrderOutcome.Stage.PREPARE, p.reason(), took);
                    }
                }
                for (RemoteAnswer.ParticipantState p : participants) {
                    if ("NO_ANSWER".equals(p.vote())) {
                        return new OrderOutcome(order, id, OrderOutcome.Result.ROLLED_BACK, p.name(),
                                OrderOutcome.Stage.OTHER, "did not vote: " + p.reason(), took);
                    }
                }
                String reason = body.hasNonNull("reason") ? body.get("reason").asText()
                        : body.path("presumed").asBoolean() ? "never decided by the coordinator (presumed abort)"
                        : "rolled back";
                return new OrderOutcome(order, id, OrderOutcome.Result.ROLLED_BACK, null, OrderOutcome.Stage.OTHER,
                        reason, took);
            }
            default:
                return new OrderOutcome(order, id, OrderOutcome.Result.IN_DOUBT, null, OrderOutcome.Stage.OTHER,
                        body.hasNonNull("error") ? body.get("error").asText()
                                : "the coordinator has not decided yet; ask GET /v1/transactions/" + id, took);
        }
    }

    private static String abbreviate(String s) {
        String t = s == null ? "" : s.strip();
        return t.length() <= 200 ? t : t.substring(0, 200) + "...";
    }
}
