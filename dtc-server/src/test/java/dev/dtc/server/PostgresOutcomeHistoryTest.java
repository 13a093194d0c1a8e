package dev.dtc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dtc.store.postgresql.PostgresStore;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Outcomes and Idempotency-Keys in the shared store, seen by two coordinators on one real PostgreSQL. */
class PostgresOutcomeHistoryTest {
    final SharedStores stores = new SharedStores();

    @AfterEach
    void close() {
        stores.close();
    }

    private static ObjectNode answer(String id, String outcome) {
        ObjectNode o = DtcServer.json().createObjectNode();
        o.put("id", id);
        o.put("outcome", outcome);
        return o;
    }

    @Test
    void anOutcomeRecordedOnOneCoordinatorIsAnsweredByTheOther() throws Exception {
        OutcomeHistory a = stores.coordinator().outcomes();
        OutcomeHistory b = stores.coordinator().outcomes();
        PostgresStore look = stores.look();

        a.record("node-a~1", answer("node-a~1", "COMMITTED")).get(30, TimeUnit.SECONDS);
        assertThat(SharedStores.text(look, "SELECT node FROM dtc_outcome WHERE tx_id = ?", "node-a~1"))
                .isEqualTo("node-a");
        assertThat(b.answer("node-a~1").get("outcome").asText()).isEqualTo("COMMITTED");
        assertThat(a.answer("node-a~1")).isEqualTo(b.answer("node-a~1"));
        assertThat(b.answer("node-a~2")).isNull();

        // a later record of the same id replaces the answer (an operator's resolution after a heuristic)
        b.record("node-a~1", answer("node-a~1", "HEURISTIC_MIXED")).get(30, TimeUnit.SECONDS);
        assertThat(a.answer("node-a~1").get("outcome").asText()).isEqualTo("HEURISTIC_MIXED");
        assertThat(SharedStores.count(look, "SELECT count(*) FROM dtc_outcome")).isEqualTo(1);

        // and it outlives both: a coordinator started later answers it, and knows the keys
        assertThat(a.claim("order-1", "h", "node-a~3")).isNull();
        a.close();
        b.close();
        OutcomeHistory later = stores.coordinator().outcomes();
        assertThat(later.answer("node-a~1").get("outcome").asText()).isEqualTo("HEURISTIC_MIXED");
        assertThat(later.claim("order-1", "h", "node-c~1")).isEqualTo(new OutcomeHistory.Accepted("h", "node-a~3"));
    }

    /**
     * While the table is locked nothing recorded may count as durable; once it is free, everything queued meanwhile
     * goes in one INSERT, one commit: the rows share the inserting transaction's id (xmin).
     */
    @Test
    void recordsWaitForTheirCommitAndConcurrentOnesShareOne() throws Exception {
        OutcomeHistory a = stores.coordinator().outcomes();
        PostgresStore look = stores.look();
        List<CompletableFuture<Void>> done = new ArrayList<>();
        try (Connection blocker = look.dataSource().getConnection()) {
            blocker.setAutoCommit(false);
            try (Statement s = blocker.createStatement()) {
                s.execute("LOCK TABLE dtc_outcome IN EXCLUSIVE MODE");
            }
            for (int i = 0; i < 200; i++) {
                done.add(a.record("n~" + i, answer("n~" + i, "COMMITTED")));
            }
            done.add(a.record("n~7", answer("n~7", "ROLLED_BACK"))); // the same id again in the batch: the later wins
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                    .until(() -> done.stream().noneMatch(CompletableFuture::isDone));
            blocker.commit();
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertThat(SharedStores.count(look, "SELECT count(*) FROM dtc_outcome")).isEqualTo(200);
        // the first record may have been taken alone before the lock held it up; all the rest came as one
        assertThat(SharedStores.count(look, "SELECT count(DISTINCT xmin::text) FROM dtc_outcome")).isLessThanOrEqualTo(2);
        assertThat(a.answer("n~7").get("outcome").asText()).isEqualTo("ROLLED_BACK");
    }

    @Test
    void outcomesAndKeysPastRetentionAreNotAnsweredAndArePruned() throws Exception {
        OutcomeHistory a = stores.coordinator().outcomes();
        PostgresStore look = stores.look();
        a.record("n~old", answer("n~old", "COMMITTED")).get(30, TimeUnit.SECONDS);
        a.record("n~new", answer("n~new", "COMMITTED")).get(30, TimeUnit.SECONDS);
        assertThat(a.claim("old-key", "h", "n~old")).isNull();
        SharedStores.exec(look, "UPDATE dtc_outcome SET recorded_at = now() - interval '25 hours' WHERE tx_id = 'n~old'");
        SharedStores.exec(look, "UPDATE dtc_idempotency SET recorded_at = now() - interval '25 hours'");

        assertThat(a.answer("n~old")).isNull();
        assertThat(a.answer("n~new")).isNotNull();
        // a key past retention is free for a new transaction
        assertThat(a.claim("old-key", "h2", "n~2")).isNull();
        assertThat(SharedStores.text(look, "SELECT tx_id FROM dtc_idempotency WHERE key = 'old-key'")).isEqualTo("n~2");

        // a coordinator prunes when it starts, and every few minutes after
        stores.coordinator();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                SharedStores.count(look, "SELECT count(*) FROM dtc_outcome WHERE tx_id = 'n~old'") == 0);
        assertThat(SharedStores.count(look, "SELECT count(*) FROM dtc_outcome")).isEqualTo(1);
    }

    @Test
    void oneKeySentToTwoCoordinatorsAtOnceStartsOneTransaction() throws Exception {
        List<OutcomeHistory> coordinators = List.of(stores.coordinator().outcomes(), stores.coordinator().outcomes());
        PostgresStore look = stores.look();
        for (int round = 0; round < 20; round++) {
            String key = "order-" + round;
            int requests = 8;
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(requests);
            List<CompletableFuture<String>> ids = new ArrayList<>();
            ConcurrentHashMap<String, Boolean> winners = new ConcurrentHashMap<>();
            for (int r = 0; r < requests; r++) {
                OutcomeHistory h = coordinators.get(r % 2);
                String id = (r % 2 == 0 ? "a" : "b") + "~" + round + "-" + r;
                ids.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                        OutcomeHistory.Accepted prior = h.claim(key, "hash", id);
                        if (prior == null) {
                            h.accept(key, "hash", id).get();
                            winners.put(id, true);
                            return id;
                        }
                        return prior.id();
                    } catch (InterruptedException | ExecutionException e) {
                        throw new IllegalStateException(e);
                    }
                }, pool));
            }
            go.countDown();
            List<String> seen = new ArrayList<>();
            for (CompletableFuture<String> f : ids) {
                seen.add(f.get(30, TimeUnit.SECONDS));
            }
            pool.shutdown();
            assertThat(winners).hasSize(1);
            String winner = winners.keySet().iterator().next();
            assertThat(seen).containsOnly(winner);
            assertThat(SharedStores.text(look, "SELECT tx_id FROM dtc_idempotency WHERE key = ?", key)).isEqualTo(winner);
        }
    }

    @Test
    void aReleasedKeyIsFreeAgainButOnlyItsOwnRequestCanReleaseIt() throws Exception {
        OutcomeHistory a = stores.coordinator().outcomes();
        OutcomeHistory b = stores.coordinator().outcomes();
        PostgresStore look = stores.look();
        assertThat(a.claim("k", "h1", "a~1")).isNull();
        OutcomeHistory.Accepted prior = b.claim("k", "h2", "b~1");
        assertThat(prior).isEqualTo(new OutcomeHistory.Accepted("h1", "a~1"));

        b.release("k", "b~1"); // not its claim: nothing changes
        assertThat(SharedStores.text(look, "SELECT tx_id FROM dtc_idempotency WHERE key = 'k'")).isEqualTo("a~1");
        a.release("k", "a~1");
        assertThat(SharedStores.count(look, "SELECT count(*) FROM dtc_idempotency")).isZero();
        assertThat(b.claim("k", "h2", "b~2")).isNull();
        assertThat(SharedStores.text(look, "SELECT hash FROM dtc_idempotency WHERE key = 'k'")).isEqualTo("h2");
    }

    @Test
    void aStoreThatCannotBeReachedRefusesTheKeyAndTheAnswerInsteadOfGuessing() throws Exception {
        PostgresStore own = stores.store();
        OutcomeHistory a = stores.coordinator(own).outcomes();
        PostgresStore look = stores.look();
        own.close(); // its pool is gone: every statement fails, as with the database down

        assertThat(a.claim("k", "h", "a~1")).isNull();
        assertThatThrownBy(() -> a.accept("k", "h", "a~1").get()).hasMessageContaining("did not take the key");
        assertThatThrownBy(() -> a.answer("a~1")).hasMessageContaining("cannot read the outcome of a~1");
        assertThatThrownBy(() -> a.record("a~1", answer("a~1", "COMMITTED")).get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class);
        assertThat(SharedStores.count(look, "SELECT count(*) FROM dtc_idempotency")).isZero();
        assertThat(SharedStores.count(look, "SELECT count(*) FROM dtc_outcome")).isZero();
    }
}
