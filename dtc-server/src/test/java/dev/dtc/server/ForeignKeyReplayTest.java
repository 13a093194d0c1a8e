package dev.dtc.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a shared store, an Idempotency-Key may point to a transaction another coordinator started. Until that one's
 * outcome is recorded, this coordinator knows nothing of it, and "presumed rolled back" could be a lie: the replay
 * says to retry instead. Once the outcome is recorded, the replay answers it. The history here is a file written
 * as another coordinator's entries would be shared, so that the server's own HTTP answer is what is checked.
 */
class ForeignKeyReplayTest {
    @TempDir
    Path dir;

    @Test
    void aKeyOfAnotherCoordinatorsRunningTransactionIsNotPresumedRolledBack() throws Exception {
        ObjectMapper json = DtcServer.json();
        try (TestParticipant orders = new TestParticipant("orders")) {
            String body = Api.transaction(5_000, orders);
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(json.writeValueAsBytes(json.readTree(body))));
            Path history = dir.resolve("outcomes").resolve("outcomes-" + LocalDate.now(ZoneOffset.UTC) + ".jsonl");
            Files.createDirectories(history.getParent());
            ObjectNode key = json.createObjectNode().put("key", "order-9").put("hash", hash).put("id", "elsewhere~x~1");
            Files.write(history, (json.writeValueAsString(key) + "\n").getBytes(StandardCharsets.UTF_8));

            DtcServer server = DtcServer.start(RemoteTransactionTest.config(dir, "here"));
            try {
                Api api = new Api(server.url(), "s3cret");
                Api.Answer running = api.post(body, Map.of("Idempotency-Key", "order-9"));
                assertThat(running.status()).isEqualTo(503);
                assertThat(running.headers().get("retry-after")).containsExactly("1");
                assertThat(running.body().get("error").asText()).contains("started transaction elsewhere~x~1 on another"
                        + " coordinator and its outcome is not recorded yet");
                assertThat(orders.calls()).isEmpty();
            } finally {
                server.close();
            }

            ObjectNode outcome = json.createObjectNode().put("id", "elsewhere~x~1");
            outcome.putObject("answer").put("id", "elsewhere~x~1").put("outcome", "COMMITTED");
            Files.write(history, (json.writeValueAsString(outcome) + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.APPEND);
            server = DtcServer.start(RemoteTransactionTest.config(dir, "here"));
            try {
                Api.Answer done = new Api(server.url(), "s3cret").post(body, Map.of("Idempotency-Key", "order-9"));
                assertThat(done.status()).isEqualTo(200);
                assertThat(done.body().get("outcome").asText()).isEqualTo("COMMITTED");
                assertThat(done.body().get("replayed").asBoolean()).isTrue();
                assertThat(orders.calls()).isEmpty();
            } finally {
                server.close();
            }
        }
    }
}
