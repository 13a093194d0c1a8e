package dev.dtc.differential;

import static dev.dtc.differential.DifferentialScenario.of;

import dev.dtc.differential.RecordingResource.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.transaction.xa.XAException;

/** A resource refuses or fails prepare: the transaction must roll back everywhere and say so. */
final class PrepareFailureScenarios {

    private PrepareFailureScenarios() {
    }

    static List<DifferentialScenario> all() {
        List<DifferentialScenario> all = new ArrayList<>();
        // the second of two resources fails prepare with each kind of error XA defines for it
        all.add(secondFailsPrepare("prepare-fails-XA_RBROLLBACK", XAException.XA_RBROLLBACK, """
                app  begin -> ok
                app  registerSynchronization(s1) -> ok
                app  enlistResource(r1) -> true
                r1   start(tx1/b1, TMNOFLAGS) -> ok
                app  enlistResource(r2) -> true
                r2   start(tx1/b2, TMNOFLAGS) -> ok
                app  commit -> RollbackException
                s1   beforeCompletion -> ok
                r1   end(tx1/b1, TMSUCCESS) -> ok
                r1   prepare(tx1/b1) -> XA_OK
                r1   rollback(tx1/b1) -> ok
                r2   end(tx1/b2, TMSUCCESS) -> ok
                r2   prepare(tx1/b2) -> XAException(XA_RBROLLBACK)
                s1   afterCompletion(STATUS_ROLLEDBACK) -> ok
                app  getStatus -> STATUS_NO_TRANSACTION
                """));
        all.add(secondFailsPrepare("prepare-fails-XA_RBTIMEOUT", XAException.XA_RBTIMEOUT, """
                app  begin -> ok
                app  registerSynchronization(s1) -> ok
                app  enlistResource(r1) -> true
                r1   start(tx1/b1, TMNOFLAGS) -> ok
                app  enlistResource(r2) -> true
                r2   start(tx1/b2, TMNOFLAGS) -> ok
                app  commit -> RollbackException
                s1   beforeCompletion -> ok
                r1   end(tx1/b1, TMSUCCESS) -> ok
                r1   prepare(tx1/b1) -> XA_OK
                r1   rollback(tx1/b1) -> ok
                r2   end(tx1/b2, TMSUCCESS) -> ok
                r2   prepare(tx1/b2) -> XAException(XA_RBTIMEOUT)
                s1   afterCompletion(STATUS_ROLLEDBACK) -> ok
                app  getStatus -> STATUS_NO_TRANSACTION
                """));
        all.add(secondFailsPrepare("prepare-fails-XA_RBINTEGRITY", XAException.XA_RBINTEGRITY, """
                app  begin -> ok
                app  registerSynchronization(s1) -> ok
                app  enlistResource(r1) -> true
                r1   start(tx1/b1, TMNOFLAGS) -> ok
                app  enlistResource(r2) -> true
                r2   start(tx1/b2, TMNOFLAGS) -> ok
                app  commit -> RollbackException
                s1   beforeCompletion -> ok
                r1   end(tx1/b1, TMSUCCESS) -> ok
                r1   prepare(tx1/b1) -> XA_OK
                r1   rollback(tx1/b1) -> ok
                r2   end(tx1/b2, TMSUCCESS) -> ok
                r2   prepare(tx1/b2) -> XAException(XA_RBINTEGRITY)
                s1   afterCompletion(STATUS_ROLLEDBACK) -> ok
                app  getStatus -> STATUS_NO_TRANSACTION
                """));
        all.add(secondFailsPrepare("prepare-fails-XAER_RMERR", XAException.XAER_RMERR, """
                app  begin -> ok
                app  registerSynchronization(s1) -> ok
                app  enlistResource(r1) -> true
                r1   start(tx1/b1, TMNOFLAGS) -> ok
                app  enlistResource(r2) -> true
                r2   start(tx1/b2, TMNOFLAGS) -> ok
                app  commit -> RollbackException
                s1   beforeCompletion -> ok
                r1   end(tx1/b1, TMSUCCESS) -> ok
                r1   prepare(tx1/b1) -> XA_OK
                r1   rollback(tx1/b1) -> ok
                r2   end(tx1/b2, TMSUCCESS) -> ok
                r2   prepare(tx1/b2) -> XAException(XAER_RMERR)
                r2   rollback(tx1/b2) -> ok
                s1   afterCompletion(STATUS_ROLLEDBACK) -> ok
                app  getStatus -> STATUS_NO_TRANSACTION
                """));
        all.add(secondFailsPrepare("prepare-fails-XAER_RMFAIL", XAException.XAER_RMFAIL, """
                app  begin -> ok
                app  registerSynchronization(s1) -> ok
                app  enlistResource(r1) -> true
                r1   start(tx1/b1, TMNOFLAGS) -> ok
                app  enlistResource(r2) -> true
                r2   start(tx1/b2, TMNOFLAGS) -> ok
                app  commit -> RollbackException
                s1   beforeCompletion -> ok
                r1   end(tx1/b1, TMSUCCESS) -> ok
                r1   prepare(tx1/b1) -> XA_OK
                r1   rollback(tx1/b1) -> ok
                r2   end(tx1/b2, TMSUCCESS) -> ok
                r2   prepare(tx1/b2) -> XAException(XAER_RMFAIL)
                r2   rollback(tx1/b2) -> ok
                s1   afterCompletion(STATUS_ROLLEDBACK) -> ok
                app  getStatus -> STATUS_NO_TRANSACTION
                """));
        all.add(secondFailsPrepare("prepare-fails-XAER_NOTA", XAException.XAER_NOTA, """
                app  begin -> ok
                app  registerSynchronization(s1) -> ok
                app  enlistResource(r1) -> true
                r1   start(tx1/b1, TMNOFLAGS) -> ok
                app  enlistResource(r2) -> true
                r2   start(tx1/b2, TMNOFLAGS) -> ok
                app  commit -> RollbackException
                s1   beforeCompletion -> ok
                r1   end(tx1/b1, TMSUCCESS) -> ok
                r1   prepare(tx1/b1) -> XA_OK
                r1   rollback(tx1/b1) -> ok
                r2   end(tx1/b2, TMSUCCESS) -> ok
                r2   prepare(tx1/b2) -> XAException(XAER_NOTA)
                s1   afterCompletion(STATUS_ROLLEDBACK) -> ok
                app  getStatus -> STATUS_NO_TRANSACTION
                """));
        all.add(secondFailsPrepare("prepare-fails-XAER_PROTO", XAException.XAER_PROTO, """
                app  begin -> ok
                app  registerSynchronization(s1) -> ok
                app  enlistResource(r1) -> true
                r1   start(tx1/b1, TMNOFLAGS) -> ok
                app  enlistResource(r2) -> true
                r2   start(tx1/b2, TMNOFLAGS) -> ok
                app  commit -> RollbackException
                s1   beforeCompletion -> ok
                r1   end(tx1/b1, TMSUCCESS) -> ok
                r1   prepare(tx1/b1) -> XA_OK
                r1   rollback(tx1/b1) -> ok
                r2   end(tx1/b2, TMSUCCESS) -> ok
                r2   prepare(tx1/b2) -> XAException(XAER_PROTO)
                r2   rollback(tx1/b2) -> ok
                s1   afterCompletion(STATUS_ROLLEDBACK) -> ok
                app  getStatus -> STATUS_NO_TRANSACTION
                """));
        all.add(of("prepare-throws-runtime-exception",
                "a driver bug (unchecked exception from prepare) counts as a vote to roll back",
                """
                app  begin -> ok
                app  enlistResource(r1) -> true
                r1   start(tx1/b1, TMNOFLAGS) -> ok
                app  enlistResource(r2) -> true
                r2   start(tx1/b2, TMNOFLAGS) -> ok
                app  commit -> RollbackException
                r1   end(tx1/b1, TMSUCCESS) -> ok
                r1   prepare(tx1/b1) -> XA_OK
                r1   rollback(tx1/b1) -> ok
                r2   end(tx1/b2, TMSUCCESS) -> ok
                r2   prepare(tx1/b2) -> RuntimeException
                r2   rollback(tx1/b2) -> ok
                """,
                c -> {
                    RecordingResource r1 = c.resource("r1");
                    RecordingResource r2 = c.resource("r2").next(Op.PREPARE, Reply.crash("driver bug"));
                    c.begin();
                    c.enlist(r1);
                    c.enlist(r2);
                    c.commit();
                }));
        all.add(of("prepare-fails-first-of-three",
                "the first resource votes to roll back; the others are rolled back whether or not they were prepared",
                """
                app  begin -> ok
                app  enlistResource(r1) -> true
                r1   start(tx1/b1, TMNOFLAGS) -> ok
                app  enlistResource(r2) -> true
                r2   start(tx1/b2, TMNOFLAGS) -> ok
                app  enlistResource(r3) -> true
                r3   start(tx1/b3, TMNOFLAGS) -> ok
                app  commit -> RollbackException
                r1   end(tx1/b1, TMSUCCESS) -> ok
                r1   prepare(tx1/b1) -> XAException(XA_RBROLLBACK)
                r2   end(tx1/b2, TMSUCCESS or TMFAIL) -> ok
                r2   rollback(tx1/b2) -> ok
                r3   end(tx1/b3, TMSUCCESS or TMFAIL) -> ok
                r3   rollback(tx1/b3) -> ok
                """,
                c -> {
                    RecordingResource r1 = c.resource("r1").next(Op.PREPARE, Reply.fail(XAException.XA_RBROLLBACK));
                    RecordingResource r2 = c.resource("r2");
                    RecordingResource r3 = c.resource("r3");
                    c.begin();
                    c.enlist(r1);
                    c.enlist(r2);
                    c.enlist(r3);
                    c.commit();
                }));
        all.add(of("prepare-fails-after-read-only-vote",
                "r1 votes read-only, r3 fails prepare: r1 is not called again, r2 is rolled back",
                """
                app  begin -> ok
                app  enlistResource(r1) -> true
                r1   start(tx1/b1, TMNOFLAGS) -> ok
                app  enlistResource(r2) -> true
                r2   start(tx1/b2, TMNOFLAGS) -> ok
                app  enlistResource(r3) -> true
                r3   start(tx1/b3, TMNOFLAGS) -> ok
                app  commit -> RollbackException
                r1   end(tx1/b1, TMSUCCESS) -> ok
                r1   prepare(tx1/b1) -> XA_RDONLY
                r2   end(tx1/b2, TMSUCCESS) -> ok
                r2   prepare(tx1/b2) -> XA_OK
                r2   rollback(tx1/b2) -> ok
                r3   end(tx1/b3, TMSUCCESS) -> ok
                r3   prepare(tx1/b3) -> XAException(XA_RBROLLBACK)
                """,
                c -> {
                    RecordingResource r1 = c.resource("r1").voteReadOnly();
                    RecordingResource r2 = c.resource("r2");
                    RecordingResource r3 = c.resource("r3").next(Op.PREPARE, Reply.fail(XAException.XA_RBROLLBACK));
                    c.begin();
                    c.enlist(r1);
                    c.enlist(r2);
                    c.enlist(r3);
                    c.commit();
                }));
        all.add(of("prepare-slow-within-timeout",
                "a prepare that takes a second, well inside the timeout, still commits",
                """
                app  setTransactionTimeout(30) -> ok
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
                """,
                c -> {
                    RecordingResource r1 = c.resource("r1");
                    RecordingResource r2 = c.resource("r2").next(Op.PREPARE, Reply.ok().after(Duration.ofSeconds(1)));
                    c.timeout(30);
                    c.begin();
                    c.enlist(r1);
                    c.enlist(r2);
                    c.commit();
                }));
        all.add(of("prepare-blocks-past-timeout",
                "a prepare that blocks past the transaction timeout",
                """
                app  setTransactionTimeout(3) -> ok
                app  begin -> ok
                app  registerSynchronization(s1) -> ok
                app  enlistResource(r1) -> true
                r1   start(tx1/b1, TMNOFLAGS) -> ok
                app  enlistResource(r2) -> true
                r2   start(tx1/b2, TMNOFLAGS) -> ok
                app  commit -> ok
                s1   beforeCompletion -> ok
                r1   end(tx1/b1, TMSUCCESS) -> ok
                r1   prepare(tx1/b1) -> XA_OK
                r1   commit(tx1/b1) -> ok
                r2   end(tx1/b2, TMSUCCESS) -> ok
                r2   prepare(tx1/b2) -> XA_OK
                r2   commit(tx1/b2) -> ok
                s1   afterCompletion(STATUS_COMMITTED) -> ok
                app  getStatus -> STATUS_NO_TRANSACTION
                """,
                c -> {
                    RecordingResource r1 = c.resource("r1");
                    // the timeout leaves 3 s for begin..commit; the prepare overruns it by 4 s
                    RecordingResource r2 = c.resource("r2").next(Op.PREPARE, Reply.ok().after(Duration.ofSeconds(7)));
                    c.timeout(3);
                    c.begin();
                    c.register(c.sync("s1"));
                    c.enlist(r1);
                    c.enlist(r2);
                    c.commit();
                    // a manager that gave up waiting must still end the branch once prepare answers
                    c.await("r2 phase two", e -> e.lane().equals("r2")
                            && (e.operation().equals("commit") || e.operation().equals("rollback")));
                    c.status();
                }));
        all.add(of("rollback-fails-after-abort-vote",
                "r2 votes abort; the rollback of r1, which voted commit, fails once with XAER_RMFAIL",
                """
                app  begin -> ok
                app  enlistResource(r1) -> true
                r1   start(tx1/b1, TMNOFLAGS) -> ok
                app  enlistResource(r2) -> true
                r2   start(tx1/b2, TMNOFLAGS) -> ok
                app  commit -> RollbackException
                r1   end(tx1/b1, TMSUCCESS) -> ok
                r1   prepare(tx1/b1) -> XA_OK
                r1   rollback(tx1/b1) -> XAException(XAER_RMFAIL)
                r2   end(tx1/b2, TMSUCCESS) -> ok
                r2   prepare(tx1/b2) -> XAException(XA_RBROLLBACK)
                app  getStatus -> STATUS_NO_TRANSACTION
                app  await(r1 rollback #2) -> timed out
                """,
                c -> {
                    RecordingResource r1 = c.resource("r1").next(Op.ROLLBACK, Reply.fail(XAException.XAER_RMFAIL));
                    RecordingResource r2 = c.resource("r2").next(Op.PREPARE, Reply.fail(XAException.XA_RBROLLBACK));
                    c.begin();
                    c.enlist(r1);
                    c.enlist(r2);
                    c.commit();
                    c.status();
                    c.awaitNth("r1", "rollback", 2, java.time.Duration.ofSeconds(10));
                }));
        return all;
    }

    private static DifferentialScenario secondFailsPrepare(String name, int code, String expected) {
        return of(name, "the second resource answers prepare with " + JtaNames.xaCode(code)
                + ": commit throws RollbackException", expected, c -> {
                    RecordingResource r1 = c.resource("r1");
                    RecordingResource r2 = c.resource("r2").next(Op.PREPARE, Reply.fail(code));
                    c.begin();
                    c.register(c.sync("s1"));
                    c.enlist(r1);
                    c.enlist(r2);
                    c.commit();
                    c.status();
                });
    }
}
