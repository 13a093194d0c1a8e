package dev.dtc.participant;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Answers {@code GET /v1/transactions/{id}} as the coordinator does, with one fixed answer: enough to steer a
 * participant's recovery. Records the ids asked about and the Authorization headers sent.
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
        server.createContext("/v1/transactions/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            asked.add(path.substring("/v1/transactions/".length()));
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
    }
}
