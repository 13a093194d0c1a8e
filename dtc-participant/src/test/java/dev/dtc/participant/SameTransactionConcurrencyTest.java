package dev.dtc.participant;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Calls for one transaction id are serialised: eight prepares at once do the work once and all vote COMMIT. */
class SameTransactionConcurrencyTest {

    static java.util.stream.Stream<KitDatabase> databases() {
        return KitDatabase.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void concurrentPreparesOfOneTransactionDoTheWorkOnce(KitDatabase db) throws Exception {
        db.prepareSchema();
        String name = "conc-" + UUID.randomUUID().toString().substring(0, 8);
        String tx = "tx-" + UUID.randomUUID();
        AtomicInteger runs = new AtomicInteger();
        InventoryWork inventory = new InventoryWork();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (Participant p = Participant.builder().name(name).xaDataSource(db.xaDataSource())
                .work((t, payload, c) -> {
                    runs.incrementAndGet();
                    try {
                        Thread.sleep(200); // long enough for the others to arrive while the first works
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return inventory.perform(t, payload, c);
                })
                .coordinator(URI.create("http://127.0.0.1:9")).token("t").recoveryInterval(Duration.ofHours(1))
                .build().start()) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Reply>> replies = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                replies.add(pool.submit(() -> {
                    go.await();
                    return p.handle("POST", "/prepare", "Bearer t",
                            ("{\"transactionId\":\"" + tx + "\",\"payload\":{}}").getBytes());
                }));
            }
            go.countDown();
            for (Future<Reply> r : replies) {
                assertThat(r.get(30, TimeUnit.SECONDS).json()).contains("\"COMMIT\"");
            }
            assertThat(runs).hasValue(1);
            assertThat(db.preparedTransactions(name)).containsExactly(tx);
            p.handle("POST", "/commit", "Bearer t", ("{\"transactionId\":\"" + tx + "\"}").getBytes());
            assertThat(db.reservations(tx)).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
