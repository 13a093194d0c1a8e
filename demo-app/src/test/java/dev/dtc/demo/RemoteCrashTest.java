package dev.dtc.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Remote mode with processes that die at the worst moments, and come back: a service halted right after its
 * COMMIT vote, a service halted after preparing but before its vote went out, the coordinator halted before and
 * after its decision and killed with kill -9 while it retries a commit. After the restarts every database holds
 * the whole order or none of it, and nothing is left prepared anywhere.
 */
class RemoteCrashTest {

    RemoteRig rig;

    @AfterEach
    void stopEverything() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void aServiceDownAfterItsVoteGetsTheCommitWhenItComesBack() throws Exception {
        rig = new RemoteRig();
        rig.coordinator().service("orders").service("inventory").service("payments", "--exit-after-prepare");

        RemoteRig.Placed placed = rig.placeOrder("--item", "widget=2");

        assertThat(placed.outcome()).isEqualTo("COMMITTED");
        assertThat(placed.json().get("phase2").getAsString()).isEqualTo("PENDING");
        assertThat(rig.awaitExit("payments")).isEqualTo(99);
        String id = placed.json().get("transactionId").getAsString();
        String order = placed.orderId();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(rig.rowsOf(order)).containsExactly(1L, 1L, 0L, 2L)); // payments: still prepared
        assertThat(rig.preparedInPostgres()).hasSize(1);

        rig.service("payments"); // on the same port: the coordinator's retries reach it

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(rig.rowsOf(order)).containsExactly(1L, 1L, 1L, 2L);
            assertThat(rig.preparedAnywhere()).isEmpty();
            assertThat(rig.transaction(id).get("phase2").getAsString()).isEqualTo("COMPLETE");
        });
    }

    @Test
    void aServiceHaltedBeforeItsVoteWentOutIsRolledBackWhenItComesBack() throws Exception {
        rig = new RemoteRig();
        rig.coordinator().service("orders").service("inventory")
                .service("payments", List.of("-Ddtc.participant.fault=halt-after-prepare"));
        int widgets = rig.available("widget");

        RemoteRig.Placed placed = rig.placeOrder("--item", "widget=2", "--timeout", "5");

        assertThat(placed.outcome()).isEqualTo("ROLLED_BACK");
        assertThat(RemoteOrderTest.vote(placed.json(), "payments")).isEqualTo("NO_ANSWER");
        assertThat(rig.awaitExit("payments")).isEqualTo(86); // the kit's test hook
        assertThat(rig.preparedInPostgres()).as("the halted service's branch").hasSize(1);

        rig.service("payments"); // its recovery asks the coordinator (or the coordinator's rollback arrives)

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(rig.preparedAnywhere()).isEmpty());
        assertThat(rig.rowsOf(placed.orderId())).containsExactly(0L, 0L, 0L, 0L);
        assertThat(rig.available("widget")).isEqualTo(widgets);
    }

    @Test
    void theCoordinatorHaltedAfterItsDecisionCommitsEverywhereWhenRestarted() throws Exception {
        rig = new RemoteRig();
        rig.coordinator("--test-fault", "halt-after-decision");
        for (String s : RemoteRig.SERVICES) {
            rig.service(s);
        }
        int widgets = rig.available("widget");

        RemoteRig.Placed placed = rig.placeOrder("--item", "widget=2");

        assertThat(placed.status()).isEqualTo(3);
        assertThat(placed.outcome()).isEqualTo("IN_DOUBT");
        rig.awaitExit("coordinator");
        Thread.sleep(2_000); // recovery passes of the services find no coordinator: the branches stay prepared
        assertThat(rig.preparedInPostgres()).hasSize(2);
        assertThat(rig.preparedInMysql()).hasSize(1);

        rig.coordinator();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(rig.rowsOf(placed.orderId())).containsExactly(1L, 1L, 1L, 2L);
            assertThat(rig.preparedAnywhere()).isEmpty();
        });
        assertThat(rig.available("widget")).isEqualTo(widgets - 2);
        // the same order again is the same transaction: its outcome, not a second order
        RemoteRig.Placed again = rig.placeOrder("--item", "widget=2", "--order-id", placed.orderId());
        assertThat(again.outcome()).isEqualTo("COMMITTED");
        assertThat(again.json().get("replayed").getAsBoolean()).isTrue();
        assertThat(rig.rowsOf(placed.orderId())).containsExactly(1L, 1L, 1L, 2L);
    }

    @Test
    void theCoordinatorHaltedBeforeItsDecisionRollsBackEverywhereWhenRestarted() throws Exception {
        rig = new RemoteRig();
        rig.coordinator("--test-fault", "halt-before-decision");
        for (String s : RemoteRig.SERVICES) {
            rig.service(s);
        }
        int widgets = rig.available("widget");

        RemoteRig.Placed placed = rig.placeOrder("--item", "widget=2");

        assertThat(placed.outcome()).isEqualTo("IN_DOUBT");
        rig.awaitExit("coordinator");
        assertThat(rig.preparedAnywhere()).hasSize(3);

        rig.coordinator(); // "never decided": presumed abort; each service's recovery rolls its branch back

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(rig.preparedAnywhere()).isEmpty());
        assertThat(rig.rowsOf(placed.orderId())).containsExactly(0L, 0L, 0L, 0L);
        assertThat(rig.available("widget")).isEqualTo(widgets);
    }

    @Test
    void theCoordinatorKilledWithSigkillWhileRetryingACommitFinishesItWhenRestarted() throws Exception {
        rig = new RemoteRig();
        rig.coordinator().service("orders").service("inventory").service("payments", "--exit-after-prepare");

        RemoteRig.Placed placed = rig.placeOrder("--item", "widget=1");
        assertThat(placed.json().get("phase2").getAsString()).isEqualTo("PENDING");
        rig.awaitExit("payments");

        rig.kill("coordinator"); // kill -9 with payments' commit still owed
        rig.service("payments");
        Thread.sleep(2_000); // payments' recovery finds no coordinator: its branch stays prepared
        assertThat(rig.preparedInPostgres()).hasSize(1);
        rig.coordinator();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(rig.rowsOf(placed.orderId())).containsExactly(1L, 1L, 1L, 1L);
            assertThat(rig.preparedAnywhere()).isEmpty();
            assertThat(rig.transaction(placed.json().get("transactionId").getAsString()).get("phase2").getAsString())
                    .isEqualTo("COMPLETE");
        });
    }
}
