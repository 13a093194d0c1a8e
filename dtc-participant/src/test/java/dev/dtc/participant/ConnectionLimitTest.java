package dev.dtc.participant;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A participant opens no more database connections than it is allowed: prepared branches hold theirs until
 * phase two, so once all are taken a new prepare waits, then votes ABORT saying why, and goes through again as
 * soon as a commit gives one back.
 */
class ConnectionLimitTest {

    static java.util.stream.Stream<KitDatabase> databases() {
        return KitDatabase.all();
    }

    private static Reply prepare(Participant p, String tx) {
        return p.handle("POST", "/prepare", "Bearer t", ("{\"transactionId\":\"" + tx
                + "\",\"payload\":{\"sku\":\"s-" + tx + "\"}}").getBytes());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void preparedBranchesHoldTheConnectionsAndTheNextPrepareWaitsThenAborts(KitDatabase db) throws Exception {
        db.prepareSchema();
        String name = "limit-" + UUID.randomUUID().toString().substring(0, 8);
        try (Participant p = Participant.builder().name(name).xaDataSource(db.xaDataSource())
                .work(new InventoryWork()).coordinator(URI.create("http://127.0.0.1:9")).token("t")
                .recoveryInterval(Duration.ofHours(1)).maxConnections(2).connectionWait(Duration.ofMillis(300))
                .build().start()) {
            String a = "a-" + UUID.randomUUID();
            String b = "b-" + UUID.randomUUID();
            String c = "c-" + UUID.randomUUID();
            assertThat(prepare(p, a).json()).contains("\"COMMIT\"");
            assertThat(prepare(p, b).json()).contains("\"COMMIT\"");

            long t0 = System.nanoTime();
            Reply third = prepare(p, c);
            assertThat(third.json()).contains("\"ABORT\"").contains("all 2 database connections");
            assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(300);
            assertThat(db.preparedTransactions(name)).containsExactlyInAnyOrder(a, b);

            assertThat(p.handle("POST", "/commit", "Bearer t", ("{\"transactionId\":\"" + a + "\"}").getBytes())
                    .status()).isEqualTo(200);
            String d = "d-" + UUID.randomUUID();
            assertThat(prepare(p, d).json()).contains("\"COMMIT\"");
            assertThat(db.preparedTransactions(name)).containsExactlyInAnyOrder(b, d);
            p.handle("POST", "/rollback", "Bearer t", ("{\"transactionId\":\"" + b + "\"}").getBytes());
            p.handle("POST", "/rollback", "Bearer t", ("{\"transactionId\":\"" + d + "\"}").getBytes());
            assertThat(db.preparedTransactions(name)).isEmpty();
        }
    }
}
