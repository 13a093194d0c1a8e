package dev.dtc.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A service that registers itself (the kit, through {@code serve --register}) with a real coordinator process:
 * listed while it runs, named alone in a transaction that then commits in its database, gone from the registry
 * when it stops.
 */
class RegisteredServiceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    RemoteRig rig;

    @AfterEach
    void stopEverything() {
        if (rig != null) {
            rig.close();
        }
    }

    private JsonNode call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(rig.coordinatorUrl + path))
                .header("Authorization", "Bearer " + RemoteRig.TOKEN).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    @Test
    void aServiceRegistersItselfIsNamedAloneAndLeavesTheRegistryWhenItStops() throws Exception {
        rig = new RemoteRig().coordinator();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        rig.fixPort("inventory", port).service("inventory", "--register");
        String name = rig.prefix + "inventory";
        int widgets = rig.available("widget");

        JsonNode listed = call("GET", "/v1/participants", null).get("participants");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("name").asText()).isEqualTo(name);
        assertThat(listed.get(0).get("url").asText()).isEqualTo(rig.url("inventory"));
        assertThat(listed.get(0).get("state").asText()).isEqualTo("ACTIVE");

        JsonNode answer = call("POST", "/v1/transactions", "{\"participants\":[{\"name\":\"" + name + "\",\"payload\":"
                + "{\"orderId\":\"reg-1\",\"customer\":\"c\",\"items\":[{\"sku\":\"widget\",\"quantity\":1}],"
                + "\"amountCents\":1250,\"card\":\"4242-4242-4242-4242\"}}],\"timeoutMs\":10000}");
        assertThat(answer.get("outcome").asText()).as(answer.toString()).isEqualTo("COMMITTED");
        assertThat(answer.get("participants").get(0).get("url").asText()).isEqualTo(rig.url("inventory"));
        assertThat(rig.available("widget")).isEqualTo(widgets - 1);
        assertThat(rig.preparedAnywhere()).isEmpty();

        Process service = rig.process("inventory");
        service.destroy(); // SIGTERM: a clean stop, which deregisters
        assertThat(service.waitFor(60, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> call("GET", "/v1/participants", null).get("participants").isEmpty());
    }
}
