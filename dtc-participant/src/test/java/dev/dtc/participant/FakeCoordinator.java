package dev.dtc.participant;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Answers {@code GET /v1/transactions/{id}} as the coordinator does, with one fixed answer: enough to steer a
 * participant's recovery. Records the ids asked about and the Authorization headers sent.
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

    final List<String> asked = new CopyOnWriteArrayList<>();
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
        server.start();
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
