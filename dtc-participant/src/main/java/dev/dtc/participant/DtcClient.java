package dev.dtc.participant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;

/**
 * The creator's side of an open transaction: begins it on the coordinator, and commits or rolls it back once the
 * services called inside it (with {@value DtcContext#HEADER}, see {@link DtcHttpClient}) have joined it.
 *
 * <pre>{@code
 * DtcClient dtc = new DtcClient(URI.create("http://coordinator:8080"), System.getenv("DTC_TOKEN"));
 * HttpClient http = DtcHttpClient.propagating(HttpClient.newHttpClient());
 * try (OpenTransaction tx = dtc.begin(Duration.ofSeconds(30))) {
 *     try (DtcContext.Scope in = tx.enter()) {
 *         http.send(reserve, BodyHandlers.ofString());        // inventory joins
 *         http.send(charge, BodyHandlers.ofString());         // payments joins
 *     }
 *     TransactionOutcome outcome = tx.commit();               // the coordinator prepares and commits both
 * }                                                           // closed without commit: rolled back
 * }</pre>
 *
 * <p>Thread-safe; one client serves any number of transactions.
 */
public final class DtcClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String authorization;
    private final Duration requestTimeout;
    private final HttpClient http;

    /** A client whose calls wait at most 60 s for the coordinator (a commit runs both phases before answering). */
    public DtcClient(URI coordinator, String token) {
        this(coordinator, token, Duration.ofSeconds(60));
    }

    /**
     * @param coordinator    the coordinator's base URL, e.g. {@code http://coordinator:8080}
     * @param token          the coordinator's bearer token
     * @param requestTimeout how long each call waits for the coordinator's answer (connecting included)
     */
    public DtcClient(URI coordinator, String token, Duration requestTimeout) {
        Objects.requireNonNull(coordinator, "coordinator");
        String scheme = coordinator.getScheme() == null ? "" : coordinator.getScheme().toLowerCase(Locale.ROOT);
        if (!coordinator.isAbsolute() || coordinator.getHost() == null
                || !(scheme.equals("http") || scheme.equals("https"))) {
            throw new IllegalArgumentException("coordinator must be the coordinator's absolute http(s) URL, e.g."
                    + " http://coordinator:8080, not " + coordinator);
        }
        if (token == null || token.isBlank() || token.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("token is required: the coordinator's bearer token, without spaces");
        }
        if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive, e.g. Duration.ofSeconds(60)");
        }
        String s = coordinator.toString();
        this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        this.authorization = "Bearer " + token;
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(requestTimeout).build();
    }

    /**
     * Begins an open transaction: {@code POST /v1/transactions} with {@code {"open": true, "timeoutMs": ...}}. The
     * coordinator rolls it back by itself if it is not committed within the timeout.
     *
     * @param timeout at least 1 ms
     * @throws CoordinatorException the coordinator refused (the message says why)
     * @throws IOException          the coordinator could not be reached
     */
    public OpenTransaction begin(Duration timeout) throws IOException, InterruptedException {
        if (timeout == null || timeout.toMillis() < 1) {
            throw new IllegalArgumentException("timeout must be at least 1 ms, e.g. Duration.ofSeconds(30), not "
                    + timeout);
        }
        String body = JSON.createObjectNode().put("open", true).put("timeoutMs", timeout.toMillis()).toString();
        HttpResponse<String> response = post(URI.create(base + "/v1/transactions"), body);
        JsonNode answer = parse(response);
        if (response.statusCode() != 201) {
            throw refused("begin a transaction", response, answer);
        }
        String id = answer.path("id").asText("");
        if (!Requests.TRANSACTION_ID.matcher(id).matches()) {
            throw new CoordinatorException(response.statusCode(), "the coordinator began a transaction but its"
                    + " answer has no valid id: " + abbreviate(response.body()));
        }
        Instant expiresAt = null;
        try {
            expiresAt = answer.hasNonNull("expiresAt") ? Instant.parse(answer.get("expiresAt").asText()) : null;
        } catch (DateTimeParseException e) {
            // informative only
        }
        return new OpenTransaction(this, id, expiresAt);
    }

    /**
     * {@code POST /v1/transactions/{id}/commit} or {@code /rollback}.
     *
     * @param operation "commit" or "rollback"
     */
    TransactionOutcome finish(String transactionId, String operation) throws IOException, InterruptedException {
        return finish(transactionId, operation, "{}");
    }

    /** {@code POST /v1/transactions/{id}/rollback} with {@code {"reason": ...}}. */
    TransactionOutcome rollback(String transactionId, String reason) throws IOException, InterruptedException {
        String why = reason.length() > 1000 ? reason.substring(0, 997) + "..." : reason;
        return finish(transactionId, "rollback", JSON.createObjectNode().put("reason", why).toString());
    }

    private TransactionOutcome finish(String transactionId, String operation, String body)
            throws IOException, InterruptedException {
        HttpResponse<String> response = post(URI.create(base + "/v1/transactions/" + transactionId + "/"
                + operation), body);
        JsonNode answer = parse(response);
        int status = response.statusCode();
        String outcome = answer.path("outcome").asText("");
        if (status == 200 && !outcome.isEmpty()) {
            return new TransactionOutcome(transactionId, outcome, status, answer);
        }
        if (status == 409 && !outcome.isEmpty()) {
            return new TransactionOutcome(transactionId, outcome, status, answer); // ended the other way before
        }
        if (status == 404) {
            // never begun, or forgotten in a restart before it was decided: presumed rolled back
            return new TransactionOutcome(transactionId, "ROLLED_BACK", status, answer);
        }
        throw refused(operation + " transaction " + transactionId, response, answer);
    }

    private HttpResponse<String> post(URI uri, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(requestTimeout)
                .header("Authorization", authorization).header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode parse(HttpResponse<String> response) {
        try {
            JsonNode node = JSON.readTree(response.body());
            return node == null ? JSON.createObjectNode() : node;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static CoordinatorException refused(String what, HttpResponse<String> response, JsonNode answer) {
        String error = answer.path("error").isTextual() ? answer.get("error").asText() : abbreviate(response.body());
        return new CoordinatorException(response.statusCode(), "the coordinator did not " + what + ": "
                + response.statusCode() + " " + error
                + (response.statusCode() == 401 ? " (check the token)" : ""));
    }

    private static String abbreviate(String s) {
        String t = s == null ? "" : s.strip();
        return t.length() <= 200 ? t : t.substring(0, 200) + "...";
    }
}
