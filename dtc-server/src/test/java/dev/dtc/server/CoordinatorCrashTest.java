package dev.dtc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator as a real process, killed at a protocol point ({@code --test-fault} halts it there) or by
 * {@code kill -9}, and restarted on the same data directory: what it decided is finished, what it did not is
 * rolled back, and participants that ask get the truth.
 */
class CoordinatorCrashTest {

    @TempDir
    Path dir;
    TestParticipant orders;
    TestParticipant inventory;
    TestParticipant payments;

    @AfterEach
    void close() throws Exception {
        for (TestParticipant p : new TestParticipant[] {orders, inventory, payments}) {
            if (p != null) {
                p.close();
            }
        }
    }

    private String threeParticipants() throws Exception {
        orders = new TestParticipant("orders");
        inventory = new TestParticipant("inventory");
        payments = new TestParticipant("payments");
        return Api.transaction(5_000, orders, inventory, payments);
    }

    @Test
    void killedAfterTheDecisionTheRestartCommitsEverywhere() throws Exception {
        String body = threeParticipants();
        try (ServerProcess first = ServerProcess.start(dir, "crash-a", "tok", "--test-fault", "halt-after-decision")) {
            assertThatThrownBy(() -> new Api(first.url, "tok").post(body)).isInstanceOf(IOException.class);
            assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(first.log()).contains("halting at transaction");
        }
        String id = orders.calls("prepare").get(0).transactionId();
        for (TestParticipant p : List.of(orders, inventory, payments)) {
            assertThat(p.ops(id)).containsExactly("prepare"); // all prepared, none told
        }

        try (ServerProcess second = ServerProcess.start(dir, "crash-a", "tok")) {
            Api api = new Api(second.url, "tok");
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    List.of(orders, inventory, payments).stream().allMatch(p -> p.ops(id).contains("commit")));
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    "COMPLETE".equals(api.get("/v1/transactions/" + id).body().path("phase2").asText()));
            Api.Answer a = api.get("/v1/transactions/" + id);
            assertThat(a.body().get("outcome").asText()).isEqualTo("COMMITTED");
            assertThat(second.log()).contains("RECOVERY_COMMIT").contains(id);
            // the server's own logging keeps the full audit trail: the steps (DEBUG) are there too
            await().atMost(Duration.ofSeconds(10)).until(() -> second.log().contains("END tx=" + id));
        }
        for (TestParticipant p : List.of(orders, inventory, payments)) {
            assertThat(p.ops(id)).doesNotContain("rollback");
        }
        // and after yet another restart the outcome is still known, from the history
        try (ServerProcess third = ServerProcess.start(dir, "crash-a", "tok")) {
            assertThat(new Api(third.url, "tok").get("/v1/transactions/" + id).body().get("outcome").asText())
                    .isEqualTo("COMMITTED");
        }
    }

    @Test
    void haltedBetweenCommitsOfAOneShotTransactionTheRestartCommitsTheRest() throws Exception {
        String body = threeParticipants();
        try (ServerProcess first = ServerProcess.start(dir, "crash-d", "tok", "--test-fault", "halt-between-commits")) {
            assertThatThrownBy(() -> new Api(first.url, "tok").post(body)).isInstanceOf(IOException.class);
            assertThat(first.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(first.log()).contains("halt-between-commits: halting at transaction");
        }
        String id = orders.calls("prepare").get(0).transactionId();
        assertOneCommittedThenRestartCommitsAll(id, "crash-d");
    }

    @Test
    void haltedBetweenCommitsOfAnOpenTransactionTheRestartCommitsTheRest() throws Exception {
        orders = new TestParticipant("orders");
        inventory = new TestParticipant("inventory");
        payments = new TestParticipant("payments");
        String id;
        try (ServerProcess first = ServerProcess.start(dir, "crash-e", "tok", "--test-fault", "halt-between-commits")) {
            Api api = new Api(first.url, "tok");
            Api.Answer begun = api.post("{\"open\": true, \"timeoutMs\": 30000}");
            assertThat(begun.status()).isEqualTo(201);
            id = begun.body().get("id").asText();
            for (TestParticipant p : List.of(orders, inventory, payments)) {
                assertThat(api.postTo("/v1/transactions/" + id + "/participants", "{\"name\": \"" + p.name
                        + "\", \"url\": \"" + p.url() + "\"}").status()).isEqualTo(201);
            }
            assertThatThrownBy(() -> api.postTo("/v1/transactions/" + id + "/commit", ""))
                    .isInstanceOf(IOException.class);
            assertThat(first.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(first.log()).contains("halt-between-commits: halting at transaction " + id);
        }
        assertOneCommittedThenRestartCommitsAll(id, "crash-e");
    }

    /** Exactly one participant was told to commit before the halt; the restart commits the others. */
    private void assertOneCommittedThenRestartCommitsAll(String id, String node) throws Exception {
        List<TestParticipant> all = List.of(orders, inventory, payments);
        assertThat(all.stream().filter(p -> p.ops(id).contains("commit")).count()).isEqualTo(1);
        try (ServerProcess second = ServerProcess.start(dir, node, "tok")) {
            Api api = new Api(second.url, "tok");
            await().atMost(Duration.ofSeconds(60)).until(() -> all.stream().allMatch(p -> p.ops(id).contains("commit")));
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    "COMPLETE".equals(api.get("/v1/transactions/" + id).body().path("phase2").asText()));
            assertThat(api.get("/v1/transactions/" + id).body().get("outcome").asText()).isEqualTo("COMMITTED");
        }
        for (TestParticipant p : all) {
            assertThat(p.ops(id)).doesNotContain("rollback");
        }
    }

    @Test
    void killedBeforeTheDecisionTheTransactionIsPresumedRolledBack() throws Exception {
        String body = threeParticipants();
        try (ServerProcess first = ServerProcess.start(dir, "crash-b", "tok", "--test-fault", "halt-before-decision")) {
            assertThatThrownBy(() -> new Api(first.url, "tok").post(body)).isInstanceOf(IOException.class);
            assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        String id = orders.calls("prepare").get(0).transactionId();
        try (ServerProcess second = ServerProcess.start(dir, "crash-b", "tok")) {
            Api.Answer a = new Api(second.url, "tok").get("/v1/transactions/" + id);
            assertThat(a.status()).isEqualTo(404);
            assertThat(a.body().get("outcome").asText()).isEqualTo("ROLLED_BACK");
            assertThat(a.body().get("presumed").asBoolean()).isTrue();
            Thread.sleep(1_500); // a recovery pass or two: nothing may be committed
        }
        for (TestParticipant p : List.of(orders, inventory, payments)) {
            assertThat(p.ops(id)).doesNotContain("commit");
        }
    }

    @Test
    void killMinusNineWhileACommitIsBeingRetriedTheRestartFinishesIt() throws Exception {
        String body = threeParticipants();
        payments.failPhaseTwo.set(1_000_000);
        String id;
        try (ServerProcess first = ServerProcess.start(dir, "crash-c", "tok")) {
            Api.Answer a = new Api(first.url, "tok").post(body);
            assertThat(a.body().get("phase2").asText()).isEqualTo("PENDING");
            id = a.body().get("id").asText();
            first.kill();
        }
        payments.failPhaseTwo.set(0);
        try (ServerProcess second = ServerProcess.start(dir, "crash-c", "tok")) {
            Api api = new Api(second.url, "tok");
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    "COMPLETE".equals(api.get("/v1/transactions/" + id).body().path("phase2").asText()));
        }
        assertThat(payments.ops(id)).contains("commit").doesNotContain("rollback");
    }

    @Test
    void fencingTokensKeepGrowingAfterKillMinusNine() throws Exception {
        long before;
        try (ServerProcess first = ServerProcess.start(dir, "crash-d", "tok")) {
            Api api = new Api(first.url, "tok");
            api.postTo("/v1/locks/l", "{\"owner\":\"a\",\"ttlMs\":60000}");
            before = api.postTo("/v1/locks/m", "{\"owner\":\"a\",\"ttlMs\":60000}").body().get("token").asLong();
            first.kill();
        }
        try (ServerProcess second = ServerProcess.start(dir, "crash-d", "tok")) {
            Api.Answer after = new Api(second.url, "tok").postTo("/v1/locks/l", "{\"owner\":\"b\",\"ttlMs\":60000}");
            assertThat(after.status()).isEqualTo(200);
            assertThat(after.body().get("token").asLong()).isGreaterThan(before);
        }
    }

    @Test
    void withoutATokenItRefusesToStart() throws Exception {
        assertThatThrownBy(() -> ServerProcess.start(dir, "no-token", null))
                .hasMessageContaining("no bearer token: set DTC_TOKEN or pass --token-file");
    }
}
