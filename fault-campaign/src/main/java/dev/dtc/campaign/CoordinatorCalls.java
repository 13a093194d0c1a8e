package dev.dtc.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The campaign's calls to the coordinator (dtc-server) over HTTP with its bearer token: one-shot transactions to two
 * participants, a transaction's outcome, the list of transactions needing attention; and the last transaction id a
 * participant's log names (for when the coordinator halted before answering).
 */
public final class CoordinatorCalls {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final String url;
    private final String token;

    /** With an HTTP/1.1 client of its own that gives up connecting after 5 s. */
    public CoordinatorCalls(String url, String token) {
        this(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build(), url, token);
    }

    public CoordinatorCalls(HttpClient http, String url, String token) {
        this.http = http;
        this.url = url;
        this.token = token;
    }

    /** The coordinator's base URL. */
    public String url() {
        return url;
    }

    /** The client the calls use (for calls to others, e.g. the participants). */
    public HttpClient http() {
        return http;
    }

    /** The body of a one-shot transaction to two participants ({@code /tx} on 127.0.0.1) with one payload. */
    public static String oneShotBody(String nameA, int portA, String nameB, int portB, String payload) {
        return "{\"participants\":[{\"name\":\"" + nameA + "\",\"url\":\"http://127.0.0.1:" + portA
                + "/tx\",\"payload\":\"" + payload + "\"},{\"name\":\"" + nameB + "\",\"url\":\"http://127.0.0.1:"
                + portB + "/tx\",\"payload\":\"" + payload + "\"}],\"timeoutMs\":5000}";
    }

    /**
     * Posts a one-shot transaction to two participants; {id or null, outcome}, the outcome being what the client
     * was told ({@code HTTP <status>} when the answer names none, {@code no answer: ...}, {@code interrupted}).
     */
    public String[] oneShot(String nameA, int portA, String nameB, int portB, String payload) {
        try {
            HttpResponse<String> r = post("/v1/transactions", oneShotBody(nameA, portA, nameB, portB, payload),
                    Duration.ofSeconds(60));
            JsonNode j = JSON.readTree(r.body());
            return new String[] {j.path("id").asText(null), j.path("outcome").asText("HTTP " + r.statusCode())};
        } catch (IOException e) {
            return new String[] {null, "no answer: " + e.getMessage()};
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new String[] {null, "interrupted"};
        }
    }

    /** {@code POST path} with the token and a JSON body; extra headers as name, value pairs. */
    public HttpResponse<String> post(String path, String body, Duration timeout, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(timeout)
                .header("Authorization", "Bearer " + token);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** {@code GET path} with the token, 30 s at most. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code GET /v1/transactions/{id}}: the answer's JSON (throws if the body is not JSON). */
    public JsonNode view(String id) throws IOException, InterruptedException {
        return JSON.readTree(get("/v1/transactions/" + id).body());
    }

    /** The coordinator's outcome of a transaction ({@code HTTP <status>} when it names none, or what went wrong). */
    public String outcome(String id) {
        return told(() -> get("/v1/transactions/" + id));
    }

    /** {@code POST /v1/transactions/{id}/commit} (90 s at most): what the client was told, as {@link #outcome}. */
    public String commit(String id) {
        return told(() -> post("/v1/transactions/" + id + "/commit", "{}", Duration.ofSeconds(90)));
    }

    private interface Call {
        HttpResponse<String> send() throws IOException, InterruptedException;
    }

    /** The answer's {@code outcome} ({@code HTTP <status>} when it names none), or what went wrong. */
    private static String told(Call call) {
        try {
            HttpResponse<String> r = call.send();
            return JSON.readTree(r.body()).path("outcome").asText("HTTP " + r.statusCode());
        } catch (IOException e) {
            return "no answer: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** {@code GET /v1/transactions}: the transactions the coordinator lists as needing attention. */
    public Listed listed() throws IOException, InterruptedException {
        HttpResponse<String> r = get("/v1/transactions");
        return new Listed(r.statusCode(), r.body());
    }

    /** The answer of {@code GET /v1/transactions}. */
    public static final class Listed {
        public final int status;
        private final String body;

        Listed(int status, String body) {
            this.status = status;
            this.body = body;
        }

        /** Each listed transaction as {@code "<id> as <state>"} (throws if the body is not JSON). */
        public List<String> entries() throws IOException {
            List<String> entries = new ArrayList<>();
            for (JsonNode t : JSON.readTree(body).path("transactions")) {
                entries.add(t.path("id").asText() + " as " + t.path("state").asText());
            }
            return entries;
        }
    }

    /** The last id of a transaction of the coordinator named {@code node} that a participant's log file names. */
    public static String lastIdInLog(Path logFile, String node) throws IOException {
        String text = Files.readString(logFile);
        Matcher m = Pattern.compile("transaction (" + Pattern.quote(node) + "~[A-Za-z0-9.~_-]+)").matcher(text);
        String id = null;
        while (m.find()) {
            id = m.group(1);
        }
        return id;
    }
}
