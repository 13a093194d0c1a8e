package dev.dtc.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A participant given several coordinators ({@link Participant.Builder#coordinators}), with the first one down: its
 * recovery still finishes a branch left prepared by an earlier run (checked in the database), a 404 from a live
 * coordinator still keeps the branch prepared, and its registration's renewals and removal move to a coordinator
 * that answers.
 */
class MultiCoordinatorParticipantTest {

    static Stream<KitDatabase> databases() {
        return KitDatabase.all();
    }

    private static Participant.Builder participant(KitDatabase db, String name, List<URI> coordinators) {
        return Participant.builder().name(name).xaDataSource(db.xaDataSource()).work(new InventoryWork())
                .coordinators(coordinators).token(Served.TOKEN).recoveryInterval(Duration.ofMillis(100))
                .coordinatorTimeout(Duration.ofSeconds(2));
    }

    /** Prepares a transaction with a participant that is closed afterwards, leaving the branch prepared (in doubt). */
    private static String preparedByAnEarlierRun(KitDatabase db, String name) throws Exception {
        db.prepareSchema();
        String tx = "tx-" + UUID.randomUUID();
        try (Participant first = participant(db, name, List.of(URI.create("http://127.0.0.1:9"))).build()) {
            first.start();
            Reply vote = first.handle("POST", "/prepare", "Bearer " + Served.TOKEN,
                    ("{\"transactionId\":\"" + tx + "\",\"payload\":{}}").getBytes());
            assertThat(vote.json()).contains("COMMIT");
        }
        assertThat(db.preparedTransactions(name)).as("prepared after the first run").containsExactly(tx);
        return tx;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void anInDoubtBranchIsCommittedOnTheWordOfTheCoordinatorThatIsUp(KitDatabase db) throws Exception {
        String name = "multi-" + UUID.randomUUID().toString().substring(0, 8);
        String tx = preparedByAnEarlierRun(db, name);
        URI killed = CoordinatorStub.refusing();
        try (CoordinatorStub starting = CoordinatorStub.answering(503);
             FakeCoordinator live = new FakeCoordinator(0, FakeCoordinator.Answer.outcome("COMMITTED"));
             Participant second = participant(db, name, List.of(killed, starting.uri(), live.uri())).build().start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> db.preparedTransactions(name).isEmpty());

            assertThat(db.reservations(tx)).isEqualTo(1);
            assertThat(db.recordedState(name, tx)).isEqualTo("COMMITTED");
            assertThat(live.asked).contains(tx);
            assertThat(starting.requests).contains("GET /v1/transactions/" + tx);
            assertThat(second.name()).isEqualTo(name);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a404FromALiveCoordinatorKeepsTheBranchPreparedAndIsNotOverruled(KitDatabase db) throws Exception {
        String name = "multi-" + UUID.randomUUID().toString().substring(0, 8);
        String tx = preparedByAnEarlierRun(db, name);
        URI killed = CoordinatorStub.refusing();
        try (FakeCoordinator unknowing = new FakeCoordinator(0, new FakeCoordinator.Answer(404,
                "{\"error\":\"unknown transaction\"}"));
             FakeCoordinator committed = new FakeCoordinator(0, FakeCoordinator.Answer.outcome("COMMITTED"));
             Participant second = participant(db, name, List.of(killed, unknowing.uri(), committed.uri())).build()
                     .start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> unknowing.asked.size() >= 2);
            assertThat(db.preparedTransactions(name)).as("still in doubt").containsExactly(tx);
            assertThat(db.reservations(tx)).isZero();
            assertThat(committed.asked).as("never asked to overrule the 404").isEmpty();

            unknowing.answer(FakeCoordinator.Answer.outcome("ROLLED_BACK"));
            await().atMost(Duration.ofSeconds(60)).until(() -> db.preparedTransactions(name).isEmpty());
            assertThat(db.reservations(tx)).isZero();
            assertThat(db.recordedState(name, tx)).isEqualTo("ROLLED_BACK");
            assertThat(committed.asked).isEmpty();
            assertThat(second.name()).isEqualTo(name);
        }
    }

    @Test
    void registrationRenewalsAndItsRemovalMoveToTheCoordinatorThatIsUp() throws Exception {
        KitDatabase db = new KitDatabase.Postgres();
        db.prepareSchema();
        String name = "multi-" + UUID.randomUUID().toString().substring(0, 8);
        try (FakeCoordinator a = new FakeCoordinator(0, FakeCoordinator.Answer.outcome("IN_PROGRESS"));
             FakeCoordinator b = new FakeCoordinator(0, FakeCoordinator.Answer.outcome("IN_PROGRESS"))) {
            Participant p = participant(db, name, List.of(a.uri(), b.uri()))
                    .advertisedUrl(URI.create("http://127.0.0.1:9002/tx")).registrationTtl(Duration.ofMillis(600))
                    .build().start();
            try {
                assertThat(a.registryCalls("PUT")).as("registered at the first, before start() returned").hasSize(1);
                await().atMost(Duration.ofSeconds(30)).until(() -> a.registryCalls("PUT").size() >= 2); // renewed
                assertThat(b.registryCalls).as("b is not asked while a answers").isEmpty();

                a.close(); // killed
                await().atMost(Duration.ofSeconds(30)).until(() -> b.registered.containsKey(name));
                int renewals = b.registryCalls("PUT").size();
                await().atMost(Duration.ofSeconds(30)).until(() -> b.registryCalls("PUT").size() > renewals);
            } finally {
                p.close();
            }
            assertThat(b.registryCalls("DELETE")).hasSize(1);
            assertThat(b.registered).as("taken back at close").doesNotContainKey(name);
        }
    }
}
