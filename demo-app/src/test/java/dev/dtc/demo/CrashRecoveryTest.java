package dev.dtc.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code place-order --crash-after-prepare} and {@code --crash-after-decision} in a child JVM that really dies
 * ({@code Runtime.halt}), leaving real prepared transactions in the databases; then the next command, which
 * recovers them, on the fixture's servers.
 */
class CrashRecoveryTest {

    static DemoFixture demo;

    @BeforeAll
    static void freshDatabases() {
        demo = new DemoFixture("demo_crash_");
        DemoFixture.Run reset = demo.run("reset");
        assertThat(reset.status()).as(reset.err()).isZero();
    }

    @Test
    void aCrashAfterEveryVoteLeavesThreePreparedBranchesThatTheNextCommandRollsBack() throws Exception {
        int widgets = demo.available("widget");

        JsonObject crashed = crash("--crash-after-prepare");
        assertThat(crashed.get("crashPoint").getAsString()).isEqualTo("AFTER_PREPARE");
        assertThat(PlaceOrderTest.participantsOf(PlaceOrderTest.events(crashed), "VOTE_COMMIT"))
                .containsExactlyInAnyOrder("orders", "inventory", "payments");
        assertThat(PlaceOrderTest.types(PlaceOrderTest.events(crashed))).doesNotContain("DECISION_FORCED");
        String orderId = crashed.getAsJsonObject("order").get("orderId").getAsString();
        String tx = crashed.get("transactionId").getAsString();
        // the dead process left real prepared transactions: two in PostgreSQL, one in MySQL/MariaDB
        assertThat(demo.preparedInPostgres()).hasSize(2);
        assertThat(demo.preparedInMysql(DemoFixture.nodeNameOf(tx))).hasSize(1);

        JsonObject orders = demo.json("orders");

        List<JsonObject> actions = actions(orders);
        assertThat(actions).hasSize(3).allSatisfy(a -> {
            assertThat(a.get("type").getAsString()).isEqualTo("RECOVERY_ROLLBACK");
            assertThat(a.get("transactionId").getAsString()).isEqualTo(tx);
        });
        assertThat(actions.stream().map(a -> a.get("participant").getAsString()))
                .containsExactlyInAnyOrder("orders", "inventory", "payments");
        assertThat(orderIds(orders)).doesNotContain(orderId);
        assertThat(demo.ordersWithId(orderId)).isZero();
        assertThat(demo.paymentsFor(orderId)).isZero();
        assertThat(demo.reservedUnitsFor(orderId)).isZero();
        assertThat(demo.available("widget")).isEqualTo(widgets);
        assertThat(demo.preparedInPostgres()).isEmpty();
        assertThat(demo.preparedInMysql(DemoFixture.nodeNameOf(tx))).isEmpty();
    }

    @Test
    void aCrashAfterTheDecisionLeavesThreePreparedBranchesThatTheNextCommandCommits() throws Exception {
        int widgets = demo.available("widget");

        JsonObject crashed = crash("--crash-after-decision");
        assertThat(crashed.get("crashPoint").getAsString()).isEqualTo("AFTER_DECISION");
        assertThat(PlaceOrderTest.types(PlaceOrderTest.events(crashed))).contains("DECISION_FORCED").doesNotContain("COMMIT_SENT");
        String orderId = crashed.getAsJsonObject("order").get("orderId").getAsString();
        String tx = crashed.get("transactionId").getAsString();
        assertThat(demo.preparedInPostgres()).hasSize(2);
        assertThat(demo.preparedInMysql(DemoFixture.nodeNameOf(tx))).hasSize(1);
        assertThat(demo.ordersWithId(orderId)).as("not visible before recovery commits it").isZero();

        JsonObject orders = demo.json("orders");

        List<JsonObject> actions = actions(orders);
        assertThat(actions).hasSize(3).allSatisfy(a -> {
            assertThat(a.get("type").getAsString()).isEqualTo("RECOVERY_COMMIT");
            assertThat(a.get("transactionId").getAsString()).isEqualTo(tx);
        });
        assertThat(actions.stream().map(a -> a.get("participant").getAsString()))
                .containsExactlyInAnyOrder("orders", "inventory", "payments");
        assertThat(orderIds(orders)).contains(orderId);
        assertThat(orders.getAsJsonArray("mismatches")).isEmpty();
        assertThat(demo.ordersWithId(orderId)).isEqualTo(1);
        assertThat(demo.paymentsFor(orderId)).isEqualTo(1);
        assertThat(demo.reservedUnitsFor(orderId)).isEqualTo(1);
        assertThat(demo.available("widget")).isEqualTo(widgets - 1);
        assertThat(demo.preparedInPostgres()).isEmpty();
        assertThat(demo.preparedInMysql(DemoFixture.nodeNameOf(tx))).isEmpty();
    }

    private static JsonObject crash(String crashOption) throws Exception {
        List<String> args = new ArrayList<>(List.of("place-order", crashOption, "--item", "widget=1", "--json"));
        args.addAll(demo.serverOptions());
        ChildDemo.Result child = ChildDemo.run(args);
        assertThat(child.status()).as("exit status; stderr: %s", child.err()).isEqualTo(99);
        JsonObject doc = JsonParser.parseString(child.out()).getAsJsonObject();
        assertThat(doc.get("outcome").getAsString()).isEqualTo("CRASHED");
        return doc;
    }

    private static List<JsonObject> actions(JsonObject doc) {
        return StreamSupport.stream(doc.getAsJsonObject("recovery").getAsJsonArray("actions").spliterator(), false)
                .map(JsonElement::getAsJsonObject).toList();
    }

    private static List<String> orderIds(JsonObject orders) {
        return StreamSupport.stream(orders.getAsJsonArray("orders").spliterator(), false)
                .map(o -> o.getAsJsonObject().get("orderId").getAsString()).toList();
    }
}
