package dev.dtc.participant;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Answers {@code GET /v1/transactions/{id}} as the coordinator does, with one fixed answer: enough to steer a
 * participant's recovery. Records the ids asked about and the Authorization headers sent.
 *
 * <p>Also runs open transactions as the coordinator's wire contract says: {@code POST /v1/transactions} with
 * {@code {"open": true, "timeoutMs": ...}} begins one (201), {@code POST /v1/transactions/{id}/participants}
 * enlists (201 new, 200 again, 409 completing or ended or another url, 404 unknown), and {@code POST .../commit}
 * calls every enlisted participant's {@code /prepare} with {@code "joined": true}, then {@code /commit} (all voted
 * COMMIT or READ_ONLY) or {@code /rollback}; {@code POST .../rollback} calls {@code /rollback}. {@code GET} of such a
 * transaction answers its state (IN_PROGRESS while open); {@link #forget} drops one as a restart would. Those calls
 * need the token {@link Served#TOKEN}.
 *
 * <p>Also keeps a registry as the coordinator's {@code PUT} and {@code DELETE /v1/participants/{name}} do (201 when
 * new, 200 when renewed; 204, or 404 when not registered), and records every call to it.
 */
final class FakeCoordinator implements AutoCloseable {

    /** An answer: status and body. */
    record Answer(int status, String body) {
        static Answer outcome(String outcome) {
            return new Answer(200, "{\"transactionId\":\"x\",\"outcome\":\"" + outcome + "\",\"other\":1}");
        }

        static Answer presumedAbort() {
            return new Answer(404, "{\"error\":\"unknown transaction\",\"outcome\":\"ROLLED_BACK\",\"presumed\":true}");
        }
    }

    /** A call to the registry as received. */
    record RegistryCall(String method, String name, String authorization, String body) {
    }

    /** An open transaction as the fake keeps it. */
    static final class OpenTx {
        final String id;
        volatile String state = "OPEN"; // OPEN, COMPLETING, COMMITTED, ROLLED_BACK
        final Map<String, String> participants = new LinkedHashMap<>(); // name -> url, guarded by this

        OpenTx(String id) {
            this.id = id;
        }

        synchronized Map<String, String> participants() {
            return Map.copyOf(participants);
        }
    }

    /** A call to {@code /v1/transactions/{id}/participants} as received. */
    record EnlistCall(String transactionId, String authorization, String body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    final Map<String, OpenTx> open = new ConcurrentHashMap<>();
    final List<EnlistCall> enlistCalls = new CopyOnWriteArrayList<>();
    /** Every prepare answer a participant gave to this fake's commits: the JSON body as received. */
    final List<JsonNode> votes = new CopyOnWriteArrayList<>();
    private volatile Answer enlistRefusal; // when set, every enlistment gets it
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-coordinator");
        t.setDaemon(true);
        return t;
    });
    final List<String> asked = new CopyOnWriteArrayList<>();
    final List<RegistryCall> registryCalls = new CopyOnWriteArrayList<>();
    final Map<String, String> registered = new ConcurrentHashMap<>();
    private volatile Answer registryRefusal; // when set, every registry call gets it
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private volatile Answer answer;

    FakeCoordinator(int port, Answer answer) throws IOException {
        this.answer = answer;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setExecutor(executor);
        server.createContext("/v1/transactions", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String[] parts = path.substring("/v1/transactions".length()).split("/", -1);
            boolean get = parts.length == 2 && exchange.getRequestMethod().equals("GET");
            if (get && open.containsKey(parts[1])) {
                asked.add(parts[1]);
                authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            }
            boolean openCall = !get || open.containsKey(parts[1]);
            if (openCall) {
                try {
                    reply(exchange, openTransactions(exchange, parts));
                } catch (Exception e) {
                    reply(exchange, new Answer(500, JSON.createObjectNode().put("error", e.toString()).toString()));
                }
                return;
            }
            asked.add(parts[1]);
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            Answer a = this.answer;
            byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            if (a.status() == 503) {
                exchange.getResponseHeaders().add("Retry-After", "1");
            }
            exchange.sendResponseHeaders(a.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/v1/participants/", exchange -> {
            String name = exchange.getRequestURI().getPath().substring("/v1/participants/".length());
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String method = exchange.getRequestMethod();
            registryCalls.add(new RegistryCall(method, name,
                    String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")), body));
            Answer a = registryRefusal;
            if (a == null && method.equals("PUT")) {
                boolean renewed = registered.put(name, body) != null;
                a = new Answer(renewed ? 200 : 201, "{\"name\":\"" + name + "\",\"url\":\"x\",\"ttlMs\":600,"
                        + "\"lastRenewal\":\"2026-01-01T00:00:00Z\",\"expiresAt\":\"2026-01-01T00:00:00.600Z\","
                        + "\"state\":\"ACTIVE\"}");
            } else if (a == null && method.equals("DELETE")) {
                a = registered.remove(name) != null ? new Answer(204, "") : new Answer(404, "{\"error\":\"not registered\"}");
            } else if (a == null) {
                a = new Answer(405, "{\"error\":\"method\"}");
            }
            byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    private Answer openTransactions(HttpExchange exchange, String[] parts) throws Exception {
        String method = exchange.getRequestMethod();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String authorization = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
        if (parts.length >= 3 && parts[2].equals("participants")) {
            enlistCalls.add(new EnlistCall(parts[1], authorization, body));
        }
        if (!authorization.equals("Bearer " + Served.TOKEN)) {
            return error(401, "missing or wrong token");
        }
        if (parts.length == 1 && method.equals("POST")) { // begin
            JsonNode b = JSON.readTree(body);
            if (b == null || !b.path("open").asBoolean() || !b.path("timeoutMs").canConvertToLong()) {
                return error(400, "send {\"open\": true, \"timeoutMs\": n}");
            }
            OpenTx tx = new OpenTx("tx-" + UUID.randomUUID());
            open.put(tx.id, tx);
            long timeoutMs = b.get("timeoutMs").asLong();
            return new Answer(201, JSON.createObjectNode().put("id", tx.id).put("outcome", "IN_PROGRESS")
                    .put("state", "OPEN").put("timeoutMs", timeoutMs)
                    .put("expiresAt", Instant.now().plusMillis(timeoutMs).toString())
                    .set("participants", JSON.createArrayNode()).toString());
        }
        OpenTx tx = parts.length >= 2 ? open.get(parts[1]) : null;
        if (parts.length == 2 && method.equals("GET") && tx != null) {
            String state = tx.state;
            return new Answer(200, JSON.createObjectNode().put("id", tx.id).put("outcome",
                    state.equals("COMMITTED") || state.equals("ROLLED_BACK") ? state : "IN_PROGRESS")
                    .put("state", state).toString());
        }
        if (parts.length != 3 || !method.equals("POST")) {
            return error(405, "not served by the fake: " + method + " " + String.join("/", parts));
        }
        if (parts[2].equals("participants")) {
            Answer refusal = enlistRefusal;
            if (refusal != null) {
                return refusal;
            }
            if (tx == null) {
                return error(404, "unknown transaction " + parts[1]);
            }
            JsonNode b = JSON.readTree(body);
            String name = b.path("name").asText("");
            String url = b.path("url").asText("");
            if (name.isEmpty() || url.isEmpty()) {
                return error(400, "send {\"name\", \"url\"}");
            }
            ObjectNode enlisted = JSON.createObjectNode().put("id", tx.id).put("name", name).put("url", url);
            synchronized (tx) {
                if (!tx.state.equals("OPEN")) {
                    return error(409, "transaction " + tx.id + " is " + tx.state);
                }
                String before = tx.participants.putIfAbsent(name, url);
                if (before != null && !before.equals(url)) {
                    return error(409, name + " is enlisted with another url");
                }
                return new Answer(before == null ? 201 : 200, enlisted.toString());
            }
        }
        if (tx == null) {
            return error(404, "unknown transaction " + parts[1]);
        }
        boolean commit = parts[2].equals("commit");
        if (!commit && !parts[2].equals("rollback")) {
            return error(404, "no such endpoint " + parts[2]);
        }
        Map<String, String> participants;
        synchronized (tx) {
            if (!tx.state.equals("OPEN")) {
                String want = commit ? "COMMITTED" : "ROLLED_BACK";
                return tx.state.equals(want) ? finished(tx, JSON.createArrayNode())
                        : new Answer(409, JSON.createObjectNode().put("error", "already " + tx.state)
                        .put("outcome", tx.state).toString());
            }
            tx.state = "COMPLETING";
            participants = Map.copyOf(tx.participants);
        }
        ArrayNode report = JSON.createArrayNode();
        boolean allYes = true;
        Map<String, String> committing = new LinkedHashMap<>();
        if (commit) {
            for (Map.Entry<String, String> p : participants.entrySet()) {
                JsonNode vote = call(p.getValue() + "/prepare", JSON.createObjectNode().put("transactionId", tx.id)
                        .putNull("payload").put("joined", true));
                votes.add(vote);
                report.addObject().put("name", p.getKey()).set("vote", vote);
                String v = vote.path("vote").asText("");
                if (v.equals("COMMIT")) {
                    committing.put(p.getKey(), p.getValue());
                } else if (!v.equals("READ_ONLY")) {
                    allYes = false;
                }
            }
        }
        boolean committed = commit && allYes;
        for (String url : (committed ? committing : participants).values()) {
            call(url + (committed ? "/commit" : "/rollback"), JSON.createObjectNode().put("transactionId", tx.id));
        }
        tx.state = committed ? "COMMITTED" : "ROLLED_BACK";
        return finished(tx, report);
    }

    private static Answer finished(OpenTx tx, ArrayNode participants) {
        ObjectNode answer = JSON.createObjectNode().put("id", tx.id).put("outcome", tx.state);
        answer.set("participants", participants);
        answer.set("events", JSON.createArrayNode());
        return new Answer(200, answer.toString());
    }

    private JsonNode call(String url, ObjectNode body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + Served.TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode answer = JSON.readTree(r.body());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + " " + r.body());
        }
        return answer;
    }

    private static Answer error(int status, String message) {
        return new Answer(status, JSON.createObjectNode().put("error", message).toString());
    }

    private static void reply(HttpExchange exchange, Answer a) throws IOException {
        byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Forgets an open transaction, as a coordinator restart does: enlisting gets 404, GET the fixed answer. */
    void forget(String transactionId) {
        open.remove(transactionId);
    }

    /** Answers every enlistment with this (null: enlist again). */
    void refuseEnlistments(Answer answer) {
        this.enlistRefusal = answer;
    }

    /** Answers every registry call with this (null: keep a registry again). */
    void refuseRegistry(Answer answer) {
        this.registryRefusal = answer;
    }

    List<RegistryCall> registryCalls(String method) {
        return registryCalls.stream().filter(c -> c.method().equals(method)).toList();
    }

    void answer(Answer answer) {
        this.answer = answer;
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
