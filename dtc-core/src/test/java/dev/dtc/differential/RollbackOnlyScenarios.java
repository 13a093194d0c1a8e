package dev.dtc.differential;

import static dev.dtc.differential.DifferentialScenario.of;

import jakarta.transaction.Transaction;
import java.util.List;

/** setRollbackOnly from the application, from a synchronization, and what is refused afterwards. */
final class RollbackOnlyScenarios {

    private RollbackOnlyScenarios() {
    }

    static List<DifferentialScenario> all() {
        return List.of(
                of("rollback-only-then-commit",
                        "commit of a transaction marked rollback-only rolls back and throws RollbackException",
                        """
                        app  begin -> ok
                        app  registerSynchronization(s1) -> ok
                        app  registerInterposedSynchronization(i1) -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  enlistResource(r2) -> true
                        r2   start(tx1/b2, TMNOFLAGS) -> ok
                        app  setRollbackOnly -> ok
                        app  getStatus -> STATUS_MARKED_ROLLBACK
                        app  commit -> RollbackException
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
                            c.setRollbackOnly();
                            c.status();
                            c.commit();
                            c.status();
                        }),
                of("rollback-only-then-rollback",
                        "rollback of a transaction marked rollback-only is a plain rollback",
                        """
                        app  begin -> ok
                        app  registerSynchronization(s1) -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  setRollbackOnly -> ok
                        app  rollback -> ok
                        r1   end(tx1/b1, TMSUCCESS or TMFAIL) -> ok
                        r1   rollback(tx1/b1) -> ok
                        s1   afterCompletion(STATUS_ROLLEDBACK) -> ok
                        app  getStatus -> STATUS_NO_TRANSACTION
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            c.begin();
                            c.register(c.sync("s1"));
                            c.enlist(r1);
                            c.setRollbackOnly();
                            c.rollback();
                            c.status();
                        }),
                of("rollback-only-twice",
                        "marking rollback-only twice is harmless",
                        """
                        app  begin -> ok
                        app  setRollbackOnly -> ok
                        app  setRollbackOnly -> ok
                        app  getStatus -> STATUS_MARKED_ROLLBACK
                        app  rollback -> ok
                        """,
                        c -> {
                            c.begin();
                            c.setRollbackOnly();
                            c.setRollbackOnly();
                            c.status();
                            c.rollback();
                        }),
                of("rollback-only-from-before-completion",
                        "a synchronization marks the transaction rollback-only in beforeCompletion: commit rolls back",
                        """
                        app  begin -> ok
                        app  registerSynchronization(s1) -> ok
                        app  registerSynchronization(s2) -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  enlistResource(r2) -> true
                        r2   start(tx1/b2, TMNOFLAGS) -> ok
                        app  commit -> RollbackException
                        s1   beforeCompletion -> ok
                        s1   tx.setRollbackOnly -> ok
                        s2   beforeCompletion -> ok
                        r1   end(tx1/b1, TMSUCCESS or TMFAIL) -> ok
                        r1   rollback(tx1/b1) -> ok
                        r2   end(tx1/b2, TMSUCCESS or TMFAIL) -> ok
                        r2   rollback(tx1/b2) -> ok
                        s1   afterCompletion(STATUS_ROLLEDBACK) -> ok
                        s2   afterCompletion(STATUS_ROLLEDBACK) -> ok
                        app  getStatus -> STATUS_NO_TRANSACTION
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            RecordingResource r2 = c.resource("r2");
                            c.begin();
                            Transaction tx = c.current();
                            c.register(c.sync("s1").onBefore(() -> c.in("s1").call("tx.setRollbackOnly", tx::setRollbackOnly)));
                            c.register(c.sync("s2"));
                            c.enlist(r1);
                            c.enlist(r2);
                            c.commit();
                            c.status();
                        }),
                of("before-completion-throws",
                        "a beforeCompletion that throws makes commit roll back and throw RollbackException",
                        """
                        app  begin -> ok
                        app  registerSynchronization(s1) -> ok
                        app  registerSynchronization(s2) -> ok
                        app  registerInterposedSynchronization(i1) -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  enlistResource(r2) -> true
                        r2   start(tx1/b2, TMNOFLAGS) -> ok
                        app  commit -> RollbackException
                        s1   beforeCompletion -> RuntimeException
                        r1   end(tx1/b1, TMSUCCESS or TMFAIL) -> ok
                        r1   rollback(tx1/b1) -> ok
                        r2   end(tx1/b2, TMSUCCESS or TMFAIL) -> ok
                        r2   rollback(tx1/b2) -> ok
                        i1   afterCompletion(STATUS_ROLLEDBACK) -> ok
                        s1   afterCompletion(STATUS_ROLLEDBACK) -> ok
                        s2   afterCompletion(STATUS_ROLLEDBACK) -> ok
                        app  getStatus -> STATUS_NO_TRANSACTION
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            RecordingResource r2 = c.resource("r2");
                            c.begin();
                            c.register(c.sync("s1").failBefore());
                            c.register(c.sync("s2"));
                            c.register(c.sync("i1"));
                            c.enlist(r1);
                            c.enlist(r2);
                            c.commit();
                            c.status();
                        }),
                of("enlist-after-rollback-only",
                        "enlistResource on a transaction marked rollback-only throws RollbackException and starts nothing",
                        """
                        app  begin -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  setRollbackOnly -> ok
                        app  enlistResource(r2) -> RollbackException
                        app  rollback -> ok
                        r1   end(tx1/b1, TMSUCCESS or TMFAIL) -> ok
                        r1   rollback(tx1/b1) -> ok
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            RecordingResource r2 = c.resource("r2");
                            c.begin();
                            c.enlist(r1);
                            c.setRollbackOnly();
                            c.enlist(r2);
                            c.rollback();
                        }),
                of("register-synchronization-after-rollback-only",
                        "registering synchronizations on a transaction marked rollback-only",
                        """
                        app  begin -> ok
                        app  setRollbackOnly -> ok
                        app  registerSynchronization(s1) -> RollbackException
                        app  registerInterposedSynchronization(i1) -> IllegalStateException
                        app  rollback -> ok
                        """,
                        c -> {
                            c.begin();
                            c.setRollbackOnly();
                            c.register(c.sync("s1"));
                            c.register(c.sync("i1"));
                            c.rollback();
                        }),
                of("rollback-only-without-transaction",
                        "setRollbackOnly with no transaction throws IllegalStateException",
                        """
                        app  setRollbackOnly -> IllegalStateException
                        app  ut.setRollbackOnly -> IllegalStateException
                        app  tsr.setRollbackOnly -> IllegalStateException
                        app  tsr.getRollbackOnly -> IllegalStateException
                        """,
                        c -> {
                            c.setRollbackOnly();
                            c.call("ut.setRollbackOnly", () -> c.ut().setRollbackOnly());
                            c.call("tsr.setRollbackOnly", () -> c.tsr().setRollbackOnly());
                            c.value("tsr.getRollbackOnly", () -> c.tsr().getRollbackOnly());
                        }),
                of("rollback-only-through-registry",
                        "TransactionSynchronizationRegistry.setRollbackOnly/getRollbackOnly on an active transaction",
                        """
                        app  begin -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  tsr.getRollbackOnly -> false
                        app  tsr.setRollbackOnly -> ok
                        app  tsr.getRollbackOnly -> true
                        app  tsr.getTransactionStatus -> STATUS_MARKED_ROLLBACK
                        app  commit -> RollbackException
                        r1   end(tx1/b1, TMSUCCESS or TMFAIL) -> ok
                        r1   rollback(tx1/b1) -> ok
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            c.begin();
                            c.enlist(r1);
                            c.value("tsr.getRollbackOnly", () -> c.tsr().getRollbackOnly());
                            c.call("tsr.setRollbackOnly", () -> c.tsr().setRollbackOnly());
                            c.value("tsr.getRollbackOnly", () -> c.tsr().getRollbackOnly());
                            c.app().status("tsr.getTransactionStatus", () -> c.tsr().getTransactionStatus());
                            c.commit();
                        }));
    }
}
