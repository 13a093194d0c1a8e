package dev.dtc.participant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Asks the coordinator what became of a transaction: {@code GET {coordinator}/v1/transactions/{id}}. Only a clear
 * answer is acted on. Anything else (503 while the coordinator reads its log, a timeout, a refused connection, a
 * 404 that does not say "presumed rolled back", an unexpected body) is {@link Outcome#UNKNOWN}, and the branch stays
 * prepared: guessing would break atomicity, waiting only holds locks longer.
 */
final class CoordinatorClient {

    enum Outcome {
        COMMITTED, ROLLED_BACK, IN_PROGRESS, UNKNOWN
    }

    /** The answer and how it was read, for the audit line. */
    record Answer(Outcome outcome, String detail) {
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
