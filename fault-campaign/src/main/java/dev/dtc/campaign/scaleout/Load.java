package dev.dtc.campaign.scaleout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dtc.campaign.CoordinatorCalls;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Client threads posting one-shot transactions round-robin to the coordinators, each transaction keyed by a
 * client-made key (its payload, which both participants store beside the transaction id), and what each client was
 * told. A client that got no answer from a coordinator leaves it alone for a moment, as a load balancer would.
 */
final class Load {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long AVOID_NANOS = Duration.ofSeconds(2).toNanos();

    /** One transaction a client posted, and what it was told. */
    static final class Tx {
        final String key;
        final int coordinator;
        /** COMMITTED, ROLLED_BACK, REFUSED (an answer that starts nothing: 4xx, 503, connection refused), NO_ANSWER. */
        volatile String told = "NO_ANSWER";
        volatile String detail = "";
        volatile String id;

        Tx(String key, int coordinator) {
            this.key = key;
            this.coordinator = coordinator;
        }
    }

    private final Coordinators coordinators;
    private final String body;
    private final Duration timeout;
    private final ConcurrentLinkedQueue<Tx> txs = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> clients = new ArrayList<>();

    /**
     * @param bodyTemplate a one-shot body with {@code %KEY%} where the key goes (the participants' payload)
     * @param timeout      how long a client waits for an answer
     */
    Load(Coordinators coordinators, String bodyTemplate, Duration timeout) {
        this.coordinators = coordinators;
        this.body = bodyTemplate;
        this.timeout = timeout;
    }

    /** Starts {@code clients} threads; client {@code t} keys its transactions {@code prefix + t + "-" + n}. */
    void start(int clients, String prefix) {
        for (int t = 0; t < clients; t++) {
            int client = t;
            Thread c = new Thread(() -> run(client, prefix + client + "-"), "takeover-client-" + t);
            c.setDaemon(true);
            c.start();
            this.clients.add(c);
        }
    }

    private void run(int client, String keyPrefix) {
        int n = coordinators.count();
        long[] avoidUntil = new long[n];
        int next = client % n;
        for (int i = 0; !stop.get(); i++) {
            int c = next;
            for (int k = 0; k < n && avoidUntil[c] - System.nanoTime() > 0; k++) {
                c = (c + 1) % n; // skip the coordinators that lately gave no answer
            }
            next = (c + 1) % n;
            Tx tx = new Tx(keyPrefix + i, c);
            txs.add(tx);
            post(coordinators.calls(c), tx);
            if (!tx.told.equals("COMMITTED") && !tx.told.equals("ROLLED_BACK")) {
                avoidUntil[c] = System.nanoTime() + AVOID_NANOS;
                if (avoidUntil[next] - System.nanoTime() > 0) {
                    sleep(50);
                }
            }
        }
    }

    /** Stops the clients and waits for each to come back from its request. True if all did within the time. */
    boolean stop(Duration wait) throws InterruptedException {
        stop.set(true);
        long deadline = System.nanoTime() + wait.toNanos();
        boolean all = true;
        for (Thread c : clients) {
            c.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            all &= !c.isAlive();
        }
        return all;
    }

    List<Tx> transactions() {
        return List.copyOf(txs);
    }

    /** How many transactions coordinator {@code c} told its client COMMITTED so far. */
    long committedBy(int c) {
        return txs.stream().filter(t -> t.coordinator == c && "COMMITTED".equals(t.told)).count();
    }

    private void post(CoordinatorCalls calls, Tx tx) {
        try {
            HttpResponse<String> r = calls.post("/v1/transactions", body.replace("%KEY%", tx.key), timeout,
                    "Content-Type", "application/json");
            int status = r.statusCode();
            JsonNode j = JSON.readTree(r.body());
            if (status == 200) {
                tx.id = j.path("id").asText(null);
                String outcome = j.path("outcome").asText();
                tx.told = outcome.equals("COMMITTED") || outcome.equals("ROLLED_BACK") ? outcome : "NO_ANSWER";
                tx.detail = tx.told.equals("NO_ANSWER") ? " (outcome " + outcome + ")" : "";
            } else if (status == 503 || (status >= 400 && status < 500)) {
                tx.told = "REFUSED"; // documented to start nothing
                tx.detail = " (HTTP " + status + ": " + j.path("error").asText() + ")";
            } else {
                tx.told = "NO_ANSWER";
                tx.detail = " (HTTP " + status + ")";
                tx.id = j.path("id").asText(null);
            }
        } catch (ConnectException e) {
            tx.told = "REFUSED";
            tx.detail = " (connection refused)";
        } catch (IOException e) {
            tx.told = "NO_ANSWER";
            tx.detail = " (" + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            tx.told = "NO_ANSWER";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
