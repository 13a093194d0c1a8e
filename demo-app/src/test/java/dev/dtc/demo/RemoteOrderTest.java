package dev.dtc.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * place-order through the HTTP coordinator with the three services as real processes, each on its own database:
 * a commit, votes to abort, a service that hangs through prepare, and calls repeated straight to a service.
 */
class RemoteOrderTest {

    RemoteRig rig;

    @AfterEach
    void stopEverything() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void anOrderCommitsInTheThreeServicesDatabases() throws Exception {
        rig = new RemoteRig().all();
        int widgets = rig.available("widget");

        RemoteRig.Placed placed = rig.placeOrder("--item", "widget=2", "--item", "gadget=1");

        assertThat(placed.status()).as(placed.err()).isZero();
        assertThat(placed.outcome()).isEqualTo("COMMITTED");
        assertThat(placed.json().get("phase2").getAsString()).isEqualTo("COMPLETE");
        assertThat(participantsWith(placed.json(), "VOTE_COMMIT")).containsExactlyInAnyOrder("orders", "inventory", "payments");
        assertThat(participantsWith(placed.json(), "COMMITTED")).containsExactlyInAnyOrder("orders", "inventory", "payments");
        assertThat(rig.rowsOf(placed.orderId())).containsExactly(1L, 2L, 1L, 3L);
        assertThat(rig.available("widget")).isEqualTo(widgets - 2);
        assertThat(rig.preparedAnywhere()).isEmpty();
    }

    @Test
    void aDeclinedPaymentIsAVoteToAbortAndNothingIsLeftAnywhere() throws Exception {
        rig = new RemoteRig().all();
        int widgets = rig.available("widget");

        RemoteRig.Placed placed = rig.placeOrder("--decline-payment");

        assertThat(placed.status()).isEqualTo(1);
        assertThat(placed.outcome()).isEqualTo("ROLLED_BACK");
        assertThat(placed.json().get("refusedBy").getAsString()).isEqualTo("payments");
        assertThat(placed.json().get("stage").getAsString()).isEqualTo("PREPARE");
        assertThat(placed.json().get("reason").getAsString()).contains("declined").contains("blocked by its issuer");
        assertThat(rig.rowsOf(placed.orderId())).containsExactly(0L, 0L, 0L, 0L);
        assertThat(rig.available("widget")).isEqualTo(widgets);
        assertThat(rig.preparedAnywhere()).isEmpty();
    }

    @Test
    void insufficientStockIsAVoteToAbortAndNothingIsLeftAnywhere() throws Exception {
        rig = new RemoteRig().all();
        int gizmos = rig.available("gizmo");

        RemoteRig.Placed placed = rig.placeOrder("--item", "gizmo=" + (gizmos + 1));

        assertThat(placed.outcome()).isEqualTo("ROLLED_BACK");
        assertThat(placed.json().get("refusedBy").getAsString()).isEqualTo("inventory");
        assertThat(placed.json().get("reason").getAsString()).startsWith("insufficient stock for gizmo: " + gizmos
                + " available, " + (gizmos + 1) + " ordered");
        assertThat(rig.rowsOf(placed.orderId())).containsExactly(0L, 0L, 0L, 0L);
        assertThat(rig.available("gizmo")).isEqualTo(gizmos);
        assertThat(rig.preparedAnywhere()).isEmpty();
    }

    @Test
    void aServiceThatHangsThroughPrepareTimesOutAndEverythingRollsBack() throws Exception {
        rig = new RemoteRig();
        rig.coordinator().service("orders").service("payments").service("inventory", "--hang-on-prepare=10");
        int widgets = rig.available("widget");

        // 4 s, not 1: the two services that do answer must prepare within it on a loaded machine (with 1 s,
        // "orders" missed it too under load and was named as the refuser); inventory hangs well past it
        RemoteRig.Placed placed = rig.placeOrder("--timeout", "4");

        assertThat(placed.outcome()).isEqualTo("ROLLED_BACK");
        assertThat(placed.json().get("refusedBy").getAsString()).isEqualTo("inventory");
        assertThat(vote(placed.json(), "inventory")).isEqualTo("NO_ANSWER");
        assertThat(participantsWith(placed.json(), "ROLLED_BACK")).contains("orders", "payments");
        // the hanging work ends by refusing; the coordinator's rollback (queued behind it) or recovery ends the rest
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(rig.preparedAnywhere()).isEmpty();
            assertThat(rig.transaction(placed.json().get("transactionId").getAsString()).get("phase2").getAsString())
                    .isEqualTo("COMPLETE");
        });
        assertThat(rig.rowsOf(placed.orderId())).containsExactly(0L, 0L, 0L, 0L);
        assertThat(rig.available("widget")).isEqualTo(widgets);
    }

    @Test
    void aPrepareOrCommitRepeatedStraightToAServiceChangesNothingMore() throws Exception {
        rig = new RemoteRig();
        // recovery must not ask the coordinator about this hand-made transaction (it would be told "never decided")
        rig.coordinator().service("inventory", "--recovery-interval", "600");
        int widgets = rig.available("widget");
        String body = "{\"transactionId\":\"direct-1\",\"payload\":{\"orderId\":\"ord-direct-1\",\"customer\":\"bob\","
                + "\"items\":[{\"sku\":\"widget\",\"quantity\":3}],\"amountCents\":3750,\"card\":\"4242-4242-4242-4242\"}}";

        HttpResponse<String> first = rig.call("inventory", "prepare", body);
        HttpResponse<String> second = rig.call("inventory", "prepare", body);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(JsonParser.parseString(first.body()).getAsJsonObject().get("vote").getAsString()).isEqualTo("COMMIT");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(rig.preparedInMysql()).hasSize(1);

        String finish = "{\"transactionId\":\"direct-1\"}";
        assertThat(rig.call("inventory", "commit", finish).statusCode()).isEqualTo(200);
        assertThat(rig.call("inventory", "commit", finish).statusCode()).isEqualTo(200);
        HttpResponse<String> late = rig.call("inventory", "prepare", body);

        assertThat(JsonParser.parseString(late.body()).getAsJsonObject().get("vote").getAsString()).isEqualTo("COMMIT");
        assertThat(rig.available("widget")).isEqualTo(widgets - 3);
        assertThat(RemoteRig.count(rig.inventory(), "SELECT COUNT(*) FROM reservation WHERE order_id = ?", "ord-direct-1"))
                .isEqualTo(1);
        assertThat(rig.preparedInMysql()).isEmpty();
    }

    static List<String> participantsWith(JsonObject placed, String type) {
        return StreamSupport.stream(placed.getAsJsonArray("events").spliterator(), false).map(JsonElement::getAsJsonObject)
                .filter(e -> e.get("type").getAsString().equals(type)).map(e -> e.get("participant").getAsString()).toList();
    }

    static String vote(JsonObject placed, String participant) {
        for (JsonElement p : placed.getAsJsonArray("participants")) {
            if (p.getAsJsonObject().get("name").getAsString().equals(participant)) {
                return p.getAsJsonObject().get("vote").getAsString();
            }
        }
        throw new AssertionError("no participant " + participant + " in " + placed);
    }
}
