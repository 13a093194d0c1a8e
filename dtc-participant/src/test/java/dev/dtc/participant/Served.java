package dev.dtc.participant;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** A participant served by Jetty on a free port under {@code /tx}, and an HTTP client that calls it as the coordinator does. */
final class Served implements AutoCloseable {

    static final String TOKEN = "test-token";

    private final Server server;
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Served(Participant participant) throws Exception {
        this(participant, 0);
    }

    /** On a given port (0: any free one), with more handlers after the participant's (e.g. a JoiningHandler). */
    Served(Participant participant, int port, Handler... more) throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        Handler.Sequence handlers = new Handler.Sequence(new ParticipantHandler(participant, "/tx"));
        for (Handler h : more) {
            handlers.addHandler(h);
        }
        server.setHandler(handlers);
        server.start();
        base = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/tx");
    }

    /** A port free now on 127.0.0.1, for a participant that must know its URL before it is served. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    URI base() {
        return base;
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return send("POST", path, body, "Bearer " + TOKEN);
    }

    HttpResponse<String> send(String method, String path, String body, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A prepare with extra headers (e.g. {@code traceparent}). */
    HttpResponse<String> prepare(String transactionId, String payload, java.util.Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/prepare")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"transactionId\":\"" + transactionId + "\",\"payload\":"
                        + payload + "}"));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> prepare(String transactionId, String payload) throws Exception {
        return post("/prepare", "{\"transactionId\":\"" + transactionId + "\",\"payload\":" + payload + "}");
    }

    HttpResponse<String> commit(String transactionId) throws Exception {
        return post("/commit", "{\"transactionId\":\"" + transactionId + "\"}");
    }

    HttpResponse<String> rollback(String transactionId) throws Exception {
        return post("/rollback", "{\"transactionId\":\"" + transactionId + "\"}");
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not stop", e);
        }
    }
}
