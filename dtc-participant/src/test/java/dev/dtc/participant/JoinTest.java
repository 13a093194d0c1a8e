package dev.dtc.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Services that join an open transaction ({@link Participant#join}, {@link JoiningHandler}), against PostgreSQL and
 * MariaDB and a fake coordinator that enlists them and drives prepare and commit as the real one does. Every case
 * looks at the database itself: the rows, the records table, the server's prepared branches, the connections.
 */
class JoinTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    static Stream<KitDatabase> databases() {
        return KitDatabase.all();
    }

    /**
     * A fake coordinator, a participant that can join (served on a port fixed before it is built, since its URL is
     * enlisted), a creator's client, and a service endpoint {@code /reserve} served through {@link JoiningHandler}.
     */
    private static final class Rig implements AutoCloseable {
        final KitDatabase db;
        final String name = "join-" + UUID.randomUUID().toString().substring(0, 8);
        final InventoryWork work = new InventoryWork(); // one-shot work: must never run for a joined transaction
        final FakeCoordinator coordinator;
        final DtcClient dtc;
        final int port;
        final URI url;
        final Duration recoveryInterval;
        Participant participant;
        Served http;

        Rig(KitDatabase db, Duration recoveryInterval) throws Exception {
            this.db = db;
            this.recoveryInterval = recoveryInterval;
            db.prepareSchema();
            coordinator = new FakeCoordinator(0, FakeCoordinator.Answer.outcome("IN_PROGRESS"));
            dtc = new DtcClient(coordinator.uri(), Served.TOKEN);
            port = Served.freePort();
            url = URI.create("http://127.0.0.1:" + port + "/tx");
            startParticipant();
        }

        Rig(KitDatabase db) throws Exception {
            this(db, Duration.ofHours(1));
        }

        void startParticipant() throws Exception {
            participant = Participant.builder().name(name).xaDataSource(db.xaDataSource()).work(work)
                    .coordinator(coordinator.uri()).token(Served.TOKEN).advertisedUrl(url).register(false)
                    .maxIdleConnections(0) // every connection not in use is closed: openConnections() shows leaks
                    .recoveryInterval(recoveryInterval).build().start();
            http = new Served(participant, port, new JoiningHandler(participant, "/reserve", (body, c) -> {
                String key = DtcContext.current().orElseThrow() + "-" + body.path("key").asText();
                if (body.has("refuse")) {
                    throw new Refusal(body.get("refuse").asText());
                }
                insert(c, key);
                return JSON.createObjectNode().put("reserved", key);
            }));
        }

        /** Stops the participant as a crash would lose it (its active branches die with it) and starts it again. */
        void restartParticipant() throws Exception {
            http.close();
            participant.close();
            startParticipant();
        }

        void awaitConnections(int n) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(participant.openConnections())
                    .as("database connections open").isEqualTo(n));
        }

        @Override
        public void close() {
            http.close();
            participant.close();
            coordinator.close();
            assertThat(participant.openConnections()).as("connections left open").isZero();
        }
    }

    static int insert(Connection c, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO reservations (transaction_id, sku) VALUES (?, 'joined')")) {
            s.setString(1, key);
            return s.executeUpdate();
        }
    }

    static int count(Connection c, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM reservations WHERE transaction_id = ?")) {
            s.setString(1, key);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void twoCallsInOneTransactionShareOneBranchAndCommitTogether(KitDatabase db) throws Exception {
        try (Rig rig = new Rig(db); OpenTransaction tx = rig.dtc.begin(Duration.ofSeconds(60))) {
            String a = tx.id() + "-a";
            String b = tx.id() + "-b";

            String current = rig.participant.join(tx.id(), c -> {
                insert(c, a);
                return DtcContext.current().orElse(null);
            });
            int firstRowSeen = rig.participant.join(tx.id(), c -> {
                insert(c, b);
                return count(c, a); // visible only inside the same database transaction
            });

            assertThat(current).as("the transaction is current while the work runs").isEqualTo(tx.id());
            assertThat(DtcContext.current()).as("and only then").isEmpty();
            assertThat(firstRowSeen).as("the second call runs in the first call's branch").isEqualTo(1);
            assertThat(rig.coordinator.enlistCalls).as("enlisted once").hasSize(1);
            JsonNode enlisted = JSON.readTree(rig.coordinator.enlistCalls.get(0).body());
            assertThat(enlisted.get("name").asText()).isEqualTo(rig.name);
            assertThat(enlisted.get("url").asText()).isEqualTo(rig.url.toString());
            assertThat(rig.coordinator.enlistCalls.get(0).authorization()).isEqualTo("Bearer " + Served.TOKEN);
            assertThat(db.reservations(a) + db.reservations(b)).as("nothing visible before commit").isZero();
            assertThat(rig.participant.activeBranches()).isEqualTo(1);
            rig.awaitConnections(1); // the active branch holds its connection between calls

            TransactionOutcome outcome = tx.commit();

            assertThat(outcome.committed()).as(outcome.answer().toString()).isTrue();
            assertThat(rig.coordinator.votes).hasSize(1);
            assertThat(rig.coordinator.votes.get(0).get("vote").asText()).isEqualTo("COMMIT");
            assertThat(db.reservations(a)).isEqualTo(1);
            assertThat(db.reservations(b)).isEqualTo(1);
            assertThat(db.recordedState(rig.name, tx.id())).isEqualTo("COMMITTED");
            assertThat(db.preparedTransactions(rig.name)).isEmpty();
            assertThat(rig.participant.activeBranches()).isZero();
            assertThat(rig.work.runs).as("the one-shot work never runs for a joined transaction").hasValue(0);
            rig.awaitConnections(0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aRefusalRollsTheBranchBackAtOnceAndTheParticipantVotesAbort(KitDatabase db) throws Exception {
        try (Rig rig = new Rig(db); OpenTransaction tx = rig.dtc.begin(Duration.ofSeconds(60))) {
            String a = tx.id() + "-a";
            String b = tx.id() + "-b";
            rig.participant.join(tx.id(), c -> insert(c, a));

            assertThatThrownBy(() -> rig.participant.join(tx.id(), c -> {
                insert(c, b);
                throw new Refusal("insufficient stock for sku-7");
            })).isInstanceOf(Refusal.class).hasMessage("insufficient stock for sku-7");

            assertThat(rig.participant.activeBranches()).as("rolled back at once").isZero();
            assertThat(db.recordedState(rig.name, tx.id())).isEqualTo("ABORTED");
            rig.awaitConnections(0);
            assertThatThrownBy(() -> rig.participant.join(tx.id(), c -> insert(c, tx.id() + "-c")))
                    .isInstanceOf(JoinException.class).hasMessageContaining("ABORTED")
                    .hasMessageContaining("insufficient stock for sku-7")
                    .satisfies(e -> assertThat(((JoinException) e).status()).isEqualTo(409));

            TransactionOutcome outcome = tx.commit(); // the creator commits anyway

            assertThat(outcome.outcome()).isEqualTo("ROLLED_BACK");
            assertThat(rig.coordinator.votes).hasSize(1);
            assertThat(rig.coordinator.votes.get(0).get("vote").asText()).isEqualTo("ABORT");
            assertThat(rig.coordinator.votes.get(0).get("reason").asText()).isEqualTo("insufficient stock for sku-7");
            assertThat(db.reservations(a) + db.reservations(b) + db.reservations(tx.id() + "-c")).isZero();
            assertThat(db.preparedTransactions(rig.name)).isEmpty();
            assertThat(db.recordedState(rig.name, tx.id())).isEqualTo("ABORTED");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void anSqlErrorInAJoinedCallIsRethrownAndVotesAbortWithTheDatabaseMessage(KitDatabase db) throws Exception {
        try (Rig rig = new Rig(db); OpenTransaction tx = rig.dtc.begin(Duration.ofSeconds(60))) {
            rig.participant.join(tx.id(), c -> insert(c, tx.id() + "-a"));

            assertThatThrownBy(() -> rig.participant.join(tx.id(), c -> {
                try (Statement s = c.createStatement()) {
                    return s.executeUpdate("INSERT INTO no_such_table VALUES (1)");
                }
            })).isInstanceOf(SQLException.class);

            TransactionOutcome outcome = tx.commit();
            assertThat(outcome.outcome()).isEqualTo("ROLLED_BACK");
            assertThat(rig.coordinator.votes.get(0).get("vote").asText()).isEqualTo("ABORT");
            assertThat(rig.coordinator.votes.get(0).get("reason").asText()).containsIgnoringCase("no_such_table");
            assertThat(db.reservations(tx.id() + "-a")).isZero();
            assertThat(db.preparedTransactions(rig.name)).isEmpty();
            rig.awaitConnections(0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aJoinedPrepareWithoutALiveBranchVotesAbortAndNeverRunsTheWork(KitDatabase db) throws Exception {
        try (Rig rig = new Rig(db); OpenTransaction tx = rig.dtc.begin(Duration.ofSeconds(60))) {
            rig.participant.join(tx.id(), c -> insert(c, tx.id() + "-a"));
            rig.restartParticipant(); // the service restarted after it joined: its branch is gone

            TransactionOutcome outcome = tx.commit();

            assertThat(outcome.outcome()).isEqualTo("ROLLED_BACK");
            JsonNode vote = rig.coordinator.votes.get(0);
            assertThat(vote.get("vote").asText()).isEqualTo("ABORT");
            assertThat(vote.get("reason").asText()).startsWith("no branch").contains("restarted");
            assertThat(db.reservations(tx.id() + "-a")).isZero();
            assertThat(db.preparedTransactions(rig.name)).isEmpty();
            assertThat(db.recordedState(rig.name, tx.id())).isEqualTo("ABORTED");

            // and a joined prepare for a transaction never joined here: the same, the work is never run
            String never = "tx-" + UUID.randomUUID();
            HttpResponse<String> r = rig.http.post("/prepare", "{\"transactionId\":\"" + never
                    + "\",\"payload\":{\"sku\":\"sku-1\"},\"joined\":true}");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(r.body()).get("vote").asText()).isEqualTo("ABORT");
            assertThat(rig.work.runs).hasValue(0);
            assertThat(db.reservations(never)).isZero();
            assertThat(db.preparedTransactions(rig.name)).isEmpty();
            rig.awaitConnections(0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aCallAfterARestartCannotCommitWithoutTheWorkOfCallsBeforeIt(KitDatabase db) throws Exception {
        try (Rig rig = new Rig(db); OpenTransaction tx = rig.dtc.begin(Duration.ofSeconds(60))) {
            rig.participant.join(tx.id(), c -> insert(c, tx.id() + "-a"));
            rig.restartParticipant();
            AtomicBoolean ran = new AtomicBoolean();

            assertThatThrownBy(() -> rig.participant.join(tx.id(), c -> {
                ran.set(true);
                return insert(c, tx.id() + "-b");
            })).isInstanceOf(JoinException.class).hasMessageContaining("lost its branch")
                    .satisfies(e -> assertThat(((JoinException) e).status()).isEqualTo(409));

            assertThat(ran).isFalse();
            TransactionOutcome outcome = tx.commit();
            assertThat(outcome.outcome()).isEqualTo("ROLLED_BACK");
            assertThat(rig.coordinator.votes.get(0).get("vote").asText()).isEqualTo("ABORT");
            assertThat(rig.coordinator.votes.get(0).get("reason").asText()).contains("lost its branch");
            assertThat(db.reservations(tx.id() + "-a") + db.reservations(tx.id() + "-b")).isZero();
            assertThat(db.preparedTransactions(rig.name)).isEmpty();
            rig.awaitConnections(0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void rollbackOfAnActiveBranchLeavesNoRowsNothingPreparedAndNoConnection(KitDatabase db) throws Exception {
        try (Rig rig = new Rig(db); OpenTransaction tx = rig.dtc.begin(Duration.ofSeconds(60))) {
            rig.participant.join(tx.id(), c -> insert(c, tx.id() + "-a"));
            rig.awaitConnections(1);

            TransactionOutcome outcome = tx.rollback(); // the coordinator calls /rollback on the active branch

            assertThat(outcome.outcome()).isEqualTo("ROLLED_BACK");
            assertThat(rig.participant.activeBranches()).isZero();
            assertThat(db.reservations(tx.id() + "-a")).isZero();
            assertThat(db.preparedTransactions(rig.name)).isEmpty();
            assertThat(db.recordedState(rig.name, tx.id())).isEqualTo("ROLLED_BACK");
            rig.awaitConnections(0);
            // a late prepare for it votes ABORT and does nothing
            HttpResponse<String> r = rig.http.post("/prepare", "{\"transactionId\":\"" + tx.id()
                    + "\",\"payload\":null,\"joined\":true}");
            assertThat(JSON.readTree(r.body()).get("vote").asText()).isEqualTo("ABORT");
            assertThat(db.preparedTransactions(rig.name)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aRefusedEnlistmentRollsTheBranchBackRunsNoWorkAndSaysWhy(KitDatabase db) throws Exception {
        try (Rig rig = new Rig(db)) {
            AtomicBoolean ran = new AtomicBoolean();
            String unknown = "tx-" + UUID.randomUUID();

            assertThatThrownBy(() -> rig.participant.join(unknown, c -> {
                ran.set(true);
                return insert(c, unknown);
            })).isInstanceOf(JoinException.class).hasMessageContaining("does not know it")
                    .satisfies(e -> assertThat(((JoinException) e).status()).isEqualTo(409));

            try (OpenTransaction tx = rig.dtc.begin(Duration.ofSeconds(60))) {
                rig.coordinator.refuseEnlistments(new FakeCoordinator.Answer(409,
                        "{\"error\":\"transaction is COMPLETING\"}"));
                assertThatThrownBy(() -> rig.participant.join(tx.id(), c -> {
                    ran.set(true);
                    return insert(c, tx.id());
                })).isInstanceOf(JoinException.class).hasMessageContaining("transaction is COMPLETING")
                        .satisfies(e -> assertThat(((JoinException) e).status()).isEqualTo(409));

                rig.coordinator.refuseEnlistments(new FakeCoordinator.Answer(503, "{\"error\":\"starting\"}"));
                assertThatThrownBy(() -> rig.participant.join(tx.id(), c -> insert(c, tx.id())))
                        .isInstanceOf(JoinException.class).hasMessageContaining("try again")
                        .satisfies(e -> assertThat(((JoinException) e).status()).isEqualTo(503));

                assertThat(db.reservations(tx.id())).isZero();
            }
            assertThat(ran).as("the work never ran").isFalse();
            assertThat(rig.participant.activeBranches()).isZero();
            assertThat(db.reservations(unknown)).isZero();
            assertThat(db.preparedTransactions(rig.name)).isEmpty();
            rig.awaitConnections(0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void anActiveBranchWhoseTransactionTheCoordinatorForgotIsRolledBackByTheBackgroundSweep(KitDatabase db)
            throws Exception {
        try (Rig rig = new Rig(db, Duration.ofMillis(500)); OpenTransaction tx = rig.dtc.begin(Duration.ofSeconds(60))) {
            rig.participant.join(tx.id(), c -> insert(c, tx.id() + "-a"));

            // while the coordinator says IN_PROGRESS the branch stays, however often it is asked
            await().atMost(WAIT).until(() -> rig.coordinator.asked.stream().filter(tx.id()::equals).count() >= 2);
            assertThat(rig.participant.activeBranches()).isEqualTo(1);
            assertThat(db.recordedState(rig.name, tx.id())).isNull();

            rig.coordinator.answer(FakeCoordinator.Answer.presumedAbort());
            rig.coordinator.forget(tx.id()); // a coordinator restart: the open transaction is gone (404, presumed)

            // the sweep takes the branch out of the active set, rolls it back, then records it: wait for the record
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(rig.participant.activeBranches()).isZero();
                assertThat(db.recordedState(rig.name, tx.id())).isEqualTo("ROLLED_BACK");
            });
            assertThat(db.reservations(tx.id() + "-a")).isZero();
            assertThat(db.preparedTransactions(rig.name)).isEmpty();
            rig.awaitConnections(0);
            TransactionOutcome outcome = tx.commit();
            assertThat(outcome.status()).isEqualTo(404);
            assertThat(outcome.outcome()).isEqualTo("ROLLED_BACK");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aServiceEndpointJoinsOverHttpWithTheHeaderAndRefusesCallsWithoutIt(KitDatabase db) throws Exception {
        try (Rig rig = new Rig(db); DtcHttpClient http = DtcHttpClient.propagating(HttpClient.newHttpClient())) {
            URI reserve = URI.create("http://127.0.0.1:" + rig.port + "/reserve");
            OpenTransaction tx = rig.dtc.begin(Duration.ofSeconds(60));
            HttpResponse<String> ok;
            HttpResponse<String> refused;
            try (DtcContext.Scope in = tx.enter()) {
                ok = http.send(post(reserve, "{\"key\":\"a\"}"), HttpResponse.BodyHandlers.ofString());
            }
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            assertThat(JSON.readTree(ok.body()).get("reserved").asText()).isEqualTo(tx.id() + "-a");
            assertThat(db.reservations(tx.id() + "-a")).isZero();
            assertThat(tx.commit().committed()).isTrue();
            assertThat(db.reservations(tx.id() + "-a")).isEqualTo(1);

            OpenTransaction refusing = rig.dtc.begin(Duration.ofSeconds(60));
            refused = refusing.call(() -> http.send(post(reserve, "{\"refuse\":\"sold out\"}"),
                    HttpResponse.BodyHandlers.ofString()));
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(JSON.readTree(refused.body()).get("error").asText()).isEqualTo("sold out");
            assertThat(refusing.commit().outcome()).isEqualTo("ROLLED_BACK");

            HttpResponse<String> outside = http.send(post(reserve, "{\"key\":\"b\"}"),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(outside.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(outside.body()).get("error").asText())
                    .contains("must be called inside a transaction");
            HttpResponse<String> badId = http.send(HttpRequest.newBuilder(reserve).header(DtcContext.HEADER, "a b/c")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(badId.statusCode()).isEqualTo(400);
            assertThat(badId.body()).contains("not a valid transaction id");
            HttpResponse<String> notJson = http.send(HttpRequest.newBuilder(reserve).header(DtcContext.HEADER, "x")
                    .POST(HttpRequest.BodyPublishers.ofString("{no")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(notJson.statusCode()).isEqualTo(400);
            assertThat(notJson.body()).contains("not valid JSON");
            HttpResponse<String> get = http.send(HttpRequest.newBuilder(reserve).header(DtcContext.HEADER, "x")
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(get.statusCode()).isEqualTo(405);
            HttpResponse<String> badJoined = rig.http.post("/prepare", "{\"transactionId\":\"x\",\"joined\":\"yes\"}");
            assertThat(badJoined.statusCode()).isEqualTo(400);
            assertThat(badJoined.body()).contains("joined must be true or false");

            assertThat(db.reservations("x")).isZero();
            assertThat(rig.coordinator.enlistCalls).as("calls refused before joining never enlist").hasSize(2);
            assertThat(db.preparedTransactions(rig.name)).isEmpty();
            rig.awaitConnections(0);
        }
    }

    private static HttpRequest post(URI uri, String body) {
        return HttpRequest.newBuilder(uri).timeout(WAIT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
