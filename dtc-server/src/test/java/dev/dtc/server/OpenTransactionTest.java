package dev.dtc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Open transactions over real HTTP: begun without participants, joined by services while they run, then committed,
 * rolled back or timed out, with every joined participant told.
 */
class OpenTransactionTest {
    private static final AtomicInteger NODES = new AtomicInteger();

    @TempDir
    Path dir;
    DtcServer server;
    Api api;
    final List<TestParticipant> participants = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = DtcServer.start(RemoteTransactionTest.config(dir, "open-" + NODES.incrementAndGet()));
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

    String begin(long timeoutMs) throws Exception {
        Api.Answer a = api.post("{\"open\": true, \"timeoutMs\": " + timeoutMs + "}");
        assertThat(a.status()).as(String.valueOf(a.body())).isEqualTo(201);
        assertThat(a.body().get("state").asText()).isEqualTo("OPEN");
        assertThat(a.body().get("outcome").asText()).isEqualTo("IN_PROGRESS");
        assertThat(a.body().get("participants")).isEmpty();
        String id = a.body().get("id").asText();
        assertThat(a.headers().get("location")).containsExactly("/v1/transactions/" + id);
        return id;
    }

    Api.Answer join(String id, TestParticipant p) throws Exception {
        return api.postTo("/v1/transactions/" + id + "/participants",
                "{\"name\": \"" + p.name + "\", \"url\": \"" + p.url() + "\"}");
    }

    static JsonNode vote(JsonNode answer, String name) {
        return RemoteTransactionTest.participant(answer, name);
    }

    @Test
    void joinedParticipantsArePreparedAsJoinedAndCommitted() throws Exception {
        TestParticipant inventory = participant("inventory");
        TestParticipant payments = participant("payments");
        String id = begin(30_000);
        assertThat(join(id, inventory).status()).isEqualTo(201);
        assertThat(join(id, payments).status()).isEqualTo(201);
        Api.Answer again = join(id, inventory);
        assertThat(again.status()).as("the same name and url join once").isEqualTo(200);
        assertThat(api.get("/v1/transactions/" + id).body().get("participants")).hasSize(2);
        assertThat(inventory.calls()).as("joining calls nobody").isEmpty();

        Api.Answer c = api.postTo("/v1/transactions/" + id + "/commit", "");
        assertThat(c.status()).as(String.valueOf(c.body())).isEqualTo(200);
        assertThat(c.body().get("outcome").asText()).isEqualTo("COMMITTED");
        assertThat(c.body().get("phase2").asText()).isEqualTo("COMPLETE");
        assertThat(c.body().has("state")).isFalse();
        for (TestParticipant p : List.of(inventory, payments)) {
            assertThat(p.ops(id)).containsExactly("prepare", "commit");
            JsonNode prepare = p.calls("prepare").get(0).body();
            assertThat(prepare.get("joined").asBoolean()).isTrue();
            assertThat(prepare.get("payload").isNull()).isTrue();
            assertThat(vote(c.body(), p.name).get("vote").asText()).isEqualTo("COMMIT");
        }
        List<String> types = new ArrayList<>();
        c.body().get("events").forEach(e -> types.add(e.get("type").asText()));
        assertThat(types).startsWith("BEGIN", "ENLIST", "ENLIST").contains("DECISION_FORCED", "TX_COMMITTED");

        Api.Answer repeat = api.postTo("/v1/transactions/" + id + "/commit", "{}");
        assertThat(repeat.status()).as("commit again: the same answer").isEqualTo(200);
        assertThat(repeat.body().get("outcome").asText()).isEqualTo("COMMITTED");
        assertThat(inventory.ops(id)).as("nothing is called twice").containsExactly("prepare", "commit");
        Api.Answer late = join(id, participant("late"));
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.body().get("error").asText()).contains("has committed");
        assertThat(api.postTo("/v1/transactions/" + id + "/rollback", "").status()).isEqualTo(409);
    }

    @Test
    void aRefusingParticipantRollsBackEveryoneWhoJoined() throws Exception {
        TestParticipant inventory = participant("inventory");
        TestParticipant payments = participant("payments");
        payments.vote = "ABORT";
        payments.reason = "card declined";
        String id = begin(30_000);
        join(id, inventory);
        join(id, payments);
        Api.Answer c = api.postTo("/v1/transactions/" + id + "/commit", "");
        assertThat(c.status()).isEqualTo(200);
        assertThat(c.body().get("outcome").asText()).isEqualTo("ROLLED_BACK");
        assertThat(c.body().get("reason").asText()).contains("card declined");
        assertThat(inventory.ops(id)).containsExactly("prepare", "rollback");
        assertThat(payments.ops(id)).containsExactly("prepare");
    }

    @Test
    void rollbackTellsEveryJoinedParticipantAndClosesTheTransaction() throws Exception {
        TestParticipant inventory = participant("inventory");
        String id = begin(30_000);
        join(id, inventory);
        assertThat(api.postTo("/v1/transactions/" + id + "/rollback", "{\"reason\": 7}").status()).isEqualTo(400);
        assertThat(api.postTo("/v1/transactions/" + id + "/rollback", "{\"why\": \"x\"}").status()).isEqualTo(400);
        Api.Answer r = api.postTo("/v1/transactions/" + id + "/rollback", "{\"reason\": \"inventory refused\"}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("outcome").asText()).isEqualTo("ROLLED_BACK");
        assertThat(r.body().get("reason").asText()).isEqualTo("rolled back by its client: inventory refused");
        assertThat(inventory.ops(id)).containsExactly("rollback");
        assertThat(join(id, participant("late")).status()).isEqualTo(409);
        Api.Answer c = api.postTo("/v1/transactions/" + id + "/commit", "");
        assertThat(c.status()).isEqualTo(409);
        assertThat(c.body().get("error").asText()).contains("rolled back");
        assertThat(api.postTo("/v1/transactions/" + id + "/rollback", "").status()).as("idempotent").isEqualTo(200);
        assertThat(inventory.ops(id)).containsExactly("rollback");
    }

    @Test
    void anOpenTransactionPastItsTimeoutIsRolledBackAndItsParticipantsTold() throws Exception {
        TestParticipant inventory = participant("inventory");
        TestParticipant payments = participant("payments");
        String id = begin(1_000);
        join(id, inventory);
        join(id, payments);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(inventory.ops(id)).containsExactly("rollback");
            assertThat(payments.ops(id)).containsExactly("rollback");
        });
        JsonNode view = api.get("/v1/transactions/" + id).body();
        assertThat(view.get("outcome").asText()).isEqualTo("ROLLED_BACK");
        assertThat(view.get("reason").asText()).contains("timed out");
        assertThat(vote(view, "inventory").get("vote").isNull()).as("never asked to prepare").isTrue();
        List<String> types = new ArrayList<>();
        view.get("events").forEach(e -> types.add(e.get("type").asText()));
        assertThat(types).contains("TIMEOUT", "DECISION_ROLLBACK", "TX_ROLLED_BACK");
        Api.Answer c = api.postTo("/v1/transactions/" + id + "/commit", "");
        assertThat(c.status()).isEqualTo(409);
        assertThat(c.body().get("error").asText()).contains("timed out");
        Api.Answer late = join(id, participant("late"));
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.body().get("error").asText()).contains("was rolled back (timed out");
    }

    @Test
    void aParticipantThatIsGoneAtPrepareVotesNoAnswerAndTheOthersRollBack() throws Exception {
        TestParticipant inventory = participant("inventory");
        TestParticipant payments = participant("payments");
        String id = begin(30_000);
        join(id, inventory);
        join(id, payments);
        payments.down();
        Api.Answer c = api.postTo("/v1/transactions/" + id + "/commit", "");
        assertThat(c.status()).isEqualTo(200);
        assertThat(c.body().get("outcome").asText()).isEqualTo("ROLLED_BACK");
        assertThat(vote(c.body(), "payments").get("vote").asText()).isEqualTo("NO_ANSWER");
        assertThat(inventory.ops(id)).containsExactly("prepare", "rollback");
    }

    @Test
    void badRequestsAreRefusedAndChangeNothing() throws Exception {
        TestParticipant inventory = participant("inventory");
        assertThat(api.post("{\"open\": false}").status()).isEqualTo(400);
        assertThat(api.post("{\"open\": true, \"participants\": []}").body().get("error").asText())
                .contains("\"participants\" is not allowed");
        assertThat(api.post("{\"open\": true, \"timeoutMs\": 0}").status()).isEqualTo(400);
        assertThat(api.post("{\"open\": true}", java.util.Map.of("Idempotency-Key", "k1")).status()).isEqualTo(400);
        String id = begin(30_000);
        assertThat(api.postTo("/v1/transactions/" + id + "/participants", "{\"name\": \"inventory\"}").body()
                .get("error").asText()).contains("not registered");
        assertThat(api.postTo("/v1/transactions/" + id + "/participants", "{\"name\": \"x\", \"url\": \"ftp://a\"}")
                .status()).isEqualTo(400);
        assertThat(api.postTo("/v1/transactions/" + id + "/participants", "{\"name\": \"x\", \"url\": \"http://a/\","
                + " \"payload\": 1}").status()).isEqualTo(400);
        assertThat(api.postTo("/v1/transactions/" + id + "/commit", "{\"now\": true}").status()).isEqualTo(400);
        assertThat(api.postTo("/v1/transactions/" + id + "/frobnicate", "").status()).isEqualTo(404);
        assertThat(api.get("/v1/transactions/" + id + "/commit").status()).isEqualTo(405);
        assertThat(api.get("/v1/transactions/" + id).body().get("participants")).isEmpty();
        join(id, inventory);
        Api.Answer other = api.postTo("/v1/transactions/" + id + "/participants",
                "{\"name\": \"inventory\", \"url\": \"http://127.0.0.1:1/tx\"}");
        assertThat(other.status()).isEqualTo(409);
        assertThat(other.body().get("error").asText()).contains("has joined transaction");
        String unknown = id.substring(0, id.lastIndexOf('~') + 1) + "999999";
        assertThat(api.postTo("/v1/transactions/" + unknown + "/participants", "{\"name\": \"a\", \"url\": \"http://a/\"}")
                .status()).isEqualTo(404);
        assertThat(api.postTo("/v1/transactions/" + unknown + "/commit", "").status()).isEqualTo(404);
        Api.Answer oneShot = api.post(Api.transaction(5_000, inventory));
        assertThat(api.postTo("/v1/transactions/" + oneShot.body().get("id").asText() + "/commit", "").status())
                .isEqualTo(409);
        assertThat(api.postTo("/v1/transactions/" + id + "/commit", "").body().get("outcome").asText())
                .isEqualTo("COMMITTED");
    }

    @Test
    void aCommitWithNobodyJoinedCommitsNothing() throws Exception {
        String id = begin(30_000);
        Api.Answer c = api.postTo("/v1/transactions/" + id + "/commit", "");
        assertThat(c.status()).isEqualTo(200);
        assertThat(c.body().get("outcome").asText()).isEqualTo("COMMITTED");
        assertThat(c.body().get("participants")).isEmpty();
    }
}
