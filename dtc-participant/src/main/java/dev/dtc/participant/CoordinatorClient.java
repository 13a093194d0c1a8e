package dev.dtc.participant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;

/**
 * The participant's calls to the coordinators, each sent to them in turn until one gives a clear answer (see
 * {@link CoordinatorFailover}: a 404 from a live coordinator is final; a refused connection, a timeout, a 421, 502,
 * 503 or 504 moves on to the next). With one coordinator, exactly that one is asked.
 *
 * <p>Asks the coordinator what became of a transaction: {@code GET {coordinator}/v1/transactions/{id}}. Only a clear
 * answer is acted on. Anything else (503 while the coordinator reads its log, a timeout, a refused connection, a
 * 404 that does not say "presumed rolled back", an unexpected body) is {@link Outcome#UNKNOWN}, and the branch stays
 * prepared: guessing would break atomicity, waiting only holds locks longer.
 *
 * <p>Enlists this participant in an open transaction it joined: {@code POST {coordinator}/v1/transactions/{id}/participants}
 * with {@code {"name": ..., "url": ...}}.
 *
 * <p>Also registers this participant in the coordinator's registry: {@code PUT {coordinator}/v1/participants/{name}}
 * with {@code {"url": ..., "ttlMs": ...}}, and {@code DELETE} of the same path.
 */
final class CoordinatorClient {

    enum Outcome {
        COMMITTED, ROLLED_BACK, IN_PROGRESS, UNKNOWN
    }

    /** The answer and how it was read, for the audit line. */
    record Answer(Outcome outcome, String detail) {
    }

    /**
     * What a registry call came to.
     *
     * @param ok      the coordinator accepted it (PUT: 200 or 201; DELETE: 204, or 404 "not registered")
     * @param status  the HTTP status, or 0 if no answer came
     * @param detail  what happened, for the log: the coordinator's {@code error}, or why nothing was answered
     * @param coordinator the coordinator whose clear answer this is, or null if none answered clearly
     */
    record RegistryAnswer(boolean ok, int status, String detail, URI coordinator) {
    }

    /**
     * What an enlistment came to.
     *
     * @param ok     the coordinator enlisted the participant (201), or had already (200)
     * @param status the HTTP status, or 0 if no answer came
     * @param detail what happened: the coordinator's {@code error}, or why nothing was answered
     */
    record EnlistAnswer(boolean ok, int status, String detail) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CoordinatorFailover coordinators;

    /**
     * @param coordinators checked by {@link CoordinatorUrls#check}: every call goes to them in turn until one gives a
     *                     clear answer (see {@link CoordinatorFailover})
     * @param timeout      how long each attempt waits for one coordinator, connecting included
     */
    CoordinatorClient(List<URI> coordinators, String token, Duration timeout) {
        this.coordinators = new CoordinatorFailover(coordinators, token, timeout);
    }

    /** The coordinators, in the configured order. */
    List<URI> coordinators() {
        return coordinators.coordinators();
    }

    /** @param transactionId a valid id: its characters need no escaping in a URL path */
    Answer outcomeOf(String transactionId) {
        CoordinatorFailover.Result result;
        try {
            result = coordinators.send("/v1/transactions/" + transactionId,
                    b -> b.header("Accept", "application/json").GET(), CoordinatorFailover.Resend.WHEN_UNCLEAR);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(Outcome.UNKNOWN, "interrupted");
        }
        HttpResponse<String> response = result.response();
        if (response == null) {
            return new Answer(Outcome.UNKNOWN, result.explain("coordinator unreachable: " + result.failure()));
        }
        Answer answer = read(response.statusCode(), response.body(),
                response.headers().firstValue("Retry-After").orElse(null));
        // only a clear answer is acted on: an unclear one (421, 502-504) reads as UNKNOWN already
        return new Answer(answer.outcome(), result.explain(answer.detail()));
    }

    /**
     * {@code POST /v1/transactions/{id}/participants}: enlists this participant in an open transaction. Sent to the
     * next coordinator when one gives no clear answer: if an earlier attempt did enlist, the next one is answered
     * 200 "already enlisted", which the joiner treats as a lost branch (the transaction then only rolls back) —
     * safe, never a commit without this participant's vote.
     *
     * @param transactionId a valid id: its characters need no escaping in a URL path
     */
    EnlistAnswer enlist(String transactionId, String name, URI url) {
        String body = JSON.createObjectNode().put("name", name).put("url", url.toString()).toString();
        CoordinatorFailover.Result result;
        try {
            result = coordinators.send("/v1/transactions/" + transactionId + "/participants",
                    b -> b.header("Content-Type", "application/json").header("Accept", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)), CoordinatorFailover.Resend.WHEN_UNCLEAR);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new EnlistAnswer(false, 0, "interrupted");
        }
        HttpResponse<String> response = result.response();
        if (response == null) {
            return new EnlistAnswer(false, 0, result.explain("coordinator unreachable ("
                    + CoordinatorFailover.describe(result.failure()) + ")"));
        }
        int status = response.statusCode();
        if (status == 200 || status == 201) {
            return new EnlistAnswer(true, status, result.explain(status == 201 ? "201 enlisted"
                    : "200 already enlisted"));
        }
        return new EnlistAnswer(false, status, result.explain(status + " " + errorOf(response.body())
                + (status == 401 ? " (check that this participant's token is the coordinator's)" : "")));
    }

    /**
     * {@code PUT /v1/participants/{name}}: registers or renews, at the first coordinator that answers clearly (the
     * coordinators share the registry).
     *
     * @param name  a valid participant name: its characters need no escaping in a URL path
     * @param ttl   null for a registration that never expires
     */
    RegistryAnswer register(String name, URI url, Duration ttl) {
        var body = JSON.createObjectNode().put("url", url.toString());
        if (ttl != null) {
            body.put("ttlMs", ttl.toMillis());
        }
        CoordinatorFailover.Result result;
        try {
            result = coordinators.send("/v1/participants/" + name,
                    b -> b.header("Content-Type", "application/json").header("Accept", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofString(body.toString())),
                    CoordinatorFailover.Resend.WHEN_UNCLEAR);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RegistryAnswer(false, 0, "interrupted", null);
        }
        HttpResponse<String> response = result.response();
        if (response == null) {
            return new RegistryAnswer(false, 0, result.explain("coordinator unreachable ("
                    + CoordinatorFailover.describe(result.failure()) + ")"), null);
        }
        RegistryAnswer read = readRegistration(response.statusCode(), response.body());
        return new RegistryAnswer(read.ok(), read.status(), result.explain(read.detail()),
                result.clear() ? result.coordinator() : null);
    }

    static RegistryAnswer readRegistration(int status, String body) {
        if (status == 200 || status == 201) {
            String expiresAt = field(body, "expiresAt");
            return new RegistryAnswer(true, status, (status == 201 ? "201 created" : "200 updated")
                    + (expiresAt.isEmpty() ? "" : ", expires at " + expiresAt), null);
        }
        return new RegistryAnswer(false, status, status + " " + errorOf(body)
                + (status == 401 ? " (check that this participant's token is the coordinator's)" : ""), null);
    }

    /**
     * {@code DELETE /v1/participants/{name}}, waiting at most {@code wait} per coordinator tried (connecting
     * included): best effort, for close.
     */
    RegistryAnswer deregister(String name, Duration wait) {
        CoordinatorFailover.Result result;
        try {
            result = coordinators.send("/v1/participants/" + name, b -> b.header("Accept", "application/json")
                    .DELETE(), wait, CoordinatorFailover.Resend.WHEN_UNCLEAR);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RegistryAnswer(false, 0, "interrupted", null);
        }
        HttpResponse<String> response = result.response();
        if (response == null) {
            IOException failure = result.failure();
            return new RegistryAnswer(false, 0, result.explain(failure instanceof HttpTimeoutException t
                    && !(failure instanceof HttpConnectTimeoutException) ? t.getMessage()
                    : "coordinator unreachable (" + CoordinatorFailover.describe(failure) + ")"), null);
        }
        int status = response.statusCode();
        URI answered = result.clear() ? result.coordinator() : null;
        if (status == 204 || status == 200) {
            return new RegistryAnswer(true, status, result.explain(status + " deregistered"), answered);
        }
        if (status == 404) {
            return new RegistryAnswer(true, status, result.explain("404 was not registered"), answered);
        }
        return new RegistryAnswer(false, status, result.explain(status + " " + errorOf(response.body())), answered);
    }

    private static String errorOf(String body) {
        String error = field(body, "error");
        return error.isEmpty() ? abbreviate(body) : error;
    }

    private static String field(String body, String name) {
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.path(name).isValueNode() ? node.get(name).asText() : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    static Answer read(int status, String body, String retryAfter) {
        String outcome = outcomeField(body);
        if (status == 200) {
            switch (outcome) {
                case "COMMITTED":
                    return new Answer(Outcome.COMMITTED, "200 COMMITTED");
                case "ROLLED_BACK":
                    return new Answer(Outcome.ROLLED_BACK, "200 ROLLED_BACK");
                case "IN_PROGRESS":
                    return new Answer(Outcome.IN_PROGRESS, "200 IN_PROGRESS");
                default:
                    return new Answer(Outcome.UNKNOWN, "200 without a known outcome: " + abbreviate(body));
            }
        }
        if (status == 404 && outcome.equals("ROLLED_BACK")) {
            return new Answer(Outcome.ROLLED_BACK, "404 presumed ROLLED_BACK (never decided)");
        }
        if (status == 503) {
            return new Answer(Outcome.UNKNOWN, "503 coordinator not ready"
                    + (retryAfter == null ? "" : ", retry after " + retryAfter + " s"));
        }
        return new Answer(Outcome.UNKNOWN, status + " " + abbreviate(body));
    }

    private static String outcomeField(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.path("outcome").isTextual() ? node.get("outcome").asText() : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String abbreviate(String body) {
        String s = body == null ? "" : body.strip();
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
