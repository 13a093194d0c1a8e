package dev.dtc.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lock service over real HTTP: exclusion, fencing, expiry, fair waiting, tokens across restarts. */
class LockServiceTest {
    private static final AtomicInteger NODES = new AtomicInteger();

    @TempDir
    Path dir;
    String node;
    DtcServer server;
    Api api;

    @BeforeEach
    void start() throws Exception {
        node = "locks-" + NODES.incrementAndGet();
        server = DtcServer.start(RemoteTransactionTest.config(dir, node));
        api = new Api(server.url(), "s3cret");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Api.Answer acquire(String lock, String owner, long ttlMs, long waitMs) throws Exception {
        return api.postTo("/v1/locks/" + lock, "{\"owner\":\"" + owner + "\",\"ttlMs\":" + ttlMs + ",\"waitMs\":" + waitMs + "}");
    }

    private Api.Answer release(String lock, String owner, long token) throws Exception {
        return api.delete("/v1/locks/" + lock, "{\"owner\":\"" + owner + "\",\"token\":" + token + "}");
    }

    /** A resource guarded by fencing: it refuses a write whose token is lower than the last it accepted. */
    static final class GuardedStore {
        private long lastToken;
        private final List<String> writes = new ArrayList<>();

        synchronized boolean write(long token, String what) {
            if (token < lastToken) {
                return false;
            }
            lastToken = token;
            writes.add(what);
            return true;
        }
    }

    @Test
    void thirtyTwoClientsNeverHoldTheLockAtOnceAndTokensOnlyGrow() throws Exception {
        int clients = 32;
        int rounds = 10;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicLong lastToken = new AtomicLong();
        AtomicInteger nonIncreasing = new AtomicInteger();
        List<Long> tokens = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            String owner = "client-" + c;
            all.add(CompletableFuture.runAsync(() -> {
                try {
                    for (int r = 0; r < rounds; r++) {
                        Api.Answer a = acquire("hot", owner, 30_000, 60_000);
                        assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
                        long token = a.body().get("token").asLong();
                        if (inside.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        long before = lastToken.getAndSet(token);
                        if (token <= before) {
                            nonIncreasing.incrementAndGet();
                        }
                        tokens.add(token);
                        inside.decrementAndGet();
                        assertThat(release("hot", owner, token).status()).isEqualTo(204);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, pool));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        pool.shutdown();
        assertThat(overlaps).hasValue(0);
        assertThat(nonIncreasing).hasValue(0);
        assertThat(tokens).hasSize(clients * rounds).doesNotHaveDuplicates();
    }

    @Test
    void aHolderThatPausesPastItsLeaseIsFencedOut() throws Exception {
        GuardedStore store = new GuardedStore();
        Api.Answer slow = acquire("stock-widget", "slow", 300, 0);
        long slowToken = slow.body().get("token").asLong();
        Api.Answer busy = acquire("stock-widget", "fast", 300, 0);
        assertThat(busy.status()).isEqualTo(409);
        assertThat(busy.body().get("holder").asText()).isEqualTo("slow");

        Thread.sleep(600); // the slow holder pauses past its lease: it expires by itself
        Api.Answer fast = acquire("stock-widget", "fast", 10_000, 0);
        assertThat(fast.status()).isEqualTo(200);
        long fastToken = fast.body().get("token").asLong();
        assertThat(fastToken).isGreaterThan(slowToken);
        assertThat(store.write(fastToken, "fast restocks")).isTrue();

        assertThat(store.write(slowToken, "slow restocks late")).isFalse();
        Api.Answer renew = api.postTo("/v1/locks/stock-widget/renew",
                "{\"owner\":\"slow\",\"token\":" + slowToken + ",\"ttlMs\":1000}");
        assertThat(renew.status()).isEqualTo(409);
        assertThat(release("stock-widget", "slow", slowToken).status()).isEqualTo(409);
        assertThat(api.get("/v1/locks/stock-widget").body().get("holder").asText()).isEqualTo("fast");
        assertThat(store.writes).containsExactly("fast restocks");
    }

    @Test
    void waitersAreServedInTheOrderTheyCame() throws Exception {
        long holder = acquire("fifo", "holder", 30_000, 0).body().get("token").asLong();
        List<CompletableFuture<Api.Answer>> waiting = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int i = 0; i < 4; i++) {
            String owner = "w" + i;
            waiting.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return acquire("fifo", owner, 30_000, 30_000);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, pool));
            int n = i + 1;
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> api.get("/v1/locks/fifo").body().get("waiters").asInt() == n);
        }
        release("fifo", "holder", holder);
        long last = holder;
        for (int i = 0; i < 4; i++) {
            Api.Answer a = waiting.get(i).get(10, TimeUnit.SECONDS);
            assertThat(a.body().get("owner").asText()).isEqualTo("w" + i);
            assertThat(a.body().get("token").asLong()).isGreaterThan(last);
            last = a.body().get("token").asLong();
            assertThat(waiting.subList(i + 1, 4)).allSatisfy(f -> assertThat(f).isNotDone());
            release("fifo", "w" + i, last);
        }
        pool.shutdown();
        Api.Answer timedOut = acquire("fifo-2", "a", 30_000, 0);
        Api.Answer gaveUp = acquire("fifo-2", "b", 30_000, 200);
        assertThat(timedOut.status()).isEqualTo(200);
        assertThat(gaveUp.status()).isEqualTo(409);
        assertThat(api.get("/v1/locks/fifo-2").body().get("waiters").asInt()).isZero();
    }

    @Test
    void tokensKeepGrowingAcrossARestart() throws Exception {
        long before = acquire("t", "a", 30_000, 0).body().get("token").asLong();
        server.close();
        server = DtcServer.start(RemoteTransactionTest.config(dir, node));
        api = new Api(server.url(), "s3cret");
        Api.Answer after = acquire("t", "b", 30_000, 0);
        assertThat(after.status()).as("leases live in memory: the lock is free after a restart").isEqualTo(200);
        assertThat(after.body().get("token").asLong()).isGreaterThan(before);
    }

    @Test
    void badLockRequestsAreRefusedAndChangeNothing() throws Exception {
        String[][] cases = {
                {"{\"ttlMs\":1000}", "\"owner\" is required"},
                {"{\"owner\":\"a\"}", "\"ttlMs\" is required"},
                {"{\"owner\":\"a\",\"ttlMs\":1000,\"waitMs\":-1}", "\"waitMs\" must be"},
                {"{\"owner\":\"a\",\"ttlMs\":1000,\"x\":1}", "unknown field \"x\""},
        };
        for (String[] c : cases) {
            Api.Answer a = api.postTo("/v1/locks/l", c[0]);
            assertThat(a.status()).as(c[0]).isEqualTo(400);
            assertThat(a.body().get("error").asText()).contains(c[1]);
        }
        assertThat(new Api(server.url(), "wrong").postTo("/v1/locks/l", "{\"owner\":\"a\",\"ttlMs\":1000}").status())
                .isEqualTo(401);
        assertThat(api.get("/v1/locks/l").body().has("holder")).isFalse();
    }

    /**
     * A hot lock in a tight loop over kept-alive connections: each client asks again the moment it has its answer,
     * often on the connection that carried it. Answers to waiting requests are written from the thread that
     * freed the lock; on Jetty 12.1.14 such an answer could be lost to a double completion of the exchange when
     * the next request came on the same connection at once (jetty/jetty.project#14745): the client saw its
     * connection closed without an answer, and the lock stayed granted to it until the lease ran out. Every pair
     * must complete, and the lock must pass from client to client without a stall.
     */
    @Test
    void aHotLockPassedOnInATightLoopLosesNoAnswer() throws Exception {
        int clients = 6;
        int pairs = 120;
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        // the coordinator in a JVM of its own, as users run it: in this JVM the timing hides the race
        ServerProcess coordinator = ServerProcess.start(dir.resolve("hot"), node + "-hot", "s3cret");
        String url = coordinator.url;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<CompletableFuture<Integer>> all = new ArrayList<>();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        for (int c = 0; c < clients; c++) {
            String owner = "tight-" + c;
            all.add(CompletableFuture.supplyAsync(() -> {
                int done = 0;
                try {
                    for (int i = 0; i < pairs; i++) {
                        java.net.http.HttpResponse<String> a = http.send(java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create(url + "/v1/locks/hot"))
                                .timeout(java.time.Duration.ofSeconds(60)).header("Authorization", "Bearer s3cret")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"owner\":\"" + owner
                                        + "\",\"ttlMs\":30000,\"waitMs\":60000}")).build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString());
                        assertThat(a.statusCode()).as(a.body()).isEqualTo(200);
                        long token = Api.JSON.readTree(a.body()).get("token").asLong();
                        if (inside.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        inside.decrementAndGet();
                        java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create(url + "/v1/locks/hot"))
                                .timeout(java.time.Duration.ofSeconds(60)).header("Authorization", "Bearer s3cret")
                                .method("DELETE", java.net.http.HttpRequest.BodyPublishers.ofString("{\"owner\":\""
                                        + owner + "\",\"token\":" + token + "}")).build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString());
                        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
                        done++;
                    }
                } catch (Exception e) {
                    throw new AssertionError(owner + " after " + done + " pairs: " + e, e);
                }
                return done;
            }, pool));
        }
        try {
            int total = 0;
            for (CompletableFuture<Integer> f : all) {
                // a lost grant stalls the lock for its 30 s lease: far beyond what the pairs take
                total += f.get(120, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(clients * pairs);
            assertThat(overlaps.get()).isZero();
            assertThat(new Api(url, "s3cret").get("/v1/locks/hot").body().has("holder")).isFalse();
        } finally {
            pool.shutdownNow();
            coordinator.close();
        }
    }
}
