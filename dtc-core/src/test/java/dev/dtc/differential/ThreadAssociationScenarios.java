package dev.dtc.differential;

import static dev.dtc.differential.DifferentialScenario.of;

import jakarta.transaction.Transaction;
import java.util.List;

/** begin/commit/rollback without the right association, suspend and resume, transaction identity. */
final class ThreadAssociationScenarios {

    private ThreadAssociationScenarios() {
    }

    static List<DifferentialScenario> all() {
        return List.of(
                of("begin-while-active",
                        "begin on a thread that has a transaction throws NotSupportedException and changes nothing",
                        """
                        app  begin -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  begin -> NotSupportedException
                        app  ut.begin -> NotSupportedException
                        app  getStatus -> STATUS_ACTIVE
                        app  commit -> ok
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   commit(tx1/b1, onePhase) -> ok
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            c.begin();
                            c.enlist(r1);
                            c.begin();
                            c.call("ut.begin", () -> c.ut().begin());
                            c.status();
                            c.commit();
                        }),
                of("complete-without-transaction",
                        "commit and rollback with no transaction throw IllegalStateException",
                        """
                        app  commit -> IllegalStateException
                        app  rollback -> IllegalStateException
                        app  ut.commit -> IllegalStateException
                        app  ut.rollback -> IllegalStateException
                        app  getStatus -> STATUS_NO_TRANSACTION
                        """,
                        c -> {
                            c.commit();
                            c.rollback();
                            c.call("ut.commit", () -> c.ut().commit());
                            c.call("ut.rollback", () -> c.ut().rollback());
                            c.status();
                        }),
                of("rollback-from-other-thread-then-commit",
                        "another thread rolls the transaction back through its Transaction object; the thread that"
                                + " holds it then commits",
                        """
                        app  begin -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        t2   tx.rollback -> ok
                        r1   end(tx1/b1, TMSUCCESS or TMFAIL) -> ok
                        r1   rollback(tx1/b1) -> ok
                        app  getStatus -> STATUS_ROLLEDBACK
                        app  commit -> RollbackException
                        app  getStatus -> STATUS_NO_TRANSACTION
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            c.begin();
                            Transaction tx = c.current();
                            c.enlist(r1);
                            c.onOtherThread(t2 -> t2.call("tx.rollback", tx::rollback));
                            c.status();
                            c.commit();
                            c.status();
                        }),
                of("rollback-from-other-thread-then-rollback",
                        "another thread rolls the transaction back through its Transaction object; the thread that"
                                + " holds it then rolls back too",
                        """
                        app  begin -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        t2   tx.rollback -> ok
                        r1   end(tx1/b1, TMSUCCESS or TMFAIL) -> ok
                        r1   rollback(tx1/b1) -> ok
                        app  rollback -> ok
                        app  getStatus -> STATUS_NO_TRANSACTION
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            c.begin();
                            Transaction tx = c.current();
                            c.enlist(r1);
                            c.onOtherThread(t2 -> t2.call("tx.rollback", tx::rollback));
                            c.rollback();
                            c.status();
                        }),
                of("complete-twice",
                        "a second commit after a commit finds no transaction",
                        """
                        app  begin -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  commit -> ok
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   commit(tx1/b1, onePhase) -> ok
                        app  commit -> IllegalStateException
                        app  tx.commit -> IllegalStateException
                        app  tx.rollback -> IllegalStateException
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            c.begin();
                            Transaction tx = c.current();
                            c.enlist(r1);
                            c.commit();
                            c.commit();
                            c.call("tx.commit", tx::commit);
                            c.call("tx.rollback", tx::rollback);
                        }),
                of("suspend-and-resume",
                        "suspend dissociates the thread, resume associates it again",
                        """
                        app  begin -> ok
                        app  suspend -> a transaction
                        app  getStatus -> STATUS_NO_TRANSACTION
                        app  getTransaction -> null
                        app  tx.getStatus -> STATUS_ACTIVE
                        app  resume(a transaction) -> ok
                        app  getStatus -> STATUS_ACTIVE
                        app  getTransaction().equals(suspended) -> true
                        app  commit -> ok
                        """,
                        c -> {
                            c.begin();
                            Transaction tx = c.suspend();
                            c.status();
                            c.getTransaction();
                            c.status("tx", tx);
                            c.resume(tx);
                            c.status();
                            c.value("getTransaction().equals(suspended)", () -> c.tm().getTransaction().equals(tx));
                            c.commit();
                        }),
                of("suspend-with-enlisted-resources",
                        "what suspend and resume do to the branches of enlisted resources",
                        """
                        app  begin -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  enlistResource(r2) -> true
                        r2   start(tx1/b2, TMNOFLAGS) -> ok
                        app  suspend -> a transaction
                        app  resume(a transaction) -> ok
                        app  commit -> ok
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   prepare(tx1/b1) -> XA_OK
                        r1   commit(tx1/b1) -> ok
                        r2   end(tx1/b2, TMSUCCESS) -> ok
                        r2   prepare(tx1/b2) -> XA_OK
                        r2   commit(tx1/b2) -> ok
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            RecordingResource r2 = c.resource("r2");
                            c.begin();
                            c.enlist(r1);
                            c.enlist(r2);
                            Transaction tx = c.suspend();
                            c.resume(tx);
                            c.commit();
                        }),
                of("resume-on-other-thread",
                        "a transaction suspended on one thread is resumed and committed on another",
                        """
                        app  begin -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  delistResource(r1, TMSUCCESS) -> true
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        app  suspend -> a transaction
                        t2   getStatus -> STATUS_NO_TRANSACTION
                        t2   resume(a transaction) -> ok
                        t2   getStatus -> STATUS_ACTIVE
                        t2   enlistResource(r2) -> true
                        r2   start(tx1/b2, TMNOFLAGS) -> ok
                        t2   commit -> ok
                        r1   prepare(tx1/b1) -> XA_OK
                        r1   commit(tx1/b1) -> ok
                        r2   end(tx1/b2, TMSUCCESS) -> ok
                        r2   prepare(tx1/b2) -> XA_OK
                        r2   commit(tx1/b2) -> ok
                        t2   getStatus -> STATUS_NO_TRANSACTION
                        app  getStatus -> STATUS_NO_TRANSACTION
                        app  tx.getStatus -> STATUS_COMMITTED
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            RecordingResource r2 = c.resource("r2");
                            c.begin();
                            c.enlist(r1);
                            c.delist(r1, javax.transaction.xa.XAResource.TMSUCCESS);
                            Transaction tx = c.suspend();
                            c.onOtherThread(t2 -> {
                                t2.status();
                                t2.resume(tx);
                                t2.status();
                                t2.enlist(r2);
                                t2.commit();
                                t2.status();
                            });
                            c.status();
                            c.status("tx", tx);
                        }),
                of("resume-while-associated",
                        "resume on a thread that already has a transaction throws IllegalStateException",
                        """
                        app  begin -> ok
                        app  suspend -> a transaction
                        app  begin -> ok
                        app  resume(a transaction) -> IllegalStateException
                        app  rollback -> ok
                        app  resume(a transaction) -> ok
                        app  rollback -> ok
                        """,
                        c -> {
                            c.begin();
                            Transaction first = c.suspend();
                            c.begin();
                            c.resume(first);
                            c.rollback();
                            c.resume(first);
                            c.rollback();
                        }),
                of("resume-completed-transaction",
                        "resuming a transaction that has completed throws InvalidTransactionException",
                        """
                        app  begin -> ok
                        app  commit -> ok
                        app  resume(a transaction) -> ok
                        app  getStatus -> STATUS_COMMITTED
                        """,
                        c -> {
                            c.begin();
                            Transaction tx = c.current();
                            c.commit();
                            c.resume(tx);
                            c.status();
                        }),
                of("resume-null",
                        "resume(null) on a thread without a transaction",
                        """
                        app  resume(null) -> ok
                        app  getStatus -> STATUS_NO_TRANSACTION
                        """,
                        c -> {
                            c.resume(null);
                            c.status();
                        }),
                of("suspend-without-transaction",
                        "suspend with no transaction returns null",
                        """
                        app  suspend -> null
                        app  getStatus -> STATUS_NO_TRANSACTION
                        """,
                        c -> {
                            c.suspend();
                            c.status();
                        }),
                of("interleaved-transactions",
                        "a second transaction begun while the first is suspended is independent of it",
                        """
                        app  begin -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  suspend -> a transaction
                        app  begin -> ok
                        app  enlistResource(r2) -> true
                        r2   start(tx2/b1, TMNOFLAGS) -> ok
                        app  getTransaction().equals(first) -> false
                        app  rollback -> ok
                        r2   end(tx2/b1, TMSUCCESS or TMFAIL) -> ok
                        r2   rollback(tx2/b1) -> ok
                        app  resume(a transaction) -> ok
                        app  commit -> ok
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   commit(tx1/b1, onePhase) -> ok
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            RecordingResource r2 = c.resource("r2");
                            c.begin();
                            c.enlist(r1);
                            Transaction first = c.suspend();
                            c.begin();
                            c.enlist(r2);
                            c.value("getTransaction().equals(first)", () -> c.tm().getTransaction().equals(first));
                            c.rollback();
                            c.resume(first);
                            c.commit();
                        }),
                of("transaction-identity",
                        "Transaction objects of one transaction are equal with equal hash codes; of two, not equal",
                        """
                        app  begin -> ok
                        app  a.equals(b) -> true
                        app  a.hashCode() == b.hashCode() -> true
                        app  tsr.getTransactionKey() equals previous key -> true
                        app  suspend -> a transaction
                        app  begin -> ok
                        app  first.equals(second) -> false
                        app  keys differ -> true
                        app  rollback -> ok
                        app  resume(a transaction) -> ok
                        app  commit -> ok
                        app  a.equals(b) after commit -> true
                        """,
                        c -> {
                            c.begin();
                            Transaction a = c.current();
                            Transaction b = c.current();
                            Object key = c.tsr().getTransactionKey();
                            c.value("a.equals(b)", () -> a.equals(b));
                            c.value("a.hashCode() == b.hashCode()", () -> a.hashCode() == b.hashCode());
                            c.value("tsr.getTransactionKey() equals previous key",
                                    () -> key != null && key.equals(c.tsr().getTransactionKey()));
                            Transaction first = c.suspend();
                            c.begin();
                            Transaction second = c.current();
                            c.value("first.equals(second)", () -> first.equals(second));
                            c.value("keys differ", () -> !key.equals(c.tsr().getTransactionKey()));
                            c.rollback();
                            c.resume(first);
                            c.commit();
                            c.value("a.equals(b) after commit", () -> a.equals(b));
                        }));
    }
}
