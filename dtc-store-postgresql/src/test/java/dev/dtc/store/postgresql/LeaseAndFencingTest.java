package dev.dtc.store.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dtc.log.DecisionStore;
import dev.dtc.log.LogRecord;
import dev.dtc.log.SharedDecisionStore;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Leases, epochs and the group commit of the PostgreSQL store, on the real database. */
class LeaseAndFencingTest {

    private final String url = TestStores.freshUrl();
    private final PostgresStore store;

    LeaseAndFencingTest() throws Exception {
        store = TestStores.open(url, TestStores.SHORT);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static LogRecord decision(String tx) {
        return LogRecord.decision(tx, ("branches of " + tx).getBytes());
    }

    @Test
    void aNodeHeldByALiveCoordinatorIsRefusedWithTheHolderNamedAndGetsANewEpochOnceTheLeaseRunsOut() throws Exception {
        SharedDecisionStore first = (SharedDecisionStore) store.decisions("http://10.0.0.1:8080").open("node-a");
        assertThat(first.epoch()).isEqualTo(1);
        Lease lease = store.lease("node-a");
        assertThat(lease.live()).isTrue();
        assertThat(lease.url()).isEqualTo("http://10.0.0.1:8080");

        assertThatThrownBy(() -> store.decisions(null).open("node-a"))
                .hasMessageContaining("node node-a is held by a running coordinator")
                .hasMessageContaining(lease.holder())
                .hasMessageContaining("http://10.0.0.1:8080");
        assertThat(store.lease("node-a").epoch()).as("the refused open changed nothing").isEqualTo(1);

        first.appendForced(decision("tx-1"));
        TestStores.stopRenewing(first); // crashed: the lease runs out, nothing released it
        try (SharedDecisionStore second = (SharedDecisionStore) store.decisions(null).open("node-a")) {
            assertThat(second.epoch()).isEqualTo(2);
            assertThat(second.pendingAtOpen().keySet()).containsExactly("tx-1");
            assertThatThrownBy(() -> first.appendForced(decision("tx-late")))
                    .isInstanceOf(SharedDecisionStore.LeaseLostException.class);
            assertThat(store.records("node-a", "tx-late")).isEmpty();
            second.appendForced(decision("tx-2"));
        }
        assertThat(store.records("node-a", "tx-2")).hasSize(1);
        first.close(); // not its lease any more: closing releases nothing
        assertThat(store.lease("node-a").epoch()).isEqualTo(2);
    }

    @Test
    void aTakeoverFencesThePausedHolderWhoseLostLeaseIsReportedAndWhoseEndsAreRefusedToo() throws Exception {
        SharedDecisionStore a = (SharedDecisionStore) store.decisions(null).open("node-a");
        SharedDecisionStore b = (SharedDecisionStore) store.decisions(null).open("node-b");
        AtomicBoolean lost = new AtomicBoolean();
        a.onLeaseLost(() -> lost.set(true));
        a.appendForced(decision("tx-1"));
        assertThat(b.orphans()).isEmpty();
        assertThat(b.takeOver("node-a")).as("a live node is not taken over").isNull();

        TestStores.stopRenewing(a);
        await().atMost(Duration.ofSeconds(10)).until(() -> b.orphans().contains("node-a"));
        SharedDecisionStore taken = b.takeOver("node-a");
        assertThat(taken).isNotNull();
        assertThat(taken.epoch()).isEqualTo(2);
        assertThat(taken.pendingAtOpen().keySet()).containsExactly("tx-1");
        assertThat(b.takeOver("node-a")).as("taken once only").isNull();

        a.append(LogRecord.end("tx-1"));
        assertThatThrownBy(() -> a.appendForced(decision("tx-2")))
                .isInstanceOf(SharedDecisionStore.LeaseLostException.class)
                .hasMessageContaining("another coordinator has taken it over");
        await().atMost(Duration.ofSeconds(5)).untilTrue(lost); // reported on the writer thread, after the appender woke
        assertThat(store.records("node-a", "tx-1")).as("the paused node's END was refused").hasSize(1);
        assertThat(store.records("node-a", "tx-2")).isEmpty();

        taken.append(LogRecord.end("tx-1"));
        taken.close();
        Lease l = store.lease("node-a");
        assertThat(l.holder()).isNull();
        assertThat(l.settled()).isTrue();
        assertThat(store.records("node-a", "tx-1")).isEmpty();
        assertThat(b.orphans()).isEmpty();
        a.close();
        b.close();
    }

    @Test
    void concurrentForcedDecisionsQueuedBehindAWriteShareOneStatement() throws Exception {
        PostgresDecisionStore s = (PostgresDecisionStore) store.decisions(null).open("node-a");
        try (Connection blocker = store.dataSource().getConnection()) {
            s.appendForced(decision("warm-up"));
            long writesBefore = s.writes();
            // Hold the lease row: the next write waits on it, and every append made meanwhile queues behind it.
            blocker.setAutoCommit(false);
            try (Statement st = blocker.createStatement()) {
                st.execute("SELECT 1 FROM dtc_node WHERE node = 'node-a' FOR UPDATE");
            }
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String tx = "tx-" + i;
                done.add(pool.submit(() -> {
                    s.appendForced(decision(tx));
                    return null;
                }));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> s.unwritten() == 16);
            blocker.commit();
            for (Future<?> f : done) {
                f.get(10, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(s.writes() - writesBefore).as("16 decisions in at most two statements (the one that waited"
                    + " on the lock and the one carrying the rest)").isLessThanOrEqualTo(2);
        }
        s.close();
        try (DecisionStore again = store.decisions(null).open("node-a")) {
            assertThat(again.pendingAtOpen()).hasSize(17);
        }
    }

    @Test
    void aDatabaseAtANewerSchemaVersionIsRefusedWithWhatToDo() throws Exception {
        TestStores.exec(store, "INSERT INTO dtc_schema (version) VALUES (99)");
        assertThatThrownBy(() -> TestStores.open(url, TestStores.SHORT))
                .hasMessageContaining("schema version 99")
                .hasMessageContaining("newer than this dtc knows (1)");
    }
}
