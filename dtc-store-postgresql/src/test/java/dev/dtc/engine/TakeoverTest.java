package dev.dtc.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dtc.TransactionService;
import dev.dtc.audit.AuditEvent;
import dev.dtc.audit.EventType;
import dev.dtc.internal.tm.DtcTransaction;
import dev.dtc.internal.xid.DtcXid;
import dev.dtc.internal.xid.XidFactory;
import dev.dtc.log.DecisionStore;
import dev.dtc.log.LogRecord;
import dev.dtc.log.SharedDecisionStore;
import dev.dtc.store.postgresql.Lease;
import dev.dtc.store.postgresql.PostgresStore;
import dev.dtc.store.postgresql.TestStores;
import jakarta.transaction.TransactionManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import javax.transaction.xa.XAException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A coordinator on the shared store finishes the work of one whose lease ran out: it commits what that node decided,
 * rolls back what it prepared and did not decide, and the dead node can write nothing afterwards. (In dtc-core's
 * test package, for its in-memory XA resource.)
 */
class TakeoverTest {

    private final PostgresStore store;
    private final List<AuditEvent> events = new CopyOnWriteArrayList<>();

    TakeoverTest() throws Exception {
        store = TestStores.open(TestStores.freshUrl(), TestStores.SHORT);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private TransactionService.Builder node(String name, DecisionStore.Opener opener) {
        return TransactionService.builder().nodeName(name).decisionStore(opener)
                .recoveryInterval(Duration.ZERO).retryBackoff(Duration.ofHours(1), Duration.ofHours(1))
                .auditListener(events::add);
    }

    @Test
    void aLiveNodeFinishesTheDecidedAndRollsBackTheUndecidedWorkOfADeadOneWhichCanThenWriteNothing() throws Exception {
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        b.onCommit = x -> {
            throw InMemoryResource.xa(XAException.XAER_RMFAIL); // b cannot commit while node-a lives
        };
        AtomicReference<DecisionStore> storeOfA = new AtomicReference<>();
        DecisionStore.Opener opener = n -> {
            DecisionStore s = store.decisions(null).open(n);
            storeOfA.set(s);
            return s;
        };
        TransactionService nodeA = node("node-a", opener).build();
        String decided;
        DtcXid undecided;
        try {
            TransactionManager tm = nodeA.transactionManager();
            tm.begin();
            decided = ((DtcTransaction) tm.getTransaction()).id();
            tm.getTransaction().enlistResource(a);
            tm.getTransaction().enlistResource(b);
            tm.commit();
            assertThat(a.committed).hasSize(1);
            assertThat(b.prepared).hasSize(1);
            assertThat(store.records("node-a", decided)).hasSize(1);
            // a branch node-a prepared and never decided (it "died" between prepare and decision)
            XidFactory xidsOfA = new XidFactory("node-a", 1_000L);
            undecided = xidsOfA.branch(xidsOfA.newTransactionId(), 1);
            a.prepared.add(undecided);

            // node-a stops renewing, as a paused or dead coordinator does
            TestStores.stopRenewing(storeOfA.get());
            b.onCommit = x -> { };

            try (TransactionService nodeB = node("node-b", store.decisions(null))
                    .recoveryResource("a", () -> a).recoveryResource("b", () -> b).build()) {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    assertThat(b.prepared).isEmpty();
                    assertThat(a.prepared).isEmpty();
                    Lease l = store.lease("node-a");
                    assertThat(l.holder()).isNull();
                    assertThat(l.settled()).isTrue();
                });
                assertThat(b.committed).hasSize(1);
                assertThat(b.committed.iterator().next().gtridText()).isEqualTo(decided);
                assertThat(a.rolledBack).containsExactly(undecided);
                assertThat(store.records("node-a", decided)).isEmpty();
                assertThat(TestStores.count(store, "SELECT count(*) FROM dtc_record WHERE node = 'node-a'")).isZero();
                assertThat(events).anyMatch(e -> e.type() == EventType.TAKEOVER && decided.equals(e.txId()));
                assertThat(events).anyMatch(e -> e.type() == EventType.RECOVERY_COMMIT && decided.equals(e.txId()));
                // node-b's own lease is untouched by the takeover
                assertThat(store.lease("node-b").live()).isTrue();
            }

            // node-a wakes up: whatever it tries to decide now is refused and not written
            assertThatThrownBy(() -> storeOfA.get().appendForced(LogRecord.decision("node-a~late~1", new byte[0])))
                    .isInstanceOf(SharedDecisionStore.LeaseLostException.class)
                    .hasMessageContaining("node-a");
            assertThat(store.records("node-a", "node-a~late~1")).isEmpty();

            // and a transaction it runs now is rolled back everywhere, as the takeover rolls back what it left
            InMemoryResource c = new InMemoryResource("c");
            InMemoryResource d = new InMemoryResource("d");
            tm.begin();
            String late = ((DtcTransaction) tm.getTransaction()).id();
            tm.getTransaction().enlistResource(c);
            tm.getTransaction().enlistResource(d);
            assertThatThrownBy(tm::commit).isInstanceOf(jakarta.transaction.RollbackException.class)
                    .hasMessageContaining("no commit decision could be written");
            assertThat(c.prepared).isEmpty();
            assertThat(d.prepared).isEmpty();
            assertThat(c.rolledBack).hasSize(1);
            assertThat(d.rolledBack).hasSize(1);
            assertThat(store.records("node-a", late)).isEmpty();
            assertThat(nodeA.leaseLost()).hasValueSatisfying(why -> assertThat(why).contains("lost its lease"));
        } finally {
            nodeA.close();
        }
    }

    @Test
    void aNodeReleasedWithDecisionsPendingIsTakenOverAndANodeReleasedCleanIsNot() throws Exception {
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        b.onCommit = x -> {
            throw InMemoryResource.xa(XAException.XAER_RMFAIL);
        };
        try (TransactionService nodeA = node("node-a", store.decisions(null)).build();
             TransactionService clean = node("node-c", store.decisions(null)).build()) {
            TransactionManager tm = nodeA.transactionManager();
            tm.begin();
            tm.getTransaction().enlistResource(a);
            tm.getTransaction().enlistResource(b);
            tm.commit();
            assertThat(clean.transactionManager()).isNotNull();
        }
        assertThat(store.lease("node-a").settled()).isFalse();
        assertThat(store.lease("node-c").settled()).isTrue();
        b.onCommit = x -> { };
        try (TransactionService nodeB = node("node-b", store.decisions(null))
                .recoveryResource("a", () -> a).recoveryResource("b", () -> b).build()) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(b.committed).hasSize(1);
                assertThat(store.lease("node-a").settled()).isTrue();
            });
            assertThat(store.lease("node-c").epoch()).as("a settled node is not taken over").isEqualTo(1);
        }
    }
}
