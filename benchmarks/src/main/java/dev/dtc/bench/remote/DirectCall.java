package dev.dtc.bench.remote;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Floor 1: one HTTP round trip per "transaction", no coordination. The client POSTs the very body it would send
 * to dtc, with the same headers and the same {@link HttpClient}, to a no-op participant's {@code /prepare}, which
 * answers a vote at once. It is the fastest a client can get any answer from a server on this stack and machine:
 * dtc's rate divided by this one is what the whole coordination costs, the six participant calls included.
 */
final class DirectCall implements Workload {

    private final HttpClient client;
    private final URI target;
    private final String authorization;
    private final DtcTransactions bodies;

    DirectCall(HttpClient client, URI participant, String token, DtcTransactions bodies) {
        this.client = client;
        this.target = URI.create(participant + "/prepare");
        this.authorization = "Bearer " + token;
        this.bodies = bodies;
    }

    @Override
    public String label() {
        return "floor: 1 call";
    }

    @Override
    public Result run(long seq) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(target)
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(bodies.body(seq), StandardCharsets.UTF_8))
                .build();
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the no-op participant answered HTTP " + response.statusCode());
        }
        return Result.COMMITTED;
    }
}
