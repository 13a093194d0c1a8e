package dev.dtc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Services registered by name, over real HTTP: registration, renewal, expiry, removal, restart, and use. */
class ParticipantRegistryTest {
    private static final AtomicInteger NODES = new AtomicInteger();

    @TempDir
    Path dir;
    String node;
    DtcServer server;
    Api api;
    final List<TestParticipant> participants = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        node = "reg-" + NODES.incrementAndGet();
        server = DtcServer.start(RemoteTransactionTest.config(dir, node));
        api = new Api(server.url(), "s3cret");
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        for (TestParticipant p : participants) {
            p.close();
        }
    }

    private TestParticipant participant(String name) throws Exception {
        TestParticipant p = new TestParticipant(name);
        participants.add(p);
        return p;
    }

    private static String byName(String... names) {
        StringBuilder sb = new StringBuilder("{\"participants\":[");
        for (int i = 0; i < names.length; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"name\":\"").append(names[i]).append("\",\"payload\":{\"n\":")
                    .append(i).append("}}");
        }
        return sb.append("],\"timeoutMs\":5000}").toString();
    }

    private static JsonNode listed(Api api, String name) throws Exception {
        for (JsonNode p : api.get("/v1/participants").body().get("participants")) {
            if (p.get("name").asText().equals(name)) {
                return p;
            }
        }
        return null;
    }

    @Test
    void aRegisteredServiceIsNamedAloneAndItsRenewalIsListed() throws Exception {
        TestParticipant inventory = participant("inventory");
        Api.Answer first = api.put("/v1/participants/inventory", "{\"url\":\"" + inventory.url() + "\",\"ttlMs\":30000}");
        assertThat(first.status()).isEqualTo(201);
        Thread.sleep(20);
        Api.Answer again = api.put("/v1/participants/inventory", "{\"url\":\"" + inventory.url() + "\",\"ttlMs\":30000}");
        assertThat(again.status()).isEqualTo(200);
        assertThat(Instant.parse(again.body().get("lastRenewal").asText()))
                .isAfter(Instant.parse(first.body().get("lastRenewal").asText()));
        JsonNode l = listed(api, "inventory");
        assertThat(l.get("state").asText()).isEqualTo("ACTIVE");
        assertThat(l.get("url").asText()).isEqualTo(inventory.url());

        Api.Answer a = api.post(byName("inventory"));
        assertThat(a.body().get("outcome").asText()).isEqualTo("COMMITTED");
        String id = a.body().get("id").asText();
        assertThat(inventory.ops(id)).containsExactly("prepare", "commit");
        assertThat(a.body().get("participants").get(0).get("url").asText()).isEqualTo(inventory.url());
    }

    @Test
    void anExpiredOrUnknownOrDeletedRegistrationRefusesTheTransactionBeforeAnythingStarts() throws Exception {
        TestParticipant orders = participant("orders");
        TestParticipant payments = participant("payments");
        api.put("/v1/participants/orders", "{\"url\":\"" + orders.url() + "\"}");
        api.put("/v1/participants/payments", "{\"url\":\"" + payments.url() + "\",\"ttlMs\":1000}");
        await().atMost(Duration.ofSeconds(5)).until(() -> "EXPIRED".equals(listed(api, "payments").get("state").asText()));

        Api.Answer expired = api.post(byName("orders", "payments"));
        assertThat(expired.status()).isEqualTo(400);
        assertThat(expired.body().get("error").asText()).contains("registration of participant 'payments' expired");
        Api.Answer unknown = api.post(byName("orders", "shipping"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body().get("error").asText()).contains("'shipping' has no \"url\" and is not registered");

        assertThat(api.delete("/v1/participants/orders").status()).isEqualTo(204);
        assertThat(api.delete("/v1/participants/orders").status()).isEqualTo(404);
        assertThat(api.post(byName("orders")).status()).isEqualTo(400);
        assertThat(orders.calls()).isEmpty();
        assertThat(payments.calls()).isEmpty();
        // a registration without ttlMs never expires
        api.put("/v1/participants/forever", "{\"url\":\"" + orders.url() + "\"}");
        assertThat(listed(api, "forever").get("ttlMs").isNull()).isTrue();
        assertThat(listed(api, "forever").has("expiresAt")).isFalse();
    }

    @Test
    void registrationsSurviveARestart() throws Exception {
        TestParticipant inventory = participant("inventory");
        api.put("/v1/participants/inventory", "{\"url\":\"" + inventory.url() + "\",\"ttlMs\":60000}");
        server.close();
        server = DtcServer.start(RemoteTransactionTest.config(dir, node));
        api = new Api(server.url(), "s3cret");
        assertThat(listed(api, "inventory").get("state").asText()).isEqualTo("ACTIVE");
        assertThat(api.post(byName("inventory")).body().get("outcome").asText()).isEqualTo("COMMITTED");
        assertThat(Files.readString(dir.resolve("registry.json"))).contains(inventory.url());
    }

    @Test
    void aLaterRegistrationCannotRedirectPhaseTwoOfADecidedTransaction() throws Exception {
        TestParticipant first = participant("first");
        TestParticipant impostor = participant("impostor");
        TestParticipant other = participant("other");
        first.failPhaseTwo.set(1_000_000);
        api.put("/v1/participants/stock", "{\"url\":\"" + first.url() + "\"}");
        api.put("/v1/participants/other", "{\"url\":\"" + other.url() + "\"}");

        Api.Answer a = api.post(byName("stock", "other"));
        String id = a.body().get("id").asText();
        assertThat(a.body().get("phase2").asText()).isEqualTo("PENDING");
        api.put("/v1/participants/stock", "{\"url\":\"" + impostor.url() + "\"}");
        first.failPhaseTwo.set(0);

        await().atMost(Duration.ofSeconds(30)).until(() ->
                "COMPLETE".equals(api.get("/v1/transactions/" + id).body().get("phase2").asText()));
        assertThat(first.ops(id)).contains("prepare", "commit");
        assertThat(impostor.calls()).isEmpty();
    }

    @Test
    void badRegistrationsAreRefusedAndChangeNothing() throws Exception {
        String[][] cases = {
                {"/v1/participants/a", "{}", "\"url\" is required"},
                {"/v1/participants/a", "{\"url\":\"ftp://x/y\"}", "http:// or https://"},
                {"/v1/participants/a", "{\"url\":\"http://x/y\",\"ttlMs\":5}", "\"ttlMs\" must be"},
                {"/v1/participants/a", "{\"url\":\"http://x/y\",\"colour\":1}", "unknown field \"colour\""},
                {"/v1/participants/a", "[]", "must be a JSON object"},
                {"/v1/participants/a%20b", "{\"url\":\"http://x/y\"}", "not a participant name"},
        };
        for (String[] c : cases) {
            Api.Answer a = api.put(c[0], c[1]);
            assertThat(a.status()).as(c[1]).isEqualTo(400);
            assertThat(a.body().get("error").asText()).as(c[1]).contains(c[2]);
        }
        Api.Answer unauthorized = new Api(server.url(), "wrong").put("/v1/participants/a", "{\"url\":\"http://x/y\"}");
        assertThat(unauthorized.status()).isEqualTo(401);
        assertThat(api.get("/v1/participants").body().get("participants")).isEmpty();
        assertThat(Files.exists(dir.resolve("registry.json"))).isFalse();
    }
}
