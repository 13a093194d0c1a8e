package dev.dtc.participant;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** A participant served by Jetty on a free port under {@code /tx}, and an HTTP client that calls it as the coordinator does. */
final class Served implements AutoCloseable {

    static final String TOKEN = "test-token";

    private final Server server;
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Served(Participant participant) throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new ParticipantHandler(participant, "/tx"));
        server.start();
        base = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/tx");
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
