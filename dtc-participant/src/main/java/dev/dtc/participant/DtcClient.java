package dev.dtc.participant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
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
 * <p><b>Several coordinators.</b> Given the base URLs of several coordinators that share one store
 * ({@link #DtcClient(List, String)}), each call goes first to the coordinator that last gave a clear answer (the
 * first listed, at the start), and on to the next in the list only when that one gives no clear answer: no
 * connection, a timeout, or 421, 502, 503, 504. Any other answer is final. A commit or rollback may go to any
 * coordinator (it forwards the call to the one that began the transaction, and both calls are safe to repeat), so
 * it fails over on any unclear result. A begin is different: sent to a second coordinator after the first may have
 * received it, it could begin a second transaction. So a begin goes on to the next coordinator only when the
 * previous surely began nothing: the connection could not be made, or it answered 503 (a refused request changes
 * nothing); after a timeout, a reset connection, or a 502/504 it fails instead (a transaction the first coordinator
 * began anyway is rolled back by its own timeout). Each coordinator tried waits at most the request timeout, so a
 * call takes at most that times the number of coordinators.
 *
 * <p>Thread-safe; one client serves any number of transactions.
 */
public final class DtcClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final CoordinatorFailover coordinators;

    /** A client whose calls wait at most 60 s for the coordinator (a commit runs both phases before answering). */
    public DtcClient(URI coordinator, String token) {
        this(coordinator, token, DEFAULT_TIMEOUT);
    }

    /**
     * @param coordinator    the coordinator's base URL, e.g. {@code http://coordinator:8080}
     * @param token          the coordinator's bearer token
     * @param requestTimeout how long each call waits for the coordinator's answer (connecting included)
     */
    public DtcClient(URI coordinator, String token, Duration requestTimeout) {
        this(single(coordinator), token, requestTimeout);
    }

    /**
     * A client of several coordinators sharing one store, whose calls wait at most 60 s for each coordinator tried
     * (see the class comment for when the next one is tried).
     *
     * @param coordinators their base URLs, e.g. {@code List.of(URI.create("http://coordinator-1:8080"),
     *                     URI.create("http://coordinator-2:8080"))}: at least one, absolute http(s), each once
     */
    public DtcClient(List<URI> coordinators, String token) {
        this(coordinators, token, DEFAULT_TIMEOUT);
    }

    /**
     * A client of several coordinators sharing one store (see the class comment for when the next one is tried).
     *
     * @param coordinators   their base URLs: at least one, absolute http(s), each once
     * @param token          the coordinators' bearer token
     * @param requestTimeout how long each coordinator tried waits for an answer (connecting included); a call
     *                       waits at most this times the number of coordinators
     */
    public DtcClient(List<URI> coordinators, String token, Duration requestTimeout) {
        List<URI> checked = CoordinatorUrls.check("coordinators", coordinators);
        if (token == null || token.isBlank() || token.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("token is required: the coordinator's bearer token, without spaces");
        }
        if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive, e.g. Duration.ofSeconds(60)");
        }
        this.coordinators = new CoordinatorFailover(checked, token, requestTimeout);
    }

    /** The one-URL constructors' check, with their message. */
    private static List<URI> single(URI coordinator) {
        Objects.requireNonNull(coordinator, "coordinator");
        if (!CoordinatorUrls.httpUrl(coordinator)) {
            throw new IllegalArgumentException("coordinator must be the coordinator's absolute http(s) URL, e.g."
                    + " http://coordinator:8080, not " + coordinator);
        }
        return List.of(coordinator);
    }

    /**
     * Begins an open transaction: {@code POST /v1/transactions} with {@code {"open": true, "timeoutMs": ...}}. The
     * coordinator rolls it back by itself if it is not committed within the timeout. With several coordinators, the
     * next is tried only when the previous surely began nothing (see the class comment).
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
        CoordinatorFailover.Result result = post("/v1/transactions", body,
                CoordinatorFailover.Resend.WHEN_NOTHING_CHANGED, "begin a transaction");
        HttpResponse<String> response = result.response();
        JsonNode answer = parse(response);
        if (response.statusCode() != 201) {
            throw refused("begin a transaction", result, answer);
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
        // safe to send again, to any coordinator: the owner commits or rolls back once and answers the same again
        CoordinatorFailover.Result result = post("/v1/transactions/" + transactionId + "/" + operation, body,
                CoordinatorFailover.Resend.WHEN_UNCLEAR, operation + " transaction " + transactionId);
        HttpResponse<String> response = result.response();
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
        throw refused(operation + " transaction " + transactionId, result, answer);
    }

    /**
     * Sends a POST to the coordinators.
     *
     * @return the result, always with a response (the last one, clear or not)
     * @throws IOException no coordinator answered at all: with one coordinator, what the HTTP client threw; with
     *                     several, an IOException saying what each did, caused by the last failure
     */
    private CoordinatorFailover.Result post(String path, String body, CoordinatorFailover.Resend resend, String what)
            throws IOException, InterruptedException {
        CoordinatorFailover.Result result = coordinators.send(path, b -> b.header("Content-Type", "application/json")
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)), resend);
        if (result.response() != null) {
            return result;
        }
        if (!result.several()) {
            throw result.failure(); // as before there were several: the HTTP client's own exception
        }
        throw new IOException("could not " + what + ": " + result.explain("") + stoppedEarly(result),
                result.failure());
    }

    /** Why a begin was not sent on, when it stopped before every coordinator was tried. */
    private String stoppedEarly(CoordinatorFailover.Result result) {
        if (result.misses().size() >= coordinators.coordinators().size()) {
            return "";
        }
        return "; not sent to another coordinator, since " + result.coordinator() + " may have received it and a"
                + " second coordinator would begin a second transaction (one begun there anyway rolls back at its"
                + " timeout)";
    }

    private static JsonNode parse(HttpResponse<String> response) {
        try {
            JsonNode node = JSON.readTree(response.body());
            return node == null ? JSON.createObjectNode() : node;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private CoordinatorException refused(String what, CoordinatorFailover.Result result, JsonNode answer) {
        HttpResponse<String> response = result.response();
        String error = answer.path("error").isTextual() ? answer.get("error").asText() : abbreviate(response.body());
        String detail = response.statusCode() + " " + error + (response.statusCode() == 401 ? " (check the token)" : "");
        return new CoordinatorException(response.statusCode(), "the coordinator did not " + what + ": "
                + (result.clear() || !result.several() ? result.explain(detail)
                : result.explain(detail) + stoppedEarly(result)));
    }

    private static String abbreviate(String s) {
        String t = s == null ? "" : s.strip();
        return t.length() <= 200 ? t : t.substring(0, 200) + "...";
    }
}
