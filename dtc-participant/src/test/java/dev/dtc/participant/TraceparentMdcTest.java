package dev.dtc.participant;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The coordinator's W3C traceparent reaches the service's work through the MDC while the call is handled (for its
 * log lines), and only a well-formed one; the work runs the same either way.
 */
class TraceparentMdcTest {
    static final String PARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    /** The tests' inventory work, noting the MDC's traceparent at each run. */
    static final class SeeingWork implements Work {
        final InventoryWork inventory = new InventoryWork();
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public boolean perform(String transactionId, JsonNode payload, Connection connection)
                throws Refusal, SQLException {
            seen.add(String.valueOf(MDC.get(ParticipantHandler.TRACEPARENT_MDC_KEY)));
            return inventory.perform(transactionId, payload, connection);
        }
    }

    @Test
    void theWorkSeesAWellFormedTraceparentOnlyWhileItRuns() throws Exception {
        KitDatabase db = KitDatabase.all().findFirst().orElseThrow();
        db.prepareSchema();
        SeeingWork work = new SeeingWork();
        String name = "trace-" + UUID.randomUUID().toString().substring(0, 8);
        try (Participant participant = Participant.builder().name(name).xaDataSource(db.xaDataSource()).work(work)
                .coordinator(URI.create("http://127.0.0.1:9")).token(Served.TOKEN)
                .recoveryInterval(Duration.ofHours(1)).build().start();
             Served http = new Served(participant)) {
            String traced = "tx-" + UUID.randomUUID();
            String malformed = "tx-" + UUID.randomUUID();
            String none = "tx-" + UUID.randomUUID();
            assertThat(http.prepare(traced, "{\"sku\":\"a\"}", Map.of("traceparent", PARENT)).statusCode())
                    .isEqualTo(200);
            assertThat(http.prepare(malformed, "{\"sku\":\"b\"}",
                    Map.of("traceparent", PARENT.toUpperCase())).statusCode()).isEqualTo(200);
            assertThat(http.prepare(none, "{\"sku\":\"c\"}").statusCode()).isEqualTo(200);
            assertThat(work.seen).containsExactly(PARENT, "null", "null");
            for (String tx : List.of(traced, malformed, none)) {
                assertThat(http.commit(tx).statusCode()).isEqualTo(200);
                assertThat(db.reservations(tx)).as("committed alike").isEqualTo(1);
            }
            assertThat(db.preparedTransactions(name)).isEmpty();
        }
    }
}
