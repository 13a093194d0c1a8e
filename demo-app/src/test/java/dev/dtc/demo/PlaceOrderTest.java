package dev.dtc.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code place-order}, {@code stock} and {@code orders} as a user runs them (in this JVM, on the fixture's servers),
 * checked against the rows of the three databases.
 */
class PlaceOrderTest {

    static DemoFixture demo;

    @BeforeAll
    static void freshDatabases() {
        demo = new DemoFixture("demo_place_");
        DemoFixture.Run reset = demo.run("reset");
        assertThat(reset.status()).as(reset.err()).isZero();
    }

    @Test
    void aCommittedOrderIsInAllThreeDatabases() throws Exception {
        int widgets = demo.available("widget");
        int gadgets = demo.available("gadget");

        DemoFixture.Run run = demo.run("place-order", "--customer", "bob", "--item", "widget=2", "--item", "gadget=1", "--json");

        assertThat(run.status()).as(run.err()).isZero();
        JsonObject doc = run.json();
        assertThat(doc.get("outcome").getAsString()).isEqualTo("COMMITTED");
        String orderId = doc.getAsJsonObject("order").get("orderId").getAsString();
        assertThat(doc.getAsJsonObject("order").get("amount").getAsString()).isEqualTo("74.99"); // 2 x 12.50 + 49.99
        assertThat(demo.ordersWithId(orderId)).isEqualTo(1);
        assertThat(demo.orderLinesOf(orderId)).isEqualTo(2);
        assertThat(demo.reservedUnitsFor(orderId)).isEqualTo(3);
        assertThat(demo.paymentsFor(orderId)).isEqualTo(1);
        assertThat(demo.available("widget")).isEqualTo(widgets - 2);
        assertThat(demo.available("gadget")).isEqualTo(gadgets - 1);

        List<JsonObject> events = events(doc);
        assertThat(participantsOf(events, "ENLIST")).containsExactly("orders", "inventory", "payments");
        assertThat(participantsOf(events, "VOTE_COMMIT")).containsExactlyInAnyOrder("orders", "inventory", "payments");
        assertThat(participantsOf(events, "COMMITTED")).containsExactlyInAnyOrder("orders", "inventory", "payments");
        assertThat(types(events)).containsSubsequence("BEGIN", "PREPARE_SENT", "DECISION_FORCED", "COMMIT_SENT", "TX_COMMITTED");
        // the decision comes after the last vote and before the first commit
        assertThat(types(events).lastIndexOf("VOTE_COMMIT")).isLessThan(types(events).indexOf("DECISION_FORCED"));
        assertThat(types(events).indexOf("DECISION_FORCED")).isLessThan(types(events).indexOf("COMMIT_SENT"));
        // the demo keeps dtc's full audit trail in demo.log (an embedding application gets only the outcome)
        String txId = doc.get("transactionId").getAsString();
        assertThat(java.nio.file.Files.readString(demo.dataDirectory.resolve("demo.log")))
                .contains("DECISION_FORCED tx=" + txId, "COMMIT_SENT tx=" + txId, "TX_COMMITTED tx=" + txId);
    }

    @Test
    void outOfStockIsRefusedByInventoryAndRollsBackAllThree() throws Exception {
        int gizmos = demo.available("gizmo");

        DemoFixture.Run run = demo.run("place-order", "--out-of-stock", "--item", "gizmo=1", "--json");

        assertThat(run.status()).isEqualTo(ExitStatus.ROLLED_BACK);
        JsonObject doc = run.json();
        String orderId = doc.getAsJsonObject("order").get("orderId").getAsString();
        assertThat(doc.get("outcome").getAsString()).isEqualTo("ROLLED_BACK");
        assertThat(doc.get("refusedBy").getAsString()).isEqualTo("inventory");
        assertThat(doc.get("stage").getAsString()).isEqualTo("WRITING");
        assertThat(doc.get("reason").getAsString())
                .contains("insufficient stock for gizmo: " + gizmos + " available, " + (gizmos + 1) + " ordered");
        assertNothingLeftOf(orderId);
        assertThat(demo.available("gizmo")).isEqualTo(gizmos);

        List<JsonObject> events = events(doc);
        assertThat(types(events)).doesNotContain("PREPARE_SENT", "DECISION_FORCED").contains("DECISION_ROLLBACK");
        // payments was never reached; the two that were written to are rolled back
        assertThat(participantsOf(events, "ROLLED_BACK")).containsExactlyInAnyOrder("orders", "inventory");
    }

    @Test
    void aDeclinedPaymentIsAVoteToAbortAtPrepareAndRollsBackAllThree() throws Exception {
        int widgets = demo.available("widget");

        DemoFixture.Run run = demo.run("place-order", "--decline-payment", "--json");

        assertThat(run.status()).isEqualTo(ExitStatus.ROLLED_BACK);
        JsonObject doc = run.json();
        String orderId = doc.getAsJsonObject("order").get("orderId").getAsString();
        assertThat(doc.get("outcome").getAsString()).isEqualTo("ROLLED_BACK");
        assertThat(doc.get("refusedBy").getAsString()).isEqualTo("payments");
        assertThat(doc.get("stage").getAsString()).isEqualTo("PREPARE");
        assertThat(doc.get("reason").getAsString()).startsWith("XA_RBINTEGRITY");
        assertNothingLeftOf(orderId);
        assertThat(demo.available("widget")).isEqualTo(widgets);

        List<JsonObject> events = events(doc);
        assertThat(participantsOf(events, "VOTE_ABORT")).containsExactly("payments");
        // the other two had prepared: their prepared work is rolled back
        assertThat(participantsOf(events, "VOTE_COMMIT")).containsExactlyInAnyOrder("orders", "inventory");
        assertThat(participantsOf(events, "ROLLED_BACK")).containsExactlyInAnyOrder("orders", "inventory");
        assertThat(types(events)).doesNotContain("DECISION_FORCED", "COMMIT_SENT").contains("DECISION_ROLLBACK");
        assertThat(demo.preparedInPostgres()).isEmpty();
    }

    @Test
    void aSecondOrderWithTheSameIdIsRefusedByOrders() throws Exception {
        int widgets = demo.available("widget");
        assertThat(demo.run("place-order", "--order-id", "ord-twice").status()).isZero();

        DemoFixture.Run again = demo.run("place-order", "--order-id", "ord-twice", "--json");

        assertThat(again.status()).isEqualTo(ExitStatus.ROLLED_BACK);
        assertThat(again.json().get("refusedBy").getAsString()).isEqualTo("orders");
        assertThat(again.json().get("reason").getAsString()).contains("ord-twice exists already");
        assertThat(demo.ordersWithId("ord-twice")).isEqualTo(1);
        assertThat(demo.paymentsFor("ord-twice")).isEqualTo(1);
        assertThat(demo.reservedUnitsFor("ord-twice")).isEqualTo(1);
        assertThat(demo.available("widget")).isEqualTo(widgets - 1);
    }

    @Test
    void thePersonsOutputHasALinePerEventThenTheOutcome() {
        DemoFixture.Run run = demo.run("place-order", "--item", "widget=1");

        assertThat(run.status()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0)).startsWith("Placing order ord-");
        assertThat(lines).anyMatch(l -> l.matches(".*ENLIST +orders +joins the transaction as branch .*"))
                .anyMatch(l -> l.matches(".*VOTE_COMMIT +inventory .*"))
                .anyMatch(l -> l.matches(".*DECISION_FORCED .*forced to the log.*"))
                .anyMatch(l -> l.matches(".*COMMITTED +payments +committed.*"));
        assertThat(lines.get(lines.size() - 1)).startsWith("COMMITTED (");
    }

    @Test
    void ordersListsEachOrderWithItsPaymentAndStockListsTheProducts() throws Exception {
        DemoFixture.Run placed = demo.run("place-order", "--customer", "carol", "--item", "gadget=2", "--amount", "90.00", "--json");
        String orderId = placed.json().getAsJsonObject("order").get("orderId").getAsString();

        JsonObject orders = demo.json("orders");
        JsonObject stock = demo.json("stock");

        JsonObject order = StreamSupport.stream(orders.getAsJsonArray("orders").spliterator(), false)
                .map(JsonElement::getAsJsonObject).filter(o -> o.get("orderId").getAsString().equals(orderId))
                .findFirst().orElseThrow();
        assertThat(order.get("customer").getAsString()).isEqualTo("carol");
        assertThat(order.getAsJsonObject("payment").get("amount").getAsString()).isEqualTo("90.00");
        assertThat(order.get("reservedUnits").getAsInt()).isEqualTo(2);
        assertThat(orders.getAsJsonArray("mismatches")).isEmpty();
        assertThat(orders.getAsJsonArray("orders")).hasSize((int) demo.count(demo.orders(), "SELECT COUNT(*) FROM customer_order"));
        JsonObject gadget = StreamSupport.stream(stock.getAsJsonArray("stock").spliterator(), false)
                .map(JsonElement::getAsJsonObject).filter(p -> p.get("sku").getAsString().equals("gadget"))
                .findFirst().orElseThrow();
        assertThat(gadget.get("available").getAsInt()).isEqualTo(demo.available("gadget"));
        assertThat(gadget.get("price").getAsString()).isEqualTo("49.99");
    }

    private static void assertNothingLeftOf(String orderId) throws Exception {
        assertThat(demo.ordersWithId(orderId)).as("orders").isZero();
        assertThat(demo.orderLinesOf(orderId)).as("order lines").isZero();
        assertThat(demo.reservedUnitsFor(orderId)).as("reservations").isZero();
        assertThat(demo.paymentsFor(orderId)).as("payments").isZero();
    }

    static List<JsonObject> events(JsonObject doc) {
        return StreamSupport.stream(doc.getAsJsonArray("events").spliterator(), false).map(JsonElement::getAsJsonObject)
                .toList();
    }

    static List<String> types(List<JsonObject> events) {
        return events.stream().map(e -> e.get("type").getAsString()).toList();
    }

    static List<String> participantsOf(List<JsonObject> events, String type) {
        return events.stream().filter(e -> e.get("type").getAsString().equals(type))
                .map(e -> e.get("participant").getAsString()).toList();
    }
}
