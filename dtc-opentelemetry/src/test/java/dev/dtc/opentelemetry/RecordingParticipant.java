package dev.dtc.opentelemetry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A participant service on the JDK's HTTP server: it votes as told and records the W3C headers of every call the
 * coordinator makes to it ({@code POST {url}/prepare|commit|rollback}).
 */
final class RecordingParticipant implements AutoCloseable {

    record Call(String op, String traceparent, String tracestate) {
        /** The parent id the coordinator sent: the span the participant's work is a child of. */
        String parentId() {
            return traceparent.substring(36, 52);
        }

        String traceId() {
            return traceparent.substring(3, 35);
        }
    }

    final String name;
    volatile String vote = "COMMIT";
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    RecordingParticipant(String name) throws IOException {
        this.name = name;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/tx/", this::serve);
        server.setExecutor(threads);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/tx";
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    Call call(String op) {
        return calls.stream().filter(c -> c.op().equals(op)).findFirst().orElseThrow(
                () -> new AssertionError(name + " got no " + op + "; calls: " + calls));
    }

    boolean got(String op) {
        return calls.stream().anyMatch(c -> c.op().equals(op));
    }

    private void serve(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        String op = path.substring(path.lastIndexOf('/') + 1);
        x.getRequestBody().readAllBytes();
        calls.add(new Call(op, x.getRequestHeaders().getFirst("traceparent"),
                x.getRequestHeaders().getFirst("tracestate")));
        byte[] answer = (op.equals("prepare") ? "{\"vote\": \"" + vote + "\"}" : "{}").getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(200, answer.length);
        x.getResponseBody().write(answer);
        x.close();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
