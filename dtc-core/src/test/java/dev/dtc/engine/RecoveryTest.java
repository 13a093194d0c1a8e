package dev.dtc.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dtc.RecoveryReport;
import dev.dtc.TransactionService;
import dev.dtc.audit.EventType;
import dev.dtc.internal.tm.DtcTransaction;
import dev.dtc.internal.xid.DtcXid;
import dev.dtc.internal.xid.XidFactory;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.time.Duration;
import javax.transaction.xa.XAException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecoveryTest {

    @TempDir
    Path dir;

    @Test
    void aDecidedTransactionIsCommittedByTheNextService() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        b.onCommit = x -> {
            throw InMemoryResource.xa(XAException.XAER_RMFAIL); // b is unreachable until the "restart"
        };
        String txId;
        try (TransactionService dtc = f.start()) {
            TransactionManager tm = dtc.transactionManager();
            tm.begin();
            txId = ((DtcTransaction) tm.getTransaction()).id();
            tm.getTransaction().enlistResource(a);
            tm.getTransaction().enlistResource(b);
            tm.commit();
        }
        assertThat(b.prepared).hasSize(1);
        b.onCommit = x -> { };

        try (TransactionService dtc = f.builder().recoveryResource("a", () -> a).recoveryResource("b", () -> b).build()) {
            // build() ran a recovery pass
            assertThat(b.prepared).isEmpty();
            assertThat(b.committed).hasSize(1);
            assertThat(f.events).anyMatch(e -> e.type() == EventType.RECOVERY_COMMIT && txId.equals(e.txId()));
            RecoveryReport again = dtc.recovery().scan();
            assertThat(again.clean()).isTrue();
            assertThat(again.committed()).isEmpty();
        }
        assertThat(f.pendingInLog()).isEmpty();
    }

    @Test
    void aDecisionStaysPendingWhileAResourceCannotBeScanned() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        b.onCommit = x -> {
            throw InMemoryResource.xa(XAException.XAER_RMFAIL);
        };
        try (TransactionService dtc = f.start()) {
            TransactionManager tm = dtc.transactionManager();
            tm.begin();
            tm.getTransaction().enlistResource(a);
            tm.getTransaction().enlistResource(b);
            tm.commit();
        }
        b.recoverFailure = new XAException(XAException.XAER_RMFAIL);
        try (TransactionService dtc = f.builder().build()) {
            dtc.recovery().register("a", () -> a);
            dtc.recovery().register("b", () -> b);
            RecoveryReport r = dtc.recovery().scan();
            assertThat(r.pending()).hasSize(1);
            assertThat(r.failures()).singleElement().asString().contains("b");
            b.recoverFailure = null;
            b.onCommit = x -> { };
            RecoveryReport r2 = dtc.recovery().scan();
            assertThat(r2.committed()).hasSize(1);
            assertThat(r2.finished()).hasSize(1);
            assertThat(r2.clean()).isTrue();
        }
        assertThat(b.committed).hasSize(1);
        assertThat(f.pendingInLog()).isEmpty();
    }

    @Test
    void preparedBranchesWithoutDecisionAreRolledBackButOtherNodesAreLeftAlone() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource r = new InMemoryResource("r");
        DtcXid earlierProcess = new XidFactory("test-node", 1_000L).branch(new XidFactory("test-node", 1_000L).newTransactionId(), 1);
        DtcXid otherNode = new XidFactory("other-node", 1_000L).branch(new XidFactory("other-node", 1_000L).newTransactionId(), 1);
        DtcXid foreign = new DtcXid(4711, "narayana-tx".getBytes(), "1".getBytes());
        r.prepared.add(earlierProcess);
        r.prepared.add(otherNode);
        r.prepared.add(foreign);
        try (TransactionService dtc = f.builder().recoveryResource("r", () -> r).build()) {
            assertThat(r.rolledBack).containsExactly(earlierProcess);
            assertThat(r.prepared).containsExactlyInAnyOrder(otherNode, foreign);
            assertThat(f.count(EventType.RECOVERY_ROLLBACK)).isEqualTo(1);
        }
    }

    @Test
    void aPreparedBranchOfThisProcessGetsTheGracePeriod() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        try (TransactionService dtc = f.builder().recoveryGracePeriod(Duration.ofMillis(300)).build()) {
            dtc.recovery().register("a", () -> a);
            TransactionManager tm = dtc.transactionManager();
            tm.begin();
            String txId = ((DtcTransaction) tm.getTransaction()).id();
            tm.getTransaction().enlistResource(a);
            tm.getTransaction().enlistResource(b);
            // in flight: recovery must not touch it even when prepared, however long it waits
            // (here past the grace period, so only the in-flight check can keep it)
            a.prepared.add(new DtcXid(DtcXid.FORMAT_ID, txId.getBytes(), "1".getBytes()));
            a.prepared.add(new XidFactory("x", 1).branch("x/1/1", 1)); // noise from another node
            assertThat(dtc.recovery().scan().rolledBack()).isEmpty();
            Thread.sleep(400);
            RecoveryReport r = dtc.recovery().scan();
            assertThat(r.rolledBack()).isEmpty();
            tm.rollback();
            // an orphan of this very process (simulated: prepared, not in flight, no decision)
            DtcXid orphan = new DtcXid(DtcXid.FORMAT_ID, (txId + "9").getBytes(), "1".getBytes());
            a.prepared.add(orphan);
            assertThat(dtc.recovery().scan().rolledBack()).isEmpty(); // first seen: grace starts
            Thread.sleep(400);
            assertThat(dtc.recovery().scan().rolledBack()).containsExactly(orphan.toString());
        }
    }

    /**
     * The process dies after a's commit and before b's. The next process first has only a registered:
     * however often it scans, the decision must wait for b, whose branch is then committed, never
     * rolled back.
     */
    @Test
    void aDecisionWaitsForAResourceThatIsNotRegisteredYet() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        b.onCommit = x -> {
            throw InMemoryResource.xa(XAException.XAER_RMFAIL); // the process "dies" before b commits
        };
        String txId = commitAcross(f, a, b);
        assertThat(a.committed).hasSize(1);
        assertThat(b.prepared).hasSize(1);
        b.onCommit = x -> { };

        try (TransactionService dtc = f.builder().recoveryResource("a", () -> a).build()) {
            for (int i = 0; i < 3; i++) {
                RecoveryReport r = dtc.recovery().scan();
                assertThat(r.finished()).as("pass %d must not end the decision", i).isEmpty();
                assertThat(r.pending()).containsExactly(txId);
            }
            assertThat(dtc.recovery().pending()).singleElement().satisfies(p -> {
                assertThat(p.txId()).isEqualTo(txId);
                assertThat(p.missingResources()).containsExactly("b");
                assertThat(p.unfinished()).singleElement().asString().endsWith("@b");
                assertThat(p.heuristic()).isFalse();
            });
            // one warning for three passes: the same wait is repeated at most once a minute
            assertThat(f.events).filteredOn(e -> e.type() == EventType.RECOVERY_PENDING).singleElement()
                    .satisfies(e -> assertThat(e.detail()).contains("not registered for recovery: b"));
            dtc.recovery().register("b", () -> b);
            RecoveryReport r = dtc.recovery().scan();
            assertThat(r.committed()).hasSize(1);
            assertThat(r.finished()).containsExactly(txId);
            assertThat(dtc.recovery().pending()).isEmpty();
        }
        assertThat(b.rolledBack).as("b's branch of a committed transaction").isEmpty();
        assertThat(b.committed).hasSize(1);
        assertThat(b.prepared).isEmpty();
        assertThat(f.pendingInLog()).isEmpty();
    }

    /**
     * b is registered but its recover() does not list the prepared branch (PostgreSQL shows a role only its
     * own prepared transactions). Not being listed is no proof the branch is finished: recovery commits it
     * through b by its Xid.
     */
    @Test
    void aBranchThatRecoverDoesNotListIsStillCommittedThroughItsResource() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        b.onCommit = x -> {
            throw InMemoryResource.xa(XAException.XAER_RMFAIL);
        };
        String txId = commitAcross(f, a, b);
        b.onCommit = x -> { };
        b.blind = true;

        try (TransactionService dtc = f.builder().recoveryResource("a", () -> a).recoveryResource("b", () -> b).build()) {
            RecoveryReport r = dtc.recovery().scan();
            assertThat(r.clean()).as("report %s", r).isTrue();
        }
        assertThat(b.committed).hasSize(1);
        assertThat(b.prepared).isEmpty();
        assertThat(b.rolledBack).isEmpty();
        assertThat(f.pendingInLog()).as("decision of %s", txId).isEmpty();
    }

    /** A resource that neither lists the branch nor can finish it keeps the decision open. */
    @Test
    void aBranchItsResourceCanNeitherSeeNorFinishKeepsTheDecisionOpen() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        b.onCommit = x -> {
            throw InMemoryResource.xa(XAException.XAER_RMFAIL);
        };
        String txId = commitAcross(f, a, b);
        b.blind = true;
        b.onCommit = x -> {
            throw InMemoryResource.xa(XAException.XAER_RMERR); // e.g. "permission denied to finish prepared transaction"
        };

        try (TransactionService dtc = f.builder().recoveryResource("a", () -> a).recoveryResource("b", () -> b).build()) {
            for (int i = 0; i < 2; i++) {
                RecoveryReport r = dtc.recovery().scan();
                assertThat(r.finished()).isEmpty();
                assertThat(r.pending()).containsExactly(txId);
            }
        }
        assertThat(b.prepared).hasSize(1);
        assertThat(f.pendingInLog()).containsOnlyKeys(txId);
    }

    /** Commits a transaction over a and b in a service that is closed afterwards; returns its id. */
    private static String commitAcross(EngineFixture f, javax.transaction.xa.XAResource a, javax.transaction.xa.XAResource b) throws Exception {
        try (TransactionService dtc = f.start()) {
            TransactionManager tm = dtc.transactionManager();
            tm.begin();
            String txId = ((DtcTransaction) tm.getTransaction()).id();
            tm.getTransaction().enlistResource(a);
            tm.getTransaction().enlistResource(b);
            tm.commit();
            return txId;
        }
    }

    /**
     * A resource that does not name itself: its branch is committed through any registered resource that lists it,
     * but only that can finish it, since no scan can prove it gone. Once it committed before the crash, the
     * decision waits for an operator (listed as waiting for an unnamed resource) instead of ending on a guess.
     */
    @Test
    void aBranchOfAnUnnamedResourceIsCommittedWhereverItIsListedButNeverAssumedFinished() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        javax.transaction.xa.XAResource unnamedB = unnamed(b);
        b.onCommit = x -> {
            throw InMemoryResource.xa(XAException.XAER_RMFAIL);
        };
        String txId = commitAcross(f, a, unnamedB);
        b.onCommit = x -> { };
        try (TransactionService dtc = f.builder().recoveryResource("a", () -> a).recoveryResource("b-db", () -> b).build()) {
            assertThat(b.committed).as("listed by the resource registered as b-db, so committed through it").hasSize(1);
            assertThat(dtc.recovery().pending()).isEmpty();
        }
        assertThat(f.pendingInLog()).isEmpty();

        // the same, but the unnamed branch committed before the crash (a's commit failed instead)
        EngineFixture g = new EngineFixture(dir.resolve("second"));
        InMemoryResource c = new InMemoryResource("c");
        InMemoryResource d = new InMemoryResource("d");
        d.onCommit = x -> {
            throw InMemoryResource.xa(XAException.XAER_RMFAIL);
        };
        String tx2 = commitAcross(g, unnamed(c), d);
        d.onCommit = x -> { };
        try (TransactionService dtc = g.builder().recoveryResource("c", () -> c).recoveryResource("d", () -> d).build()) {
            assertThat(d.committed).hasSize(1);
            assertThat(dtc.recovery().pending()).singleElement().satisfies(p -> {
                assertThat(p.txId()).isEqualTo(tx2);
                assertThat(p.missingResources()).containsExactly("(unnamed)");
                assertThat(p.unfinished()).singleElement().asString().endsWith("(unnamed resource)");
            });
            // an operator checked that c's branch is committed, and ends the decision by hand
            assertThat(c.committed).hasSize(1);
            assertThat(dtc.recovery().endDecision("no-such-tx")).isFalse();
            assertThat(dtc.recovery().endDecision(tx2)).isTrue();
            assertThat(dtc.recovery().pending()).isEmpty();
        }
        assertThat(g.pendingInLog()).isEmpty();
    }

    /** {@code r} as a resource that does not name itself (a raw XAResource). */
    private static javax.transaction.xa.XAResource unnamed(InMemoryResource r) {
        return (javax.transaction.xa.XAResource) java.lang.reflect.Proxy.newProxyInstance(
                RecoveryTest.class.getClassLoader(), new Class<?>[] {javax.transaction.xa.XAResource.class},
                (proxy, m, args) -> {
                    if (m.getName().equals("isSameRM")) {
                        return args[0] == proxy;
                    }
                    if (m.getName().equals("toString")) {
                        return "unnamed " + r;
                    }
                    try {
                        return m.invoke(r, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /**
     * A decision written by the release before resource names (payload version 1): its branches are unnamed, so
     * recovery commits each through the resource that lists it, and the decision ends once all are committed.
     */
    @Test
    void aDecisionOfTheReleaseBeforeResourceNamesIsFinishedThroughTheResourcesThatListIt() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        String txId = "test-node/1/1";
        DtcXid xa = new XidFactory("test-node", 1).branch(txId, 1);
        DtcXid xb = new XidFactory("test-node", 1).branch(txId, 2);
        a.prepared.add(xa);
        b.prepared.add(xb);
        java.nio.ByteBuffer v1 = java.nio.ByteBuffer.allocate(64);
        v1.put((byte) 1).putShort((short) 2);
        for (DtcXid x : java.util.List.of(xa, xb)) {
            byte[] g = x.getGlobalTransactionId();
            byte[] q = x.getBranchQualifier();
            v1.putInt(x.getFormatId()).put((byte) g.length).put(g).put((byte) q.length).put(q);
        }
        try (dev.dtc.log.DecisionLog log = dev.dtc.log.DecisionLog.open(dir, dev.dtc.log.LogConfig.defaults())) {
            log.appendForced(dev.dtc.log.LogRecord.decision(txId, java.util.Arrays.copyOf(v1.array(), v1.position())));
        }

        try (TransactionService dtc = f.builder().recoveryResource("a", () -> a).recoveryResource("b", () -> b).build()) {
            assertThat(a.committed).containsExactly(xa);
            assertThat(b.committed).containsExactly(xb);
            assertThat(dtc.recovery().pending()).isEmpty();
        }
        assertThat(f.pendingInLog()).isEmpty();
    }
}
