package dev.dtc.bench.remote;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Floor 2: the coordinator's participant calls alone, made by the client itself: prepare to every participant
 * (the body dtc sends: transaction id and payload), then commit to every participant. For three participants
 * that is six HTTP round trips with no request to a coordinator, no decision log and no bookkeeping.
 *
 * <p>The calls are made one after the other with the blocking {@code send}, not in parallel: on this machine
 * that is the cheapest way the JDK client makes them. Two parallel waves of {@code sendAsync} (prepare ×3, wait,
 * commit ×3, wait) measured 295 / 579 / 307 tx/s at 1 / 16 / 64 clients with 2.1–3.3 ms of CPU per transaction
 * in this JVM, against 636 / 1,648 / 1,783 tx/s and 0.9 ms for the sequential calls, even at one client where
 * parallel calls should win on latency: each async stage is a hand-off between the client's threads, and on two
 * busy cores every hand-off waits for a core. A floor should be the least these round trips can cost, so it is
 * the sequential form; a coordinator may still call in parallel for latency on a machine with idle cores.
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
        for (int i = 0; i < prepares.size(); i++) {
            call(prepares.get(i), "{\"transactionId\":\"" + id + "\",\"payload\":" + payloads.payload(i, seq) + "}");
        }
        String commit = "{\"transactionId\":\"" + id + "\"}";
        for (URI uri : commits) {
            call(uri, commit);
        }
        return Result.COMMITTED;
    }

    private void call(URI uri, String body) throws Exception {
        HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("a no-op participant answered " + uri + " with HTTP " + response.statusCode());
        }
    }
}
