package dev.dtc.differential;

import static dev.dtc.differential.DifferentialScenario.of;

import jakarta.transaction.Status;
import jakarta.transaction.Transaction;
import java.time.Duration;
import java.util.List;

/**
 * Transaction timeouts. The waits are generous and event-driven (await the timeout's rollback,
 * not a fixed sleep), except where a scenario must show that nothing happens, which needs a
 * sleep past the would-be deadline. Where the scenario does work before the deadline, the
 * timeout leaves two seconds for it, so a slow machine does not move the timeout earlier in
 * the trace.
 */
final class TimeoutScenarios {

    private TimeoutScenarios() {
    }

    static List<DifferentialScenario> all() {
        return List.of(
                of("timeout-before-commit",
                        "a transaction that times out is rolled back; its owner's commit throws RollbackException",
                        """
                        app  setTransactionTimeout(2) -> ok
                        app  begin -> ok
                        app  registerSynchronization(s1) -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  enlistResource(r2) -> true
                        r2   start(tx1/b2, TMNOFLAGS) -> ok
                        app  delistResource(r2, TMSUCCESS) -> true
                        r2   end(tx1/b2, TMSUCCESS) -> ok
                        r1   end(tx1/b1, TMSUCCESS or TMFAIL) -> ok
                        r1   rollback(tx1/b1) -> ok
                        r2   rollback(tx1/b2) -> ok
                        s1   afterCompletion(STATUS_ROLLEDBACK) -> ok
                        app  getStatus -> STATUS_ROLLEDBACK
                        app  commit -> RollbackException
                        app  getStatus -> STATUS_NO_TRANSACTION
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            RecordingResource r2 = c.resource("r2");
                            c.timeout(2);
                            c.begin();
                            Transaction tx = c.current();
                            c.register(c.sync("s1"));
                            c.enlist(r1);
                            c.enlist(r2);
                            c.delist(r2, javax.transaction.xa.XAResource.TMSUCCESS);
                            c.awaitStatus(tx, Status.STATUS_ROLLEDBACK);
                            c.await("r1", "rollback");
                            c.await("r2", "rollback");
                            c.status();
                            c.commit();
                            c.status();
                        }),
                of("timeout-then-rollback",
                        "the owner of a timed-out transaction calls rollback",
                        """
                        app  setTransactionTimeout(2) -> ok
                        app  begin -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        r1   end(tx1/b1, TMSUCCESS or TMFAIL) -> ok
                        r1   rollback(tx1/b1) -> ok
                        app  rollback -> ok
                        app  getStatus -> STATUS_NO_TRANSACTION
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            c.timeout(2);
                            c.begin();
                            Transaction tx = c.current();
                            c.enlist(r1);
                            c.awaitStatus(tx, Status.STATUS_ROLLEDBACK);
                            c.await("r1", "rollback");
                            c.rollback();
                            c.status();
                        }),
                of("timeout-then-enlist",
                        "enlisting in a transaction that has timed out",
                        """
                        app  setTransactionTimeout(1) -> ok
                        app  begin -> ok
                        app  enlistResource(r1) -> IllegalStateException
                        app  registerSynchronization(s1) -> IllegalStateException
                        app  rollback -> ok
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            c.timeout(1);
                            c.begin();
                            Transaction tx = c.current();
                            c.awaitStatus(tx, Status.STATUS_ROLLEDBACK);
                            c.enlist(r1);
                            c.register(c.sync("s1"));
                            c.rollback();
                        }),
                of("timeout-zero-means-default",
                        "setTransactionTimeout(0) restores the default: a transaction begun after it outlives the old 1 s",
                        """
                        app  setTransactionTimeout(1) -> ok
                        app  setTransactionTimeout(0) -> ok
                        app  begin -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  getStatus -> STATUS_ACTIVE
                        app  commit -> ok
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   commit(tx1/b1, onePhase) -> ok
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            c.timeout(1);
                            c.timeout(0);
                            c.begin();
                            c.enlist(r1);
                            ScenarioContext.sleep(Duration.ofMillis(2500));
                            c.status();
                            c.commit();
                        }),
                of("timeout-applies-to-next-begin",
                        "setTransactionTimeout does not change the transaction already running",
                        """
                        app  begin -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  setTransactionTimeout(1) -> ok
                        app  getStatus -> STATUS_ACTIVE
                        app  commit -> ok
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   commit(tx1/b1, onePhase) -> ok
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            c.begin();
                            c.enlist(r1);
                            c.timeout(1);
                            ScenarioContext.sleep(Duration.ofMillis(2500));
                            c.status();
                            c.commit();
                        }),
                of("timeout-handed-to-resources",
                        "whether the transaction timeout is passed down to the resources (XAResource.setTransactionTimeout)",
                        """
                        app  setTransactionTimeout(5) -> ok
                        app  begin -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  timeout r1 was given -> 5
                        app  commit -> ok
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   commit(tx1/b1, onePhase) -> ok
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            c.timeout(5);
                            c.begin();
                            c.enlist(r1);
                            c.value("timeout r1 was given", r1::timeoutGiven);
                            c.commit();
                        }),
                of("timeout-negative",
                        "a negative timeout throws SystemException (the javadoc of setTransactionTimeout says so)",
                        """
                        app  setTransactionTimeout(-1) -> SystemException
                        app  ut.setTransactionTimeout(-1) -> SystemException
                        app  begin -> ok
                        app  getStatus -> STATUS_ACTIVE
                        app  commit -> ok
                        """,
                        c -> {
                            c.timeout(-1);
                            c.call("ut.setTransactionTimeout(-1)", () -> c.ut().setTransactionTimeout(-1));
                            c.begin();
                            c.status();
                            c.commit();
                        }));
    }
}
