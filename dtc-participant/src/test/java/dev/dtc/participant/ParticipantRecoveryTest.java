package dev.dtc.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Recovery after a restart: a branch is prepared by one participant, which is then closed (its connections with
 * it, as a crash would), and a new participant of the same name finishes the branch on the word of a fake
 * coordinator. Checked in the database.
 */
class ParticipantRecoveryTest {

    static Stream<KitDatabase> databases() {
        return KitDatabase.all();
    }

    private static Participant participant(KitDatabase db, String name, InventoryWork work, URI coordinator) {
        return Participant.builder().name(name).xaDataSource(db.xaDataSource()).work(work).coordinator(coordinator)
                .token(Served.TOKEN).recoveryInterval(Duration.ofMillis(100)).build();
    }

    /** Prepares a transaction with a first participant that is closed afterwards, leaving the branch prepared. */
    private static String preparedByAnEarlierRun(KitDatabase db, String name) throws Exception {
        db.prepareSchema();
        String tx = "tx-" + UUID.randomUUID();
        try (Participant first = participant(db, name, new InventoryWork(), URI.create("http://127.0.0.1:9"))) {
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
    void committedOutcomeCommitsTheBranchAfterARestart(KitDatabase db) throws Exception {
        String name = "rec-" + UUID.randomUUID().toString().substring(0, 8);
        String tx = preparedByAnEarlierRun(db, name);
        try (FakeCoordinator coordinator = new FakeCoordinator(0, FakeCoordinator.Answer.outcome("COMMITTED"));
             Participant second = participant(db, name, new InventoryWork(), coordinator.uri()).start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> db.preparedTransactions(name).isEmpty());

            assertThat(second.openConnections()).as("connections held after finishing").isLessThanOrEqualTo(8);
            assertThat(db.reservations(tx)).isEqualTo(1);
            assertThat(db.recordedState(name, tx)).isEqualTo("COMMITTED");
            assertThat(coordinator.asked).contains(tx);
            assertThat(coordinator.authorizations).allMatch(a -> a.equals("Bearer " + Served.TOKEN));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void presumedAbortRollsTheBranchBackAfterARestart(KitDatabase db) throws Exception {
        String name = "rec-" + UUID.randomUUID().toString().substring(0, 8);
        String tx = preparedByAnEarlierRun(db, name);
        InventoryWork work = new InventoryWork();
        try (FakeCoordinator coordinator = new FakeCoordinator(0, FakeCoordinator.Answer.presumedAbort());
             Participant second = participant(db, name, work, coordinator.uri()).start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> db.preparedTransactions(name).isEmpty());

            assertThat(db.reservations(tx)).isZero();
            assertThat(db.recordedState(name, tx)).isEqualTo("ROLLED_BACK");
            Reply late = second.handle("POST", "/prepare", "Bearer " + Served.TOKEN,
                    ("{\"transactionId\":\"" + tx + "\",\"payload\":{}}").getBytes());
            assertThat(late.json()).contains("ABORT");
            assertThat(work.runs).hasValue(0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void inProgressAndNotReadyKeepTheBranchPrepared(KitDatabase db) throws Exception {
        String name = "rec-" + UUID.randomUUID().toString().substring(0, 8);
        String tx = preparedByAnEarlierRun(db, name);
        try (FakeCoordinator coordinator = new FakeCoordinator(0, FakeCoordinator.Answer.outcome("IN_PROGRESS"));
             Participant second = participant(db, name, new InventoryWork(), coordinator.uri()).start()) {
            assertThat(second.name()).isEqualTo(name);
            await().atMost(Duration.ofSeconds(20)).until(() -> coordinator.asked.size() >= 2);
            assertThat(db.preparedTransactions(name)).containsExactly(tx);

            coordinator.answer(new FakeCoordinator.Answer(503, "{\"error\":\"reading the log\"}"));
            int asked = coordinator.asked.size();
            await().atMost(Duration.ofSeconds(20)).until(() -> coordinator.asked.size() > asked);
            assertThat(db.preparedTransactions(name)).containsExactly(tx);
            assertThat(db.reservations(tx)).isZero();

            coordinator.answer(FakeCoordinator.Answer.outcome("ROLLED_BACK"));
            await().atMost(Duration.ofSeconds(40)).until(() -> db.preparedTransactions(name).isEmpty());
            assertThat(db.reservations(tx)).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void unreachableCoordinatorKeepsTheBranchPreparedUntilItAnswers(KitDatabase db) throws Exception {
        String name = "rec-" + UUID.randomUUID().toString().substring(0, 8);
        String tx = preparedByAnEarlierRun(db, name);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // nothing listens there once closed
        }
        try (Participant second = participant(db, name, new InventoryWork(), URI.create("http://127.0.0.1:" + port))
                .start()) {
            Thread.sleep(1500); // several passes, each finding the coordinator unreachable
            assertThat(db.preparedTransactions(name)).as("kept prepared while nobody answers").containsExactly(tx);
            assertThat(db.reservations(tx)).isZero();

            try (FakeCoordinator coordinator = new FakeCoordinator(port, FakeCoordinator.Answer.outcome("COMMITTED"))) {
                await().atMost(Duration.ofSeconds(40)).until(() -> db.preparedTransactions(name).isEmpty());
                assertThat(db.reservations(tx)).isEqualTo(1);
                assertThat(coordinator.asked).contains(tx);
                assertThat(second.name()).isEqualTo(name);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void coordinatorCommitAfterRestartFinishesTheBranchWithoutRecovery(KitDatabase db) throws Exception {
        String name = "rec-" + UUID.randomUUID().toString().substring(0, 8);
        String tx = preparedByAnEarlierRun(db, name);
        InventoryWork work = new InventoryWork();
        try (Participant second = participant(db, name, work, URI.create("http://127.0.0.1:9")).start()) {
            Reply again = second.handle("POST", "/prepare", "Bearer " + Served.TOKEN,
                    ("{\"transactionId\":\"" + tx + "\",\"payload\":{}}").getBytes());
            assertThat(again.json()).as("a repeated prepare after the restart").contains("COMMIT");
            assertThat(work.runs).hasValue(0);

            Reply commit = second.handle("POST", "/commit", "Bearer " + Served.TOKEN,
                    ("{\"transactionId\":\"" + tx + "\"}").getBytes());

            assertThat(commit.status()).isEqualTo(200);
            assertThat(db.preparedTransactions(name)).isEmpty();
            assertThat(db.reservations(tx)).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void lostCommitOfABranchThisProcessHoldsIsFinishedByRecovery(KitDatabase db) throws Exception {
        db.prepareSchema();
        String name = "rec-" + UUID.randomUUID().toString().substring(0, 8);
        String tx = "tx-" + UUID.randomUUID();
        try (FakeCoordinator coordinator = new FakeCoordinator(0, FakeCoordinator.Answer.outcome("COMMITTED"));
             Participant p = participant(db, name, new InventoryWork(), coordinator.uri()).start()) {
            p.handle("POST", "/prepare", "Bearer " + Served.TOKEN,
                    ("{\"transactionId\":\"" + tx + "\",\"payload\":{}}").getBytes());
            // the coordinator's commit never comes; recovery asks once the branch is older than an interval
            await().atMost(Duration.ofSeconds(20)).until(() -> db.preparedTransactions(name).isEmpty());
            assertThat(db.reservations(tx)).isEqualTo(1);
        }
    }
}
