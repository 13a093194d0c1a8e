package dev.dtc.differential;

import static dev.dtc.differential.DifferentialScenario.of;

import dev.dtc.differential.RecordingResource.Op;
import jakarta.transaction.Transaction;
import java.util.List;

/** The successful paths: commit with 0 to 3 resources, one-phase, read-only votes, rollback. */
final class CommitScenarios {

    private CommitScenarios() {
    }

    static List<DifferentialScenario> all() {
        return List.of(
                of("commit-no-resources",
                        "a transaction with nothing enlisted commits, and the thread is left without one",
                        """
                        app  getStatus -> STATUS_NO_TRANSACTION
                        app  begin -> ok
                        app  getStatus -> STATUS_ACTIVE
                        app  getTransaction -> a transaction
                        app  commit -> ok
                        app  getStatus -> STATUS_NO_TRANSACTION
                        app  getTransaction -> null
                        """,
                        c -> {
                            c.status();
                            c.begin();
                            c.status();
                            c.getTransaction();
                            c.commit();
                            c.status();
                            c.getTransaction();
                        }),
                of("commit-one-resource-one-phase",
                        "a single resource is committed in one phase, without prepare",
                        """
                        app  begin -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  commit -> ok
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   commit(tx1/b1, onePhase) -> ok
                        app  getStatus -> STATUS_NO_TRANSACTION
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            c.begin();
                            c.enlist(r1);
                            c.commit();
                            c.status();
                        }),
                of("commit-two-resources",
                        "two resources go through prepare then commit",
                        """
                        app  begin -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  enlistResource(r2) -> true
                        r2   start(tx1/b2, TMNOFLAGS) -> ok
                        app  commit -> ok
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   prepare(tx1/b1) -> XA_OK
                        r1   commit(tx1/b1) -> ok
                        r2   end(tx1/b2, TMSUCCESS) -> ok
                        r2   prepare(tx1/b2) -> XA_OK
                        r2   commit(tx1/b2) -> ok
                        app  getStatus -> STATUS_NO_TRANSACTION
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            RecordingResource r2 = c.resource("r2");
                            c.begin();
                            c.enlist(r1);
                            c.enlist(r2);
                            c.commit();
                            c.status();
                        }),
                of("commit-three-resources",
                        "three resources go through prepare then commit",
                        """
                        app  begin -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  enlistResource(r2) -> true
                        r2   start(tx1/b2, TMNOFLAGS) -> ok
                        app  enlistResource(r3) -> true
                        r3   start(tx1/b3, TMNOFLAGS) -> ok
                        app  commit -> ok
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   prepare(tx1/b1) -> XA_OK
                        r1   commit(tx1/b1) -> ok
                        r2   end(tx1/b2, TMSUCCESS) -> ok
                        r2   prepare(tx1/b2) -> XA_OK
                        r2   commit(tx1/b2) -> ok
                        r3   end(tx1/b3, TMSUCCESS) -> ok
                        r3   prepare(tx1/b3) -> XA_OK
                        r3   commit(tx1/b3) -> ok
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            RecordingResource r2 = c.resource("r2");
                            RecordingResource r3 = c.resource("r3");
                            c.begin();
                            c.enlist(r1);
                            c.enlist(r2);
                            c.enlist(r3);
                            c.commit();
                        }),
                of("commit-through-user-transaction",
                        "UserTransaction begins, reports status and commits the same transaction the TransactionManager sees",
                        """
                        app  ut.begin -> ok
                        app  ut.getStatus -> STATUS_ACTIVE
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  enlistResource(r2) -> true
                        r2   start(tx1/b2, TMNOFLAGS) -> ok
                        app  ut.commit -> ok
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   prepare(tx1/b1) -> XA_OK
                        r1   commit(tx1/b1) -> ok
                        r2   end(tx1/b2, TMSUCCESS) -> ok
                        r2   prepare(tx1/b2) -> XA_OK
                        r2   commit(tx1/b2) -> ok
                        app  ut.getStatus -> STATUS_NO_TRANSACTION
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            RecordingResource r2 = c.resource("r2");
                            c.call("ut.begin", () -> c.ut().begin());
                            c.app().status("ut.getStatus", () -> c.ut().getStatus());
                            c.enlist(r1);
                            c.enlist(r2);
                            c.call("ut.commit", () -> c.ut().commit());
                            c.app().status("ut.getStatus", () -> c.ut().getStatus());
                        }),
                of("commit-through-transaction-object",
                        "Transaction.commit completes the transaction; what the thread sees afterwards",
                        """
                        app  begin -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  enlistResource(r2) -> true
                        r2   start(tx1/b2, TMNOFLAGS) -> ok
                        app  tx.commit -> ok
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   prepare(tx1/b1) -> XA_OK
                        r1   commit(tx1/b1) -> ok
                        r2   end(tx1/b2, TMSUCCESS) -> ok
                        r2   prepare(tx1/b2) -> XA_OK
                        r2   commit(tx1/b2) -> ok
                        app  tx.getStatus -> STATUS_COMMITTED
                        app  getStatus -> STATUS_COMMITTED
                        app  getTransaction -> a transaction
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            RecordingResource r2 = c.resource("r2");
                            c.begin();
                            Transaction tx = c.current();
                            c.enlist(r1);
                            c.enlist(r2);
                            c.call("tx.commit", tx::commit);
                            c.status("tx", tx);
                            c.status();
                            c.getTransaction();
                        }),
                of("commit-with-synchronizations",
                        "synchronizations run before the prepares and after the commits",
                        """
                        app  begin -> ok
                        app  registerSynchronization(s1) -> ok
                        app  registerInterposedSynchronization(i1) -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  enlistResource(r2) -> true
                        r2   start(tx1/b2, TMNOFLAGS) -> ok
                        app  commit -> ok
                        s1   beforeCompletion -> ok
                        i1   beforeCompletion -> ok
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   prepare(tx1/b1) -> XA_OK
                        r1   commit(tx1/b1) -> ok
                        r2   end(tx1/b2, TMSUCCESS) -> ok
                        r2   prepare(tx1/b2) -> XA_OK
                        r2   commit(tx1/b2) -> ok
                        i1   afterCompletion(STATUS_COMMITTED) -> ok
                        s1   afterCompletion(STATUS_COMMITTED) -> ok
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            RecordingResource r2 = c.resource("r2");
                            c.begin();
                            c.register(c.sync("s1"));
                            c.register(c.sync("i1"));
                            c.enlist(r1);
                            c.enlist(r2);
                            c.commit();
                        }),
                of("status-during-phases",
                        "the status a resource and a synchronization see during each phase",
                        """
                        app  begin -> ok
                        app  registerSynchronization(s1) -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  enlistResource(r2) -> true
                        r2   start(tx1/b2, TMNOFLAGS) -> ok
                        app  commit -> ok
                        s1   beforeCompletion -> ok
                        s1   tx.getStatus -> STATUS_ACTIVE
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   prepare(tx1/b1) -> XA_OK
                        r1   tx.getStatus -> STATUS_PREPARING
                        r1   commit(tx1/b1) -> ok
                        r1   tx.getStatus -> STATUS_COMMITTING
                        r2   end(tx1/b2, TMSUCCESS) -> ok
                        r2   prepare(tx1/b2) -> XA_OK
                        r2   commit(tx1/b2) -> ok
                        s1   afterCompletion(STATUS_COMMITTED) -> ok
                        s1   tx.getStatus -> STATUS_COMMITTED
                        app  tx.getStatus -> STATUS_COMMITTED
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            RecordingResource r2 = c.resource("r2");
                            c.begin();
                            Transaction tx = c.current();
                            r1.during(Op.PREPARE, () -> c.in("r1").status("tx.getStatus", tx::getStatus));
                            r1.during(Op.COMMIT, () -> c.in("r1").status("tx.getStatus", tx::getStatus));
                            RecordingSynchronization s1 = c.sync("s1")
                                    .onBefore(() -> c.in("s1").status("tx.getStatus", tx::getStatus))
                                    .onAfter(() -> c.in("s1").status("tx.getStatus", tx::getStatus));
                            c.register(s1);
                            c.enlist(r1);
                            c.enlist(r2);
                            c.commit();
                            c.status("tx", tx);
                        }),
                of("read-only-one-of-two",
                        "a read-only vote takes that resource out of phase two; the other is committed",
                        """
                        app  begin -> ok
                        app  registerSynchronization(s1) -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  enlistResource(r2) -> true
                        r2   start(tx1/b2, TMNOFLAGS) -> ok
                        app  commit -> ok
                        s1   beforeCompletion -> ok
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   prepare(tx1/b1) -> XA_RDONLY
                        r2   end(tx1/b2, TMSUCCESS) -> ok
                        r2   commit(tx1/b2, onePhase) -> ok
                        s1   afterCompletion(STATUS_COMMITTED) -> ok
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1").voteReadOnly();
                            RecordingResource r2 = c.resource("r2");
                            c.begin();
                            c.register(c.sync("s1"));
                            c.enlist(r1);
                            c.enlist(r2);
                            c.commit();
                        }),
                of("read-only-all",
                        "when every resource votes read-only there is no phase two at all",
                        """
                        app  begin -> ok
                        app  registerSynchronization(s1) -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  enlistResource(r2) -> true
                        r2   start(tx1/b2, TMNOFLAGS) -> ok
                        app  commit -> ok
                        s1   beforeCompletion -> ok
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   prepare(tx1/b1) -> XA_RDONLY
                        r2   end(tx1/b2, TMSUCCESS) -> ok
                        r2   commit(tx1/b2, onePhase) -> ok
                        s1   afterCompletion(STATUS_COMMITTED) -> ok
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1").voteReadOnly();
                            RecordingResource r2 = c.resource("r2").voteReadOnly();
                            c.begin();
                            c.register(c.sync("s1"));
                            c.enlist(r1);
                            c.enlist(r2);
                            c.commit();
                        }),
                of("read-only-two-of-three",
                        "two read-only votes; the one resource that voted to commit gets a two-phase commit",
                        """
                        app  begin -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  enlistResource(r2) -> true
                        r2   start(tx1/b2, TMNOFLAGS) -> ok
                        app  enlistResource(r3) -> true
                        r3   start(tx1/b3, TMNOFLAGS) -> ok
                        app  commit -> ok
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   prepare(tx1/b1) -> XA_RDONLY
                        r2   end(tx1/b2, TMSUCCESS) -> ok
                        r2   prepare(tx1/b2) -> XA_OK
                        r2   commit(tx1/b2) -> ok
                        r3   end(tx1/b3, TMSUCCESS) -> ok
                        r3   prepare(tx1/b3) -> XA_RDONLY
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1").voteReadOnly();
                            RecordingResource r2 = c.resource("r2");
                            RecordingResource r3 = c.resource("r3").voteReadOnly();
                            c.begin();
                            c.enlist(r1);
                            c.enlist(r2);
                            c.enlist(r3);
                            c.commit();
                        }),
                of("rollback-two-resources",
                        "rollback ends and rolls back every branch; afterCompletion reports it; beforeCompletion is not called",
                        """
                        app  begin -> ok
                        app  registerSynchronization(s1) -> ok
                        app  registerInterposedSynchronization(i1) -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  enlistResource(r2) -> true
                        r2   start(tx1/b2, TMNOFLAGS) -> ok
                        app  rollback -> ok
                        r1   end(tx1/b1, TMSUCCESS or TMFAIL) -> ok
                        r1   rollback(tx1/b1) -> ok
                        r2   end(tx1/b2, TMSUCCESS or TMFAIL) -> ok
                        r2   rollback(tx1/b2) -> ok
                        i1   afterCompletion(STATUS_ROLLEDBACK) -> ok
                        s1   afterCompletion(STATUS_ROLLEDBACK) -> ok
                        app  getStatus -> STATUS_NO_TRANSACTION
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            RecordingResource r2 = c.resource("r2");
                            c.begin();
                            c.register(c.sync("s1"));
                            c.register(c.sync("i1"));
                            c.enlist(r1);
                            c.enlist(r2);
                            c.rollback();
                            c.status();
                        }),
                of("rollback-through-user-transaction",
                        "UserTransaction.rollback with one resource",
                        """
                        app  ut.begin -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  ut.rollback -> ok
                        r1   end(tx1/b1, TMSUCCESS or TMFAIL) -> ok
                        r1   rollback(tx1/b1) -> ok
                        app  ut.getStatus -> STATUS_NO_TRANSACTION
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            c.call("ut.begin", () -> c.ut().begin());
                            c.enlist(r1);
                            c.call("ut.rollback", () -> c.ut().rollback());
                            c.app().status("ut.getStatus", () -> c.ut().getStatus());
                        }));
    }
}
