package dev.dtc.participant;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The protocol over real HTTP against PostgreSQL and MariaDB: every answer is checked against the database itself
 * (the work's rows, the records table, the server's prepared branches).
 */
class ParticipantProtocolTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<KitDatabase> databases() {
        return KitDatabase.all();
    }

    /** A started participant with a fresh name (MariaDB lists prepared branches server-wide) and its HTTP face. */
    private static final class Rig implements AutoCloseable {
        final KitDatabase db;
        final String name = "inv-" + UUID.randomUUID().toString().substring(0, 8);
        final InventoryWork work = new InventoryWork();
        final Participant participant;
        final Served http;

        Rig(KitDatabase db) throws Exception {
            this.db = db;
            db.prepareSchema();
            participant = Participant.builder().name(name).xaDataSource(db.xaDataSource()).work(work)
                    // nothing answers there: recovery must never finish a branch in these tests
                    .coordinator(URI.create("http://127.0.0.1:9")).token(Served.TOKEN)
                    .recoveryInterval(Duration.ofHours(1)).build().start();
            http = new Served(participant);
        }

        @Override
        public void close() {
            http.close();
            participant.close();
            assertThat(participant.openConnections()).as("connections left open").isZero();
        }
    }

    private static String txId() {
        return "tx-" + UUID.randomUUID();
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void prepareThenCommitMakesTheWorkVisibleAndLeavesNothingPrepared(KitDatabase db) throws Exception {
        try (Rig rig = new Rig(db)) {
            String tx = txId();
            HttpResponse<String> prepared = rig.http.prepare(tx, "{\"sku\":\"sku-7\"}");

            assertThat(prepared.statusCode()).isEqualTo(200);
            assertThat(json(prepared).get("vote").asText()).isEqualTo("COMMIT");
            assertThat(db.preparedTransactions(rig.name)).as("prepared in the server").containsExactly(tx);
            assertThat(db.reservations(tx)).as("invisible while prepared").isZero();

            HttpResponse<String> committed = rig.http.commit(tx);

            assertThat(committed.statusCode()).isEqualTo(200);
            assertThat(json(committed).get("state").asText()).isEqualTo("COMMITTED");
            assertThat(json(committed).get("transactionId").asText()).isEqualTo(tx);
            assertThat(db.reservations(tx)).isEqualTo(1);
            assertThat(db.recordedState(rig.name, tx)).isEqualTo("COMMITTED");
            assertThat(db.preparedTransactions(rig.name)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void refusalVotesAbortWithTheReasonAndChangesNothing(KitDatabase db) throws Exception {
        try (Rig rig = new Rig(db)) {
            String tx = txId();
            HttpResponse<String> r = rig.http.prepare(tx, "{\"refuse\":\"insufficient stock for sku-7\"}");

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(json(r).get("vote").asText()).isEqualTo("ABORT");
            assertThat(json(r).get("reason").asText()).isEqualTo("insufficient stock for sku-7");
            assertThat(db.reservations(tx)).isZero();
            assertThat(db.preparedTransactions(rig.name)).isEmpty();
            assertThat(db.recordedState(rig.name, tx)).isEqualTo("ABORTED");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void sqlErrorInTheWorkVotesAbortWithTheDatabaseMessage(KitDatabase db) throws Exception {
        try (Rig rig = new Rig(db)) {
            String tx = txId();
            HttpResponse<String> r = rig.http.prepare(tx, "{\"badSql\":true}");

            assertThat(json(r).get("vote").asText()).isEqualTo("ABORT");
            assertThat(json(r).get("reason").asText()).containsIgnoringCase("no_such_table");
            assertThat(db.reservations(tx)).isZero();
            assertThat(db.preparedTransactions(rig.name)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void nothingToDoVotesReadOnlyAndHoldsNothing(KitDatabase db) throws Exception {
        try (Rig rig = new Rig(db)) {
            String tx = txId();
            HttpResponse<String> r = rig.http.prepare(tx, "{\"nothing\":true}");

            assertThat(json(r).get("vote").asText()).isEqualTo("READ_ONLY");
            assertThat(json(r).has("reason")).isFalse();
            assertThat(db.preparedTransactions(rig.name)).isEmpty();
            assertThat(db.recordedState(rig.name, tx)).isEqualTo("READ_ONLY");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void repeatedPrepareRepeatsTheVoteWithoutDoingTheWorkAgain(KitDatabase db) throws Exception {
        try (Rig rig = new Rig(db)) {
            String committing = txId();
            String refused = txId();
            String readOnly = txId();
            for (int i = 0; i < 3; i++) {
                assertThat(json(rig.http.prepare(committing, "{}")).get("vote").asText()).isEqualTo("COMMIT");
                JsonNode abort = json(rig.http.prepare(refused, "{\"refuse\":\"no stock\"}"));
                assertThat(abort.get("vote").asText()).isEqualTo("ABORT");
                assertThat(abort.get("reason").asText()).isEqualTo("no stock");
                assertThat(json(rig.http.prepare(readOnly, "{\"nothing\":true}")).get("vote").asText())
                        .isEqualTo("READ_ONLY");
            }
            assertThat(rig.work.runs).as("work runs").hasValue(3);
            rig.http.commit(committing);
            assertThat(json(rig.http.prepare(committing, "{}")).get("vote").asText())
                    .as("prepare after commit").isEqualTo("COMMIT");
            assertThat(rig.work.runs).hasValue(3);
            assertThat(db.reservations(committing)).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void commitTwiceAndCommitOfUnknownAcknowledge(KitDatabase db) throws Exception {
        try (Rig rig = new Rig(db)) {
            String tx = txId();
            rig.http.prepare(tx, "{}");
            assertThat(rig.http.commit(tx).statusCode()).isEqualTo(200);
            assertThat(rig.http.commit(tx).statusCode()).isEqualTo(200);
            assertThat(db.reservations(tx)).isEqualTo(1);

            String unknown = txId();
            assertThat(rig.http.commit(unknown).statusCode()).isEqualTo(200);
            assertThat(db.recordedState(rig.name, unknown)).as("nothing recorded for an unknown commit").isNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void prepareThenRollbackLeavesNoRowAndNothingPrepared(KitDatabase db) throws Exception {
        try (Rig rig = new Rig(db)) {
            String tx = txId();
            rig.http.prepare(tx, "{}");
            HttpResponse<String> r = rig.http.rollback(tx);

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(json(r).get("state").asText()).isEqualTo("ROLLED_BACK");
            assertThat(db.reservations(tx)).isZero();
            assertThat(db.preparedTransactions(rig.name)).isEmpty();
            assertThat(db.recordedState(rig.name, tx)).isEqualTo("ROLLED_BACK");
            assertThat(rig.http.rollback(tx).statusCode()).as("rollback again").isEqualTo(200);
            assertThat(json(rig.http.prepare(tx, "{}")).get("vote").asText()).as("prepare after rollback")
                    .isEqualTo("ABORT");
            assertThat(db.preparedTransactions(rig.name)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void rollbackBeforePrepareMakesTheLatePrepareVoteAbortWithoutWork(KitDatabase db) throws Exception {
        try (Rig rig = new Rig(db)) {
            String tx = txId();
            assertThat(rig.http.rollback(tx).statusCode()).isEqualTo(200);
            assertThat(db.recordedState(rig.name, tx)).as("tombstone").isEqualTo("ROLLED_BACK");

            JsonNode vote = json(rig.http.prepare(tx, "{}"));

            assertThat(vote.get("vote").asText()).isEqualTo("ABORT");
            assertThat(vote.get("reason").asText()).contains("rolled back");
            assertThat(rig.work.runs).hasValue(0);
            assertThat(db.reservations(tx)).isZero();
            assertThat(db.preparedTransactions(rig.name)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void commitOfWhatWasRolledBackIsAConflictAndChangesNothing(KitDatabase db) throws Exception {
        try (Rig rig = new Rig(db)) {
            String tx = txId();
            rig.http.prepare(tx, "{\"refuse\":\"no\"}");
            HttpResponse<String> r = rig.http.commit(tx);

            assertThat(r.statusCode()).isEqualTo(409);
            assertThat(json(r).get("error").asText()).contains("ABORTED");
            assertThat(db.recordedState(rig.name, tx)).isEqualTo("ABORTED");
        }
    }
}
