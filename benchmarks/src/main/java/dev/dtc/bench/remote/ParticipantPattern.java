package dev.dtc.bench.remote;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Floor 2: the coordinator's participant calls alone, made by the client itself: prepare to every participant
 * in parallel (the body dtc sends: transaction id and payload), wait for every vote, then commit to every
 * participant in parallel, wait for every answer. For three participants that is six HTTP round trips in two
 * waves, with no request to a coordinator, no decision log and no bookkeeping. The calls go out with
 * {@code sendAsync}, so no thread hand-offs are added beyond what {@link HttpClient} does itself.
 */
final class ParticipantPattern implements Workload {

    private final HttpClient client;
    private final List<URI> prepares = new ArrayList<>();
    private final List<URI> commits = new ArrayList<>();
    private final String authorization;
    private final PayloadSource payloads;

    ParticipantPattern(HttpClient client, List<URI> participants, String token, PayloadSource payloads) {
        this.client = client;
        for (URI p : participants) {
            prepares.add(URI.create(p + "/prepare"));
            commits.add(URI.create(p + "/commit"));
        }
        this.authorization = "Bearer " + token;
        this.payloads = payloads;
    }

    @Override
    public String label() {
        return "floor: " + 2 * prepares.size() + " calls";
    }

    @Override
    public Result run(long seq) throws Exception {
        String id = "floor~" + seq;
        List<CompletableFuture<HttpResponse<byte[]>>> wave = new ArrayList<>(prepares.size());
        for (int i = 0; i < prepares.size(); i++) {
            wave.add(send(prepares.get(i), "{\"transactionId\":\"" + id + "\",\"payload\":" + payloads.payload(i, seq) + "}"));
        }
        check(wave, "prepare");
        wave.clear();
        for (URI commit : commits) {
            wave.add(send(commit, "{\"transactionId\":\"" + id + "\"}"));
        }
        check(wave, "commit");
        return Result.COMMITTED;
    }

    private CompletableFuture<HttpResponse<byte[]>> send(URI uri, String body) {
        return client.sendAsync(HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void check(List<CompletableFuture<HttpResponse<byte[]>>> wave, String op) throws Exception {
        for (CompletableFuture<HttpResponse<byte[]>> f : wave) {
            int status = f.get().statusCode();
            if (status != 200) {
                throw new IllegalStateException("a no-op participant answered " + op + " with HTTP " + status);
            }
        }
    }
}
