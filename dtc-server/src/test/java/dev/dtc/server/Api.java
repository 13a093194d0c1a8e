package dev.dtc.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A client of the coordinator's API for tests. */
final class Api {
    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String base;
    private final String token;

    record Answer(int status, JsonNode body, Map<String, java.util.List<String>> headers) {
    }

    Api(String base, String token) {
        this.base = base;
        this.token = token;
    }

    Answer post(String body) throws IOException, InterruptedException {
        return post(body, Map.of());
    }

    Answer post(String body, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/v1/transactions"))
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        headers.forEach(b::header);
        return send(b.build());
    }

    Answer put(String path, String body) throws IOException, InterruptedException {
        return send(authorized(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .PUT(HttpRequest.BodyPublishers.ofString(body))));
    }

    Answer postTo(String path, String body) throws IOException, InterruptedException {
        return send(authorized(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body))));
    }

    /** POST to {@code path} with extra headers. */
    Answer send(String path, String body, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return send(authorized(b));
    }

    Answer delete(String path, String body) throws IOException, InterruptedException {
        return send(authorized(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method("DELETE", HttpRequest.BodyPublishers.ofString(body))));
    }

    Answer delete(String path) throws IOException, InterruptedException {
        return send(authorized(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .DELETE()));
    }

    private HttpRequest authorized(HttpRequest.Builder b) {
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b.build();
    }

    Answer get(String path) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b.build());
    }

    private Answer send(HttpRequest r) throws IOException, InterruptedException {
        HttpResponse<String> resp = client.send(r, HttpResponse.BodyHandlers.ofString());
        JsonNode body;
        try {
            body = resp.body().isEmpty() ? null : JSON.readTree(resp.body());
        } catch (IOException e) {
            body = JSON.getNodeFactory().textNode("HTTP " + resp.statusCode() + ", not JSON: " + resp.body());
        }
        return new Answer(resp.statusCode(), body, resp.headers().map());
    }

    static String transaction(long timeoutMs, TestParticipant... ps) {
        StringBuilder sb = new StringBuilder("{\"participants\":[");
        for (int i = 0; i < ps.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"name\":\"").append(ps[i].name).append("\",\"url\":\"").append(ps[i].url())
                    .append("\",\"payload\":{\"n\":").append(i).append("}}");
        }
        return sb.append("],\"timeoutMs\":").append(timeoutMs).append('}').toString();
    }
}
