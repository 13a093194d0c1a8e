package dev.dtc.participant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks the coordinator what became of a transaction: {@code GET {coordinator}/v1/transactions/{id}}. Only a clear
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
     */
    record RegistryAnswer(boolean ok, int status, String detail) {
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

    private final URI base;
    private final String authorization;
    private final Duration timeout;
    private final HttpClient http;

    CoordinatorClient(URI coordinator, String token, Duration timeout) {
        String s = coordinator.toString();
        this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        this.authorization = "Bearer " + token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** @param transactionId a valid id: its characters need no escaping in a URL path */
    Answer outcomeOf(String transactionId) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/transactions/" + transactionId))
                .timeout(timeout).header("Authorization", authorization).header("Accept", "application/json")
                .GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new Answer(Outcome.UNKNOWN, "coordinator unreachable: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(Outcome.UNKNOWN, "interrupted");
        }
        return read(response.statusCode(), response.body(),
                response.headers().firstValue("Retry-After").orElse(null));
    }

    /**
     * {@code POST /v1/transactions/{id}/participants}: enlists this participant in an open transaction.
     *
     * @param transactionId a valid id: its characters need no escaping in a URL path
     */
    EnlistAnswer enlist(String transactionId, String name, URI url) {
        String body = JSON.createObjectNode().put("name", name).put("url", url.toString()).toString();
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/transactions/" + transactionId
                        + "/participants")).timeout(timeout)
                .header("Authorization", authorization).header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new EnlistAnswer(false, 0, "coordinator unreachable (" + describe(e) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new EnlistAnswer(false, 0, "interrupted");
        }
        int status = response.statusCode();
        if (status == 200 || status == 201) {
            return new EnlistAnswer(true, status, status == 201 ? "201 enlisted" : "200 already enlisted");
        }
        return new EnlistAnswer(false, status, status + " " + errorOf(response.body())
                + (status == 401 ? " (check that this participant's token is the coordinator's)" : ""));
    }

    /**
     * {@code PUT /v1/participants/{name}}: registers or renews.
     *
     * @param name  a valid participant name: its characters need no escaping in a URL path
     * @param ttl   null for a registration that never expires
     */
    RegistryAnswer register(String name, URI url, Duration ttl) {
        var body = JSON.createObjectNode().put("url", url.toString());
        if (ttl != null) {
            body.put("ttlMs", ttl.toMillis());
        }
        HttpRequest request = HttpRequest.newBuilder(participantUri(name)).timeout(timeout)
                .header("Authorization", authorization).header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new RegistryAnswer(false, 0, "coordinator unreachable (" + describe(e) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RegistryAnswer(false, 0, "interrupted");
        }
        return readRegistration(response.statusCode(), response.body());
    }

    static RegistryAnswer readRegistration(int status, String body) {
        if (status == 200 || status == 201) {
            String expiresAt = field(body, "expiresAt");
            return new RegistryAnswer(true, status, (status == 201 ? "201 created" : "200 updated")
                    + (expiresAt.isEmpty() ? "" : ", expires at " + expiresAt));
        }
        return new RegistryAnswer(false, status, status + " " + errorOf(body)
                + (status == 401 ? " (check that this participant's token is the coordinator's)" : ""));
    }

    /**
     * {@code DELETE /v1/participants/{name}}, waiting at most {@code wait} in all (connecting included): best
     * effort, for close.
     */
    RegistryAnswer deregister(String name, Duration wait) {
        HttpRequest request = HttpRequest.newBuilder(participantUri(name)).timeout(wait)
                .header("Authorization", authorization).header("Accept", "application/json").DELETE().build();
        CompletableFuture<HttpResponse<String>> sent = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> response;
        try {
            response = sent.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            sent.cancel(true);
            return new RegistryAnswer(false, 0, "no answer within " + wait.toMillis() + " ms");
        } catch (ExecutionException e) {
            return new RegistryAnswer(false, 0, "coordinator unreachable (" + describe(e.getCause()) + ")");
        } catch (InterruptedException e) {
            sent.cancel(true);
            Thread.currentThread().interrupt();
            return new RegistryAnswer(false, 0, "interrupted");
        }
        int status = response.statusCode();
        if (status == 204 || status == 200) {
            return new RegistryAnswer(true, status, status + " deregistered");
        }
        if (status == 404) {
            return new RegistryAnswer(true, status, "404 was not registered");
        }
        return new RegistryAnswer(false, status, status + " " + errorOf(response.body()));
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    private URI participantUri(String name) {
        return URI.create(base + "/v1/participants/" + name);
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
