package dev.dtc.bench.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The measured workload: {@code POST /v1/transactions} to the coordinator naming every participant, and the
 * answer read to its outcome. The coordinator then runs prepare on each participant, forces its decision, and
 * runs commit on each before it answers, so one of these is 1 + 2 × participants HTTP round trips.
 */
final class DtcTransactions implements Workload {

    private final HttpClient client;
    private final ObjectMapper json;
    private final URI transactions;
    private final String authorization;
    private final List<URI> participants;
    private final PayloadSource payloads;
    private final long timeoutMs;

    DtcTransactions(HttpClient client, ObjectMapper json, URI coordinator, String token, List<URI> participants,
            PayloadSource payloads, long timeoutMs) {
        this.client = client;
        this.json = json;
        this.transactions = coordinator.resolve("/v1/transactions");
        this.authorization = "Bearer " + token;
        this.participants = List.copyOf(participants);
        this.payloads = payloads;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public String label() {
        return "dtc";
    }

    /** The request body: participants p1..pN with their payloads, and the transaction timeout. */
    String body(long seq) {
        StringBuilder b = new StringBuilder(128 + 96 * participants.size()).append("{\"participants\":[");
        for (int i = 0; i < participants.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"name\":\"p").append(i + 1).append("\",\"url\":\"").append(participants.get(i))
                    .append("\",\"payload\":").append(payloads.payload(i, seq)).append('}');
        }
        return b.append("],\"timeoutMs\":").append(timeoutMs).append('}').toString();
    }

    @Override
    public Result run(long seq) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(transactions)
                .timeout(Duration.ofMillis(timeoutMs + 30_000))
                .header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(seq), StandardCharsets.UTF_8))
                .build();
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        JsonNode answer = response.statusCode() == 200 ? json.readTree(response.body()) : null;
        String outcome = answer == null ? null : answer.path("outcome").asText(null);
        if ("COMMITTED".equals(outcome)) {
            return Result.COMMITTED;
        }
        if ("ROLLED_BACK".equals(outcome)) {
            return Result.ROLLED_BACK;
        }
        throw new IllegalStateException("the coordinator answered HTTP " + response.statusCode() + ": "
                + new String(response.body(), 0, Math.min(300, response.body().length), StandardCharsets.UTF_8));
    }
}
