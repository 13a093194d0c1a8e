package dev.dtc.participant;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A coordinator of a group, over real HTTP, as the kit sees it from outside: either it answers every request with
 * one fixed status (a coordinator that is starting: 503; an older one that does not know another node's ids: 421; a
 * gateway: 502), or it passes every request on to another coordinator and relays the answer (a coordinator that
 * forwards to the owner of a transaction). Records every request it gets, as {@code "METHOD /path"}.
 */
final class CoordinatorStub implements AutoCloseable {

    final List<String> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "coordinator-stub");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile int status;
    private volatile URI forwardTo;

    private CoordinatorStub(int status, URI forwardTo) throws IOException {
        this.status = status;
        this.forwardTo = forwardTo;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Answers every request with this status and {@code {"error": ...}}. */
    static CoordinatorStub answering(int status) throws IOException {
        return new CoordinatorStub(status, null);
    }

    /** Passes every request on to that coordinator and relays its answer. */
    static CoordinatorStub forwardingTo(URI coordinator) throws IOException {
        return new CoordinatorStub(0, coordinator);
    }

    /** From now on, answers every request with this status instead. */
    void answer(int status) {
        this.status = status;
        this.forwardTo = null;
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** A URL where nothing listens: connections are refused. */
    static URI refusing() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + s.getLocalPort());
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        byte[] body = exchange.getRequestBody().readAllBytes();
        requests.add(method + " " + path);
        URI to = forwardTo;
        int code = status;
        byte[] answer;
        if (to != null) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(to + path)).timeout(Duration.ofSeconds(60))
                    .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            for (String h : List.of("Authorization", "Content-Type", "Accept")) {
                String v = exchange.getRequestHeaders().getFirst(h);
                if (v != null) {
                    b.header(h, v);
                }
            }
            try {
                HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                code = r.statusCode();
                answer = r.body();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                code = 502;
                answer = "{\"error\":\"interrupted\"}".getBytes(StandardCharsets.UTF_8);
            } catch (IOException e) {
                code = 502;
                answer = ("{\"error\":\"the owner did not answer\"}").getBytes(StandardCharsets.UTF_8);
            }
        } else {
            answer = ("{\"error\":\"stub answers " + code + "\"}").getBytes(StandardCharsets.UTF_8);
        }
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, answer.length == 0 ? -1 : answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    /** Stops answering: from now on connections to its port are refused, as to a killed coordinator. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
