package dev.dtc.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code place-order --mode chained}: the orders service begins an open transaction on the coordinator, writes the
 * order, and calls inventory and payments, which join it while they work; then it commits. The coordinator, the
 * three services and their databases are real processes and real servers, talking real HTTP; faults are real halts.
 * One rig for the class (four JVMs cost a while to start on a small machine); a test that halts a service starts it
 * again as it was.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChainedOrderTest {

    RemoteRig rig;

    @BeforeAll
    void startEverything() throws Exception {
        rig = new RemoteRig().all();
    }

    @AfterAll
    void stopEverything() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    @Order(1)
    void aChainedOrderCommitsInTheThreeDatabasesAndTheEventsShowEachJoin() throws Exception {
        int widgets = rig.available("widget");

        RemoteRig.Placed placed = rig.placeOrder("--mode", "chained", "--item", "widget=2", "--item", "gadget=1");

        assertThat(placed.status()).as(placed.err() + placed.json()).isZero();
        assertThat(placed.outcome()).isEqualTo("COMMITTED");
        assertThat(placed.json().get("phase2").getAsString()).isEqualTo("COMPLETE");
        // each service joined under its participant name (its database's name), the order service first
        assertThat(events(placed.json(), "ENLIST")).containsExactly(rig.prefix + "orders", rig.prefix + "inventory",
                rig.prefix + "payments");
        assertThat(events(placed.json(), "VOTE_COMMIT")).hasSize(3);
        assertThat(events(placed.json(), "COMMITTED")).hasSize(3);
        assertThat(rig.rowsOf(placed.orderId())).containsExactly(1L, 2L, 1L, 3L);
        assertThat(rig.available("widget")).isEqualTo(widgets - 2);
        assertThat(rig.preparedAnywhere()).isEmpty();
        JsonObject coordinatorView = rig.transaction(placed.json().get("transactionId").getAsString());
        assertThat(coordinatorView.get("outcome").getAsString()).isEqualTo("COMMITTED");
        assertThat(coordinatorView.get("open").getAsBoolean()).isTrue();
    }

    @Test
    @Order(2)
    void inventoryRefusingItsCallRollsBackAllThree() throws Exception {
        int gizmos = rig.available("gizmo");

        RemoteRig.Placed placed = rig.placeOrder("--mode", "chained", "--item", "gizmo=" + (gizmos + 1));

        assertThat(placed.status()).as(placed.err()).isEqualTo(ExitStatus.ROLLED_BACK);
        assertThat(placed.outcome()).isEqualTo("ROLLED_BACK");
        assertThat(placed.json().get("refusedBy").getAsString()).isEqualTo("inventory");
        assertThat(placed.json().get("reason").getAsString()).startsWith("insufficient stock for gizmo: " + gizmos
                + " available, " + (gizmos + 1) + " ordered");
        // the order service had joined and written the order: the coordinator rolled its branch back
        assertThat(events(placed.json(), "ROLLED_BACK")).contains(rig.prefix + "orders");
        assertThat(rig.rowsOf(placed.orderId())).containsExactly(0L, 0L, 0L, 0L);
        assertThat(rig.available("gizmo")).isEqualTo(gizmos);
        assertThat(rig.preparedAnywhere()).isEmpty();
    }

    @Test
    @Order(3)
    void paymentsKilledAfterJoiningIsRolledBackAtPrepareAndNothingStaysPrepared() throws Exception {
        rig.kill("payments");
        rig.service("payments", "--exit-after-join");
        int widgets = rig.available("widget");

        RemoteRig.Placed placed = rig.placeOrder("--mode", "chained", "--item", "widget=1");

        assertThat(rig.awaitExit("payments")).isEqualTo(99);
        assertThat(placed.outcome()).as(placed.err()).isEqualTo("ROLLED_BACK");
        assertThat(RemoteOrderTest.vote(placed.json(), rig.prefix + "payments")).isEqualTo("NO_ANSWER");
        assertThat(RemoteOrderTest.vote(placed.json(), rig.prefix + "inventory")).isEqualTo("COMMIT");
        assertThat(events(placed.json(), "ROLLED_BACK")).contains(rig.prefix + "orders", rig.prefix + "inventory");
        // payments' branch was never prepared: its database dropped it with the dead process's connection
        assertThat(rig.rowsOf(placed.orderId())).containsExactly(0L, 0L, 0L, 0L);
        assertThat(rig.available("widget")).isEqualTo(widgets);
        assertThat(rig.preparedAnywhere()).isEmpty();

        rig.service("payments");
        String id = placed.json().get("transactionId").getAsString();
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                assertThat(rig.transaction(id).get("phase2").getAsString()).isEqualTo("COMPLETE"));
        assertThat(rig.preparedAnywhere()).isEmpty();
    }

    @Test
    @Order(4)
    void theCreatorDyingBeforeCommitLeavesTheOpenTransactionToTimeOutAndRollBackEverywhere() throws Exception {
        rig.kill("orders");
        rig.service("orders", "--exit-before-commit");
        int widgets = rig.available("widget");

        RemoteRig.Placed placed = rig.placeOrder("--mode", "chained", "--item", "widget=2", "--timeout", "3");

        assertThat(rig.awaitExit("orders")).isEqualTo(99);
        assertThat(placed.outcome()).isEqualTo("IN_DOUBT"); // place-order lost the orders service
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("joined transaction (\\S+);")
                .matcher(rig.log("orders"));
        assertThat(m.find()).as(rig.log("orders")).isTrue();
        String id = m.group(1);
        // the coordinator rolls it back at its timeout and tells inventory and payments, whose open branches end
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonObject view = rig.transaction(id);
            assertThat(view.get("outcome").getAsString()).isEqualTo("ROLLED_BACK");
            assertThat(view.get("reason").getAsString()).contains("timed out");
            assertThat(acknowledged(view, rig.prefix + "inventory")).isTrue();
            assertThat(acknowledged(view, rig.prefix + "payments")).isTrue();
        });
        assertThat(events(rig.transaction(id), "ENLIST")).containsExactly(rig.prefix + "orders",
                rig.prefix + "inventory", rig.prefix + "payments");
        assertThat(rig.rowsOf(placed.orderId())).containsExactly(0L, 0L, 0L, 0L);
        assertThat(rig.available("widget")).isEqualTo(widgets);
        assertThat(rig.preparedAnywhere()).isEmpty();

        // the orders service's rollback is acknowledged once it is back (its branch died with its connection)
        rig.service("orders");
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                assertThat(rig.transaction(id).get("phase2").getAsString()).isEqualTo("COMPLETE"));

        // the product row is free again: a new order for the same product commits
        RemoteRig.Placed next = rig.placeOrder("--mode", "chained", "--item", "widget=2");
        assertThat(next.outcome()).as(next.err()).isEqualTo("COMMITTED");
        assertThat(rig.available("widget")).isEqualTo(widgets - 2);
        assertThat(rig.preparedAnywhere()).isEmpty();
    }

    static boolean acknowledged(JsonObject view, String participant) {
        for (JsonElement p : view.getAsJsonArray("participants")) {
            if (p.getAsJsonObject().get("name").getAsString().equals(participant)) {
                return p.getAsJsonObject().get("acknowledged").getAsBoolean();
            }
        }
        throw new AssertionError("no participant " + participant + " in " + view);
    }

    static List<String> events(JsonObject placed, String type) {
        return StreamSupport.stream(placed.getAsJsonArray("events").spliterator(), false)
                .map(JsonElement::getAsJsonObject).filter(e -> e.get("type").getAsString().equals(type))
                .map(e -> e.get("participant").getAsString()).toList();
    }
}
