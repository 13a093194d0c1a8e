package dev.dtc.participant;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A participant opens no more database connections than it is allowed. Calls at work hold theirs; on MySQL and
 * MariaDB a prepared branch holds its connection until phase two, on PostgreSQL it gives it back at once. Once
 * all are taken a new prepare waits, then votes ABORT saying why.
 */
class ConnectionLimitTest {

    static java.util.stream.Stream<KitDatabase> databases() {
        return KitDatabase.all();
    }

    private static Reply call(Participant p, String op, String tx) {
        String body = op.equals("/prepare")
                ? "{\"transactionId\":\"" + tx + "\",\"payload\":{\"sku\":\"s-" + tx + "\"}}"
                : "{\"transactionId\":\"" + tx + "\"}";
        return p.handle("POST", op, "Bearer t", body.getBytes());
    }

    private static Participant participant(KitDatabase db, String name, Work work) {
        return Participant.builder().name(name).xaDataSource(db.xaDataSource()).work(work)
                .coordinator(URI.create("http://127.0.0.1:9")).token("t").recoveryInterval(Duration.ofHours(1))
                .maxConnections(2).connectionWait(Duration.ofMillis(300)).build().start();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void whenEveryConnectionIsAtWorkTheNextPrepareWaitsThenAbortsSayingWhy(KitDatabase db) throws Exception {
        db.prepareSchema();
        String name = "limit-" + UUID.randomUUID().toString().substring(0, 8);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch working = new CountDownLatch(2);
        InventoryWork inventory = new InventoryWork();
        try (Participant p = participant(db, name, (tx, payload, c) -> {
            if (tx.startsWith("slow")) {
                working.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return inventory.perform(tx, payload, c);
        })) {
            List<String> slow = List.of("slow-a-" + UUID.randomUUID(), "slow-b-" + UUID.randomUUID());
            List<CompletableFuture<Reply>> busy = new ArrayList<>();
            // two threads of its own: the common pool may run one task at a time on a two-core machine
            ExecutorService two = Executors.newFixedThreadPool(2);
            for (String tx : slow) {
                busy.add(CompletableFuture.supplyAsync(() -> call(p, "/prepare", tx), two));
            }
            two.shutdown();
            assertThat(working.await(30, TimeUnit.SECONDS)).isTrue();

            String third = "third-" + UUID.randomUUID();
            long t0 = System.nanoTime();
            Reply refused = call(p, "/prepare", third);
            assertThat(refused.json()).contains("\"ABORT\"").contains("all 2 database connections");
            assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(300);
            assertThat(db.reservations(third)).isZero();

            release.countDown();
            for (CompletableFuture<Reply> f : busy) {
                assertThat(f.get(30, TimeUnit.SECONDS).json()).contains("\"COMMIT\"");
            }
            for (String tx : slow) {
                assertThat(call(p, "/commit", tx).status()).isEqualTo(200);
                assertThat(db.reservations(tx)).isEqualTo(1);
            }
            assertThat(db.preparedTransactions(name)).isEmpty();
        }
    }

    @Test
    void onPostgresAPreparedBranchGivesItsConnectionBack() throws Exception {
        KitDatabase db = new KitDatabase.Postgres();
        db.prepareSchema();
        String name = "release-" + UUID.randomUUID().toString().substring(0, 8);
        try (Participant p = participant(db, name, new InventoryWork())) {
            List<String> txs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String tx = "pg-" + i + "-" + UUID.randomUUID();
                txs.add(tx);
                assertThat(call(p, "/prepare", tx).json()).as("prepare %d of 5 with 2 connections", i + 1)
                        .contains("\"COMMIT\"");
            }
            assertThat(db.preparedTransactions(name)).containsExactlyInAnyOrderElementsOf(txs);
            for (int i = 0; i < 5; i++) {
                String tx = txs.get(i);
                assertThat(call(p, i % 2 == 0 ? "/commit" : "/rollback", tx).status()).isEqualTo(200);
                assertThat(db.reservations(tx)).isEqualTo(i % 2 == 0 ? 1 : 0);
            }
            assertThat(db.preparedTransactions(name)).isEmpty();
            // a repeated prepare of a committed one still answers from the record
            assertThat(call(p, "/prepare", txs.get(0)).json()).contains("\"COMMIT\"");
            assertThat(db.reservations(txs.get(0))).isEqualTo(1);
        }
    }

    @Test
    void onMariaDbAPreparedBranchKeepsItsConnectionUntilPhaseTwo() throws Exception {
        KitDatabase db = new KitDatabase.Mysql();
        db.prepareSchema();
        String name = "hold-" + UUID.randomUUID().toString().substring(0, 8);
        try (Participant p = participant(db, name, new InventoryWork())) {
            String a = "a-" + UUID.randomUUID();
            String b = "b-" + UUID.randomUUID();
            assertThat(call(p, "/prepare", a).json()).contains("\"COMMIT\"");
            assertThat(call(p, "/prepare", b).json()).contains("\"COMMIT\"");
            assertThat(call(p, "/prepare", "c-" + UUID.randomUUID()).json()).contains("all 2 database connections");
            assertThat(call(p, "/commit", a).status()).isEqualTo(200);
            assertThat(call(p, "/rollback", b).status()).isEqualTo(200);
            assertThat(db.reservations(a)).isEqualTo(1);
            assertThat(db.reservations(b)).isZero();
            assertThat(db.preparedTransactions(name)).isEmpty();
        }
    }

    /**
     * On MySQL/MariaDB prepared branches hold their connections; when every connection is held by a branch whose
     * coordinator gave up on it (say it lost its lease after preparing, and another coordinator settled the
     * transaction as never decided), recovery must still finish those branches: they are this process's own and
     * their connections are at hand. It must not wait for a connection to list the database's branches first, or
     * nothing ever frees one and the participant refuses every prepare from then on.
     */
    @Test
    void onMariaDbBranchesHoldingEveryConnectionAreStillRolledBackByRecovery() throws Exception {
        KitDatabase db = new KitDatabase.Mysql();
        db.prepareSchema();
        String name = "wedge-" + UUID.randomUUID().toString().substring(0, 8);
        // IN_PROGRESS at first, so that both branches stay prepared and hold both connections
        try (FakeCoordinator coordinator = new FakeCoordinator(0, FakeCoordinator.Answer.outcome("IN_PROGRESS"));
             Participant p = Participant.builder().name(name).xaDataSource(db.xaDataSource())
                     .work(new InventoryWork()).coordinator(coordinator.uri()).token(Served.TOKEN)
                     .recoveryInterval(Duration.ofMillis(200)).maxConnections(2)
                     .connectionWait(Duration.ofMillis(300)).build().start()) {
            String a = "a-" + UUID.randomUUID();
            String b = "b-" + UUID.randomUUID();
            for (String tx : List.of(a, b)) {
                assertThat(p.handle("POST", "/prepare", "Bearer " + Served.TOKEN, ("{\"transactionId\":\""
                        + tx + "\",\"payload\":{}}").getBytes()).json()).contains("\"COMMIT\"");
            }
            assertThat(db.preparedTransactions(name)).containsExactlyInAnyOrder(a, b);
            coordinator.answer(FakeCoordinator.Answer.presumedAbort()); // the coordinator settled them: never decided
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> db.preparedTransactions(name).isEmpty());
            assertThat(db.reservations(a)).isZero();
            assertThat(db.reservations(b)).isZero();
            String c = "c-" + UUID.randomUUID();
            assertThat(p.handle("POST", "/prepare", "Bearer " + Served.TOKEN, ("{\"transactionId\":\"" + c
                    + "\",\"payload\":{}}").getBytes()).json()).as("connections free again").contains("\"COMMIT\"");
            assertThat(p.handle("POST", "/rollback", "Bearer " + Served.TOKEN, ("{\"transactionId\":\"" + c
                    + "\"}").getBytes()).status()).isEqualTo(200);
        }
    }
}
