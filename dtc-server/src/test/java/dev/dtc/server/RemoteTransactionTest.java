package dev.dtc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two-phase commit over real HTTP between a coordinator and participant services, in one JVM. */
class RemoteTransactionTest {
    private static final AtomicInteger NODES = new AtomicInteger();

    @TempDir
    Path dir;
    DtcServer server;
    String node;
    Api api;
    final List<TestParticipant> participants = new ArrayList<>();

    static ServerConfig config(Path dir, String node) {
        return new ServerConfig("127.0.0.1", 0, dir, node, "s3cret", 32, 1 << 20, Duration.ofDays(7),
                Duration.ofSeconds(1), Duration.ofSeconds(2), Faults.NONE);
    }

    @BeforeEach
    void start() throws Exception {
        node = "rt-" + NODES.incrementAndGet();
        server = DtcServer.start(config(dir, node));
        api = new Api(server.url(), "s3cret");
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        for (TestParticipant p : participants) {
            p.close();
        }
    }

    TestParticipant participant(String name) throws Exception {
        TestParticipant p = new TestParticipant(name);
        participants.add(p);
        return p;
    }

    static JsonNode participant(JsonNode answer, String name) {
        for (JsonNode p : answer.get("participants")) {
            if (p.get("name").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError(name + " not in " + answer);
    }

    @Test
    void allVoteCommitSoAllCommitAndTheOutcomeIsKept() throws Exception {
        TestParticipant orders = participant("orders");
        TestParticipant inventory = participant("inventory");
        TestParticipant payments = participant("payments");

        Api.Answer a = api.post(Api.transaction(5_000, orders, inventory, payments));

        assertThat(a.status()).isEqualTo(200);
        String id = a.body().get("id").asText();
        assertThat(a.body().get("outcome").asText()).isEqualTo("COMMITTED");
        assertThat(a.body().get("phase2").asText()).isEqualTo("COMPLETE");
        for (TestParticipant p : List.of(orders, inventory, payments)) {
            assertThat(p.ops(id)).containsExactly("prepare", "commit");
            assertThat(p.calls()).allSatisfy(c -> assertThat(c.authorization()).isEqualTo("Bearer s3cret"));
            // how long the coordinator waits for the answer: at most the transaction's 5 s for the prepare
            assertThat(Long.parseLong(p.calls("prepare").get(0).timeoutMs())).isBetween(1L, 5_000L);
            assertThat(participant(a.body(), p.name).get("vote").asText()).isEqualTo("COMMIT");
            assertThat(participant(a.body(), p.name).get("acknowledged").asBoolean()).isTrue();
        }
        assertThat(orders.calls("prepare").get(0).body().get("payload").get("n").asInt()).isZero();
        assertThat(payments.calls("prepare").get(0).body().get("payload").get("n").asInt()).isEqualTo(2);
        List<String> types = new ArrayList<>();
        a.body().get("events").forEach(e -> types.add(e.get("type").asText()));
        assertThat(types).contains("BEGIN", "PREPARE_SENT", "VOTE_COMMIT", "DECISION_FORCED", "COMMIT_SENT",
                "COMMITTED", "TX_COMMITTED");
        assertThat(types.indexOf("DECISION_FORCED")).isLessThan(types.indexOf("COMMIT_SENT"));

        Api.Answer g = api.get("/v1/transactions/" + id);
        assertThat(g.status()).isEqualTo(200);
        assertThat(g.body().get("outcome").asText()).isEqualTo("COMMITTED");
        // the outcome reaches the history (forced there before the decision's END record is written)
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(onlyOutcomeFile()).contains("\"id\":\"" + id + "\""));
    }

    private Path onlyOutcomeFile() throws Exception {
        try (var s = Files.list(dir.resolve("outcomes"))) {
            List<Path> files = s.toList();
            assertThat(files).hasSize(1);
            return files.get(0);
        }
    }

    @Test
    void oneParticipantStillGetsBothPhasesAndALoggedDecision() throws Exception {
        TestParticipant only = participant("only");
        Api.Answer a = api.post(Api.transaction(5_000, only));
        String id = a.body().get("id").asText();
        assertThat(a.body().get("outcome").asText()).isEqualTo("COMMITTED");
        assertThat(only.ops(id)).containsExactly("prepare", "commit");
        assertThat(a.body().toString()).contains("DECISION_FORCED");
    }

    @Test
    void anAbortVoteRollsBackTheOthersAndCarriesItsReason() throws Exception {
        TestParticipant orders = participant("orders");
        TestParticipant inventory = participant("inventory");
        inventory.vote = "ABORT";
        inventory.reason = "insufficient stock for sku-7";

        Api.Answer a = api.post(Api.transaction(5_000, orders, inventory));

        String id = a.body().get("id").asText();
        assertThat(a.body().get("outcome").asText()).isEqualTo("ROLLED_BACK");
        assertThat(participant(a.body(), "inventory").get("vote").asText()).isEqualTo("ABORT");
        assertThat(participant(a.body(), "inventory").get("reason").asText()).isEqualTo("insufficient stock for sku-7");
        assertThat(a.body().get("reason").asText()).contains("inventory").contains("insufficient stock");
        assertThat(orders.ops(id)).containsExactly("prepare", "rollback");
        assertThat(inventory.ops(id)).containsExactly("prepare");
        assertThat(api.get("/v1/transactions/" + id).body().get("outcome").asText()).isEqualTo("ROLLED_BACK");
    }

    @Test
    void aParticipantThatDoesNotAnswerInTimeCountsAsAbortAndIsStillToldToRollBack() throws Exception {
        TestParticipant orders = participant("orders");
        TestParticipant slow = participant("slow");
        slow.prepareDelay = Duration.ofMillis(1_500);

        long t0 = System.nanoTime();
        Api.Answer a = api.post(Api.transaction(300, orders, slow));
        long tookMs = (System.nanoTime() - t0) / 1_000_000;

        String id = a.body().get("id").asText();
        assertThat(a.body().get("outcome").asText()).isEqualTo("ROLLED_BACK");
        assertThat(participant(a.body(), "slow").get("vote").asText()).isEqualTo("NO_ANSWER");
        assertThat(tookMs).as("answered without waiting for the slow participant").isLessThan(1_500);
        assertThat(orders.ops(id)).containsExactly("prepare", "rollback");
        await().atMost(Duration.ofSeconds(20)).until(() -> slow.ops(id).contains("rollback"));
        assertThat(slow.ops(id)).doesNotContain("commit");
    }

    @Test
    void refusedConnectionsAndAnswersThatAreNotVotesCountAsAbort() throws Exception {
        TestParticipant orders = participant("orders");
        TestParticipant broken = participant("broken");
        broken.prepareStatus = 500;
        broken.prepareBody = "{\"error\":\"boom\"}";
        TestParticipant gone = participant("gone");
        gone.down();

        Api.Answer a = api.post(Api.transaction(2_000, orders, broken, gone));

        String id = a.body().get("id").asText();
        assertThat(a.body().get("outcome").asText()).isEqualTo("ROLLED_BACK");
        assertThat(participant(a.body(), "broken").get("vote").asText()).isEqualTo("ABORT");
        assertThat(participant(a.body(), "broken").get("reason").asText()).contains("HTTP 500");
        assertThat(participant(a.body(), "gone").get("vote").asText()).isEqualTo("NO_ANSWER");
        assertThat(participant(a.body(), "gone").get("reason").asText()).contains("refused");
        assertThat(orders.ops(id)).containsExactly("prepare", "rollback");
        await().atMost(Duration.ofSeconds(10)).until(() -> broken.ops(id).contains("rollback"));

        broken.prepareStatus = 200;
        broken.prepareBody = "{\"vote\":\"MAYBE\"}";
        Api.Answer b = api.post(Api.transaction(2_000, orders, broken));
        assertThat(b.body().get("outcome").asText()).isEqualTo("ROLLED_BACK");
        assertThat(participant(b.body(), "broken").get("reason").asText()).contains("not a vote");
    }

    @Test
    void commitIsRetriedUntilTheParticipantAcknowledges() throws Exception {
        TestParticipant orders = participant("orders");
        TestParticipant flaky = participant("flaky");
        flaky.failPhaseTwo.set(3);

        Api.Answer a = api.post(Api.transaction(5_000, orders, flaky));

        String id = a.body().get("id").asText();
        assertThat(a.body().get("outcome").asText()).isEqualTo("COMMITTED");
        assertThat(a.body().get("phase2").asText()).isEqualTo("PENDING");
        assertThat(participant(a.body(), "flaky").get("acknowledged").asBoolean()).isFalse();
        await().atMost(Duration.ofSeconds(20)).until(() ->
                api.get("/v1/transactions/" + id).body().get("phase2").asText().equals("COMPLETE"));
        assertThat(flaky.calls("commit")).hasSize(4);
        assertThat(api.get("/v1/transactions/" + id).body().toString()).contains("RETRY");
    }

    @Test
    void aCommitToAParticipantThatIsDownGoesOnUntilItIsBack() throws Exception {
        TestParticipant orders = participant("orders");
        TestParticipant later = participant("later");
        later.failPhaseTwo.set(1_000_000); // "down" for phase 2 only: it must have prepared

        Api.Answer a = api.post(Api.transaction(5_000, orders, later));
        String id = a.body().get("id").asText();
        assertThat(a.body().get("phase2").asText()).isEqualTo("PENDING");
        // past the engine's bounded retries: recovery passes carry on
        await().atMost(Duration.ofSeconds(30)).until(() -> later.calls("commit").size() >= 7);
        later.failPhaseTwo.set(0);
        await().atMost(Duration.ofSeconds(40)).until(() ->
                api.get("/v1/transactions/" + id).body().get("phase2").asText().equals("COMPLETE"));
    }

    @Test
    void readOnlyVotersAreNotCalledAgain() throws Exception {
        TestParticipant orders = participant("orders");
        TestParticipant reader = participant("reader");
        reader.vote = "READ_ONLY";
        Api.Answer a = api.post(Api.transaction(5_000, orders, reader));
        String id = a.body().get("id").asText();
        assertThat(a.body().get("outcome").asText()).isEqualTo("COMMITTED");
        assertThat(reader.ops(id)).containsExactly("prepare");
        assertThat(orders.ops(id)).containsExactly("prepare", "commit");
    }

    @Test
    void withoutTheRightTokenNothingHappens() throws Exception {
        TestParticipant orders = participant("orders");
        for (String token : new String[] {null, "wrong"}) {
            Api bad = new Api(server.url(), token);
            Api.Answer a = bad.post(Api.transaction(5_000, orders));
            assertThat(a.status()).isEqualTo(401);
            assertThat(a.body().get("error").asText()).contains("Authorization: Bearer");
            assertThat(bad.get("/v1/transactions/x").status()).isEqualTo(401);
        }
        assertThat(orders.calls()).isEmpty();
        assertThat(Files.exists(dir.resolve("outcomes")) ? Files.list(dir.resolve("outcomes")).count() : 0).isZero();
    }

    @Test
    void badRequestsAreRefusedWithWhatToFixAndStartNothing() throws Exception {
        TestParticipant p = participant("p");
        String url = p.url();
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("not json", "not valid JSON");
        cases.put("[]", "must be a JSON object");
        cases.put("{\"participants\":[{\"name\":\"a\",\"url\":\"" + url + "\"}]} trailing", "not valid JSON");
        cases.put("{\"participants\":[{\"name\":\"a\",\"name\":\"b\",\"url\":\"" + url + "\"}]}", "not valid JSON");
        cases.put("{\"participants\":[]}", "at least one participant");
        cases.put("{\"participants\":[{\"name\":\"a\",\"url\":\"" + url + "\"}],\"extra\":1}", "unknown field \"extra\"");
        cases.put("{\"participants\":[{\"name\":\"a\",\"url\":\"" + url + "\",\"colour\":1}]}", "unknown field \"colour\"");
        cases.put("{\"participants\":[{\"name\":\"a\"}]}", "is not registered");
        cases.put("{\"participants\":[{\"name\":\"a\",\"url\":\"ftp://x/y\"}]}", "http:// or https://");
        cases.put("{\"participants\":[{\"name\":\"a\",\"url\":\"" + url + "\"},{\"name\":\"a\",\"url\":\"" + url + "\"}]}",
                "used twice");
        cases.put("{\"participants\":[{\"name\":\"a\",\"url\":\"" + url + "\"}],\"timeoutMs\":0}", "from 1 to 600000");
        cases.put("{\"participants\":[{\"name\":\"a\",\"url\":\"" + url + "\"}],\"timeoutMs\":600001}", "from 1 to 600000");
        cases.put("{\"participants\":[{\"name\":\"a b\",\"url\":\"" + url + "\"}]}", "participant name must be");
        StringBuilder many = new StringBuilder("{\"participants\":[");
        for (int i = 0; i < 33; i++) {
            many.append(i == 0 ? "" : ",").append("{\"name\":\"p").append(i).append("\",\"url\":\"").append(url).append("\"}");
        }
        cases.put(many.append("]}").toString(), "at most 32");
        cases.put("{\"participants\":[{\"name\":\"a\",\"url\":\"" + url + "\",\"payload\":\"" + "x".repeat(1 << 20) + "\"}]}",
                "larger than");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Api.Answer a = api.post(c.getKey());
            assertThat(a.status()).as(c.getValue()).isEqualTo(400);
            assertThat(a.body().get("error").asText()).as(c.getKey().length() > 200 ? c.getValue() : c.getKey())
                    .contains(c.getValue());
        }
        assertThat(p.calls()).isEmpty();
        assertThat(api.get("/v1/transactions/" + "bad%20id").status()).isEqualTo(400);
    }

    @Test
    void anotherCoordinatorsIdIsNotPresumedAnything() throws Exception {
        Api.Answer a = api.get("/v1/transactions/nobody~1~1");
        assertThat(a.status()).isEqualTo(421);
        assertThat(a.body().has("outcome")).isFalse();
        assertThat(a.body().get("error").asText()).contains("not begun by this coordinator");
    }

    @Test
    void theBearerSchemeIsCaseInsensitiveButTheTokenIsNot() throws Exception {
        TestParticipant orders = participant("orders");
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        for (String[] c : new String[][] {{"bearer s3cret", "200"}, {"BEARER s3cret", "200"}, {"Bearer S3CRET", "401"}}) {
            var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url() + "/v1/transactions"))
                    .header("Authorization", c[0])
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Api.transaction(5_000, orders))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(c[0]).isEqualTo(Integer.parseInt(c[1]));
        }
    }

    @Test
    void concurrentRequestsWithOneKeyRunOneTransactionAndAllSeeItsOutcome() throws Exception {
        TestParticipant orders = participant("orders");
        TestParticipant inventory = participant("inventory");
        inventory.prepareDelay = Duration.ofMillis(200);
        String body = Api.transaction(5_000, orders, inventory);
        // threads of its own: the common pool may run one task at a time on a two-core machine
        java.util.concurrent.ExecutorService four = java.util.concurrent.Executors.newFixedThreadPool(4);
        for (int round = 0; round < 3; round++) {
            String key = "race-" + round;
            List<java.util.concurrent.CompletableFuture<Api.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                answers.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return api.post(body, Map.of("Idempotency-Key", key));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, four));
            }
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (var f : answers) {
                Api.Answer a = f.get();
                assertThat(a.status()).isEqualTo(200);
                assertThat(a.body().get("outcome").asText()).as(a.body().toString()).isEqualTo("COMMITTED");
                ids.add(a.body().get("id").asText());
            }
            assertThat(ids).hasSize(1);
        }
        four.shutdown();
        assertThat(orders.calls("prepare")).hasSize(3);
    }

    @Test
    void anUnknownIdIsPresumedRolledBack() throws Exception {
        Api.Answer a = api.get("/v1/transactions/" + node + "~1~1");
        assertThat(a.status()).isEqualTo(404);
        assertThat(a.body().get("outcome").asText()).isEqualTo("ROLLED_BACK");
        assertThat(a.body().get("presumed").asBoolean()).isTrue();
    }

    @Test
    void aRetriedRequestWithTheSameIdempotencyKeyReturnsTheFirstTransaction() throws Exception {
        TestParticipant orders = participant("orders");
        TestParticipant inventory = participant("inventory");
        String body = Api.transaction(5_000, orders, inventory);

        Api.Answer first = api.post(body, Map.of("Idempotency-Key", "order-42"));
        Api.Answer again = api.post(body, Map.of("Idempotency-Key", "order-42"));
        Api.Answer other = api.post(body.replace("\"n\":0", "\"n\":9"), Map.of("Idempotency-Key", "order-42"));

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().get("id").asText()).isEqualTo(first.body().get("id").asText());
        assertThat(again.body().get("outcome").asText()).isEqualTo("COMMITTED");
        assertThat(orders.calls("prepare")).hasSize(1);
        assertThat(other.status()).isEqualTo(409);
        assertThat(other.body().get("error").asText()).contains("different body");
    }

    @Test
    void outcomesAndKeysSurviveARestart() throws Exception {
        TestParticipant orders = participant("orders");
        TestParticipant inventory = participant("inventory");
        inventory.vote = "ABORT";
        String body = Api.transaction(5_000, orders);
        String committed = api.post(body, Map.of("Idempotency-Key", "k1")).body().get("id").asText();
        String rolledBack = api.post(Api.transaction(5_000, orders, inventory)).body().get("id").asText();
        server.close();
        server = DtcServer.start(config(dir, node));
        api = new Api(server.url(), "s3cret");

        assertThat(api.get("/v1/transactions/" + committed).body().get("outcome").asText()).isEqualTo("COMMITTED");
        assertThat(api.get("/v1/transactions/" + rolledBack).body().get("outcome").asText()).isEqualTo("ROLLED_BACK");
        Api.Answer replay = api.post(body, Map.of("Idempotency-Key", "k1"));
        assertThat(replay.body().get("id").asText()).isEqualTo(committed);
        assertThat(orders.calls("prepare")).hasSize(2);
    }
}
