package dev.dtc.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real coordinators (dtc-server in processes of their own, each with its own node name and log), as an older
 * deployment runs them: each answers 421 for the other's transaction ids. A participant given both still finishes an
 * in-doubt branch on the word of the coordinator that owns the transaction, and a {@link DtcClient} given both
 * begins on the second when the first is killed. Checked in PostgreSQL and by asking the coordinators.
 */
class RealCoordinatorsFailoverTest {

    private static final String TOKEN = Served.TOKEN;

    @TempDir
    Path dir;

    @Test
    void aParticipantFinishesAnInDoubtBranchPastA421AndADtcClientBeginsPastAKilledCoordinator() throws Exception {
        KitDatabase db = new KitDatabase.Postgres();
        db.prepareSchema();
        String name = "real-" + UUID.randomUUID().toString().substring(0, 8);
        try (CoordinatorProcess a = new CoordinatorProcess(dir.resolve("a"), TOKEN, "kit-a").start();
             CoordinatorProcess b = new CoordinatorProcess(dir.resolve("b"), TOKEN, "kit-b").start()) {
            // a transaction of b's, committed there (no participant joined it)
            OpenTransaction tx = new DtcClient(b.url(), TOKEN).begin(Duration.ofSeconds(60));
            assertThat(tx.id()).startsWith("kit-b~");
            assertThat(tx.commit().outcome()).isEqualTo("COMMITTED");

            // this participant's branch of it, left prepared by an earlier run that never heard the outcome
            // (recovering only once an hour: it must not finish the branch itself before it is closed)
            try (Participant earlier = participant(db, name, List.of(a.url(), b.url()))
                    .recoveryInterval(Duration.ofHours(1)).build().start()) {
                Reply vote = earlier.handle("POST", "/prepare", "Bearer " + TOKEN,
                        ("{\"transactionId\":\"" + tx.id() + "\",\"payload\":{}}").getBytes());
                assertThat(vote.json()).contains("COMMIT");
            }
            assertThat(db.preparedTransactions(name)).containsExactly(tx.id());

            CoordinatorClient.Answer asked = new CoordinatorClient(List.of(a.url(), b.url()), TOKEN,
                    Duration.ofSeconds(10)).outcomeOf(tx.id());
            assertThat(asked.outcome()).isEqualTo(CoordinatorClient.Outcome.COMMITTED);
            assertThat(asked.detail()).contains("from " + b.url()).contains(a.url() + ": 421 ");

            try (Participant again = participant(db, name, List.of(a.url(), b.url())).build().start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> db.preparedTransactions(name).isEmpty());
                assertThat(db.reservations(tx.id())).isEqualTo(1);
                assertThat(db.recordedState(name, tx.id())).isEqualTo("COMMITTED");
                assertThat(again.name()).isEqualTo(name);
            }

            a.kill();
            DtcClient both = new DtcClient(List.of(a.url(), b.url()), TOKEN, Duration.ofSeconds(10));
            OpenTransaction second = both.begin(Duration.ofSeconds(60));
            assertThat(second.id()).as("begun at the coordinator that is up").startsWith("kit-b~");
            assertThat(second.rollback().outcome()).isEqualTo("ROLLED_BACK");
        }
    }

    private static Participant.Builder participant(KitDatabase db, String name, List<URI> coordinators) {
        return Participant.builder().name(name).xaDataSource(db.xaDataSource()).work(new InventoryWork())
                .coordinators(coordinators).token(TOKEN).recoveryInterval(Duration.ofMillis(200))
                .coordinatorTimeout(Duration.ofSeconds(10));
    }
}
