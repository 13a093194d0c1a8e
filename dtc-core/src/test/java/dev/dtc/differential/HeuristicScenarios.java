package dev.dtc.differential;

import static dev.dtc.differential.DifferentialScenario.of;

import dev.dtc.differential.RecordingResource.Op;
import java.util.ArrayList;
import java.util.List;
import javax.transaction.xa.XAException;

/**
 * Phase-two failures: heuristic decisions by a resource (reported to the caller, then forgotten)
 * and transient failures (XAER_RMFAIL), in two-phase and one-phase commit and in rollback.
 */
final class HeuristicScenarios {

    /**
     * How long to wait for a background retry: dtc's first retry comes after 100 ms, so this is
     * a wide margin on a slow machine; a manager that leaves retries to a periodic recovery
     * (Narayana) costs this much and shows "timed out".
     */
    private static final java.time.Duration RETRY_WAIT = java.time.Duration.ofSeconds(10);

    private HeuristicScenarios() {
    }

    static List<DifferentialScenario> all() {
        List<DifferentialScenario> all = new ArrayList<>();
        // the second of two prepared resources answers commit with a heuristic code
        all.add(secondFailsCommit("commit-XA_HEURMIX", XAException.XA_HEURMIX, """
                app  begin -> ok
                app  registerSynchronization(s1) -> ok
                app  enlistResource(r1) -> true
                r1   start(tx1/b1, TMNOFLAGS) -> ok
                app  enlistResource(r2) -> true
                r2   start(tx1/b2, TMNOFLAGS) -> ok
                app  commit -> HeuristicMixedException
                s1   beforeCompletion -> ok
                r1   end(tx1/b1, TMSUCCESS) -> ok
                r1   prepare(tx1/b1) -> XA_OK
                r1   commit(tx1/b1) -> ok
                r2   end(tx1/b2, TMSUCCESS) -> ok
                r2   prepare(tx1/b2) -> XA_OK
                r2   commit(tx1/b2) -> XAException(XA_HEURMIX)
                s1   afterCompletion(STATUS_COMMITTED) -> ok
                app  getStatus -> STATUS_NO_TRANSACTION
                """));
        all.add(secondFailsCommit("commit-XA_HEURRB", XAException.XA_HEURRB, """
                app  begin -> ok
                app  registerSynchronization(s1) -> ok
                app  enlistResource(r1) -> true
                r1   start(tx1/b1, TMNOFLAGS) -> ok
                app  enlistResource(r2) -> true
                r2   start(tx1/b2, TMNOFLAGS) -> ok
                app  commit -> HeuristicMixedException
                s1   beforeCompletion -> ok
                r1   end(tx1/b1, TMSUCCESS) -> ok
                r1   prepare(tx1/b1) -> XA_OK
                r1   commit(tx1/b1) -> ok
                r2   end(tx1/b2, TMSUCCESS) -> ok
                r2   prepare(tx1/b2) -> XA_OK
                r2   commit(tx1/b2) -> XAException(XA_HEURRB)
                s1   afterCompletion(STATUS_COMMITTED) -> ok
                app  getStatus -> STATUS_NO_TRANSACTION
                """));
        all.add(secondFailsCommit("commit-XA_HEURCOM", XAException.XA_HEURCOM, """
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
                r2   commit(tx1/b2) -> XAException(XA_HEURCOM)
                s1   afterCompletion(STATUS_COMMITTED) -> ok
                app  getStatus -> STATUS_NO_TRANSACTION
                """));
        all.add(secondFailsCommit("commit-XA_HEURHAZ", XAException.XA_HEURHAZ, """
                app  begin -> ok
                app  registerSynchronization(s1) -> ok
                app  enlistResource(r1) -> true
                r1   start(tx1/b1, TMNOFLAGS) -> ok
                app  enlistResource(r2) -> true
                r2   start(tx1/b2, TMNOFLAGS) -> ok
                app  commit -> HeuristicMixedException
                s1   beforeCompletion -> ok
                r1   end(tx1/b1, TMSUCCESS) -> ok
                r1   prepare(tx1/b1) -> XA_OK
                r1   commit(tx1/b1) -> ok
                r2   end(tx1/b2, TMSUCCESS) -> ok
                r2   prepare(tx1/b2) -> XA_OK
                r2   commit(tx1/b2) -> XAException(XA_HEURHAZ)
                s1   afterCompletion(STATUS_COMMITTED) -> ok
                app  getStatus -> STATUS_NO_TRANSACTION
                """));
        // the only resource answers a one-phase commit with a heuristic code
        all.add(onlyFailsOnePhaseCommit("one-phase-XA_HEURMIX", XAException.XA_HEURMIX, """
                app  begin -> ok
                app  registerSynchronization(s1) -> ok
                app  enlistResource(r1) -> true
                r1   start(tx1/b1, TMNOFLAGS) -> ok
                app  commit -> HeuristicMixedException
                s1   beforeCompletion -> ok
                r1   end(tx1/b1, TMSUCCESS) -> ok
                r1   commit(tx1/b1, onePhase) -> XAException(XA_HEURMIX)
                s1   afterCompletion(STATUS_COMMITTED) -> ok
                app  getStatus -> STATUS_NO_TRANSACTION
                """));
        all.add(onlyFailsOnePhaseCommit("one-phase-XA_HEURRB", XAException.XA_HEURRB, """
                app  begin -> ok
                app  registerSynchronization(s1) -> ok
                app  enlistResource(r1) -> true
                r1   start(tx1/b1, TMNOFLAGS) -> ok
                app  commit -> RollbackException
                s1   beforeCompletion -> ok
                r1   end(tx1/b1, TMSUCCESS) -> ok
                r1   commit(tx1/b1, onePhase) -> XAException(XA_HEURRB)
                r1   forget(tx1/b1) -> ok
                s1   afterCompletion(STATUS_ROLLEDBACK) -> ok
                app  getStatus -> STATUS_NO_TRANSACTION
                """));
        all.add(onlyFailsOnePhaseCommit("one-phase-XA_HEURCOM", XAException.XA_HEURCOM, """
                app  begin -> ok
                app  registerSynchronization(s1) -> ok
                app  enlistResource(r1) -> true
                r1   start(tx1/b1, TMNOFLAGS) -> ok
                app  commit -> ok
                s1   beforeCompletion -> ok
                r1   end(tx1/b1, TMSUCCESS) -> ok
                r1   commit(tx1/b1, onePhase) -> XAException(XA_HEURCOM)
                r1   forget(tx1/b1) -> ok
                s1   afterCompletion(STATUS_COMMITTED) -> ok
                app  getStatus -> STATUS_NO_TRANSACTION
                """));
        all.add(onlyFailsOnePhaseCommit("one-phase-XA_HEURHAZ", XAException.XA_HEURHAZ, """
                app  begin -> ok
                app  registerSynchronization(s1) -> ok
                app  enlistResource(r1) -> true
                r1   start(tx1/b1, TMNOFLAGS) -> ok
                app  commit -> HeuristicMixedException
                s1   beforeCompletion -> ok
                r1   end(tx1/b1, TMSUCCESS) -> ok
                r1   commit(tx1/b1, onePhase) -> XAException(XA_HEURHAZ)
                s1   afterCompletion(STATUS_COMMITTED) -> ok
                app  getStatus -> STATUS_NO_TRANSACTION
                """));
        all.add(of("commit-all-XA_HEURRB",
                "every prepared resource rolled back on its own: HeuristicRollbackException",
                """
                app  begin -> ok
                app  enlistResource(r1) -> true
                r1   start(tx1/b1, TMNOFLAGS) -> ok
                app  enlistResource(r2) -> true
                r2   start(tx1/b2, TMNOFLAGS) -> ok
                app  commit -> RollbackException
                r1   end(tx1/b1, TMSUCCESS) -> ok
                r1   prepare(tx1/b1) -> XA_OK
                r1   commit(tx1/b1) -> XAException(XA_HEURRB)
                r1   forget(tx1/b1) -> ok
                r2   end(tx1/b2, TMSUCCESS) -> ok
                r2   prepare(tx1/b2) -> XA_OK
                r2   rollback(tx1/b2) -> ok
                """,
                c -> {
                    RecordingResource r1 = c.resource("r1").next(Op.COMMIT, Reply.fail(XAException.XA_HEURRB));
                    RecordingResource r2 = c.resource("r2").next(Op.COMMIT, Reply.fail(XAException.XA_HEURRB));
                    c.begin();
                    c.enlist(r1);
                    c.enlist(r2);
                    c.commit();
                }));
        all.add(of("one-phase-XA_RBROLLBACK",
                "the only resource rolls back instead of committing in one phase: RollbackException",
                """
                app  begin -> ok
                app  registerSynchronization(s1) -> ok
                app  enlistResource(r1) -> true
                r1   start(tx1/b1, TMNOFLAGS) -> ok
                app  commit -> RollbackException
                s1   beforeCompletion -> ok
                r1   end(tx1/b1, TMSUCCESS) -> ok
                r1   commit(tx1/b1, onePhase) -> XAException(XA_RBROLLBACK)
                s1   afterCompletion(STATUS_ROLLEDBACK) -> ok
                """,
                c -> {
                    RecordingResource r1 = c.resource("r1").next(Op.COMMIT, Reply.fail(XAException.XA_RBROLLBACK));
                    c.begin();
                    c.register(c.sync("s1"));
                    c.enlist(r1);
                    c.commit();
                }));
        all.add(of("one-phase-XAER_RMFAIL",
                "the only resource fails during a one-phase commit: the outcome is unknown",
                """
                app  begin -> ok
                app  registerSynchronization(s1) -> ok
                app  enlistResource(r1) -> true
                r1   start(tx1/b1, TMNOFLAGS) -> ok
                app  commit -> HeuristicMixedException
                s1   beforeCompletion -> ok
                r1   end(tx1/b1, TMSUCCESS) -> ok
                r1   commit(tx1/b1, onePhase) -> XAException(XAER_RMFAIL)
                s1   afterCompletion(STATUS_COMMITTED) -> ok
                """,
                c -> {
                    RecordingResource r1 = c.resource("r1").next(Op.COMMIT, Reply.fail(XAException.XAER_RMFAIL));
                    c.begin();
                    c.register(c.sync("s1"));
                    c.enlist(r1);
                    c.commit();
                }));
        all.add(of("commit-XAER_RMFAIL-once",
                "a prepared resource fails its commit once (connection lost) and would succeed on retry",
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
                r1   prepare(tx1/b1) -> XA_OK
                r1   commit(tx1/b1) -> ok
                r2   end(tx1/b2, TMSUCCESS) -> ok
                r2   prepare(tx1/b2) -> XA_OK
                r2   commit(tx1/b2) -> XAException(XAER_RMFAIL)
                s1   afterCompletion(STATUS_COMMITTED) -> ok
                app  getStatus -> STATUS_NO_TRANSACTION
                app  await(r2 commit #2) -> timed out
                """,
                c -> {
                    RecordingResource r1 = c.resource("r1");
                    RecordingResource r2 = c.resource("r2").next(Op.COMMIT, Reply.fail(XAException.XAER_RMFAIL));
                    c.begin();
                    c.register(c.sync("s1"));
                    c.enlist(r1);
                    c.enlist(r2);
                    c.commit();
                    c.status();
                    c.awaitNth("r2", "commit", 2, RETRY_WAIT);
                }));
        all.add(of("commit-XA_RETRY-once",
                "a prepared resource answers commit with XA_RETRY once (it cannot commit now)",
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
                r2   commit(tx1/b2) -> XAException(XA_RETRY)
                app  await(r2 commit #2) -> timed out
                """,
                c -> {
                    RecordingResource r1 = c.resource("r1");
                    RecordingResource r2 = c.resource("r2").next(Op.COMMIT, Reply.fail(XAException.XA_RETRY));
                    c.begin();
                    c.enlist(r1);
                    c.enlist(r2);
                    c.commit();
                    c.awaitNth("r2", "commit", 2, RETRY_WAIT);
                }));
        all.add(of("commit-XAER_NOTA",
                "a prepared resource no longer knows the branch when told to commit",
                """
                app  begin -> ok
                app  enlistResource(r1) -> true
                r1   start(tx1/b1, TMNOFLAGS) -> ok
                app  enlistResource(r2) -> true
                r2   start(tx1/b2, TMNOFLAGS) -> ok
                app  commit -> HeuristicMixedException
                r1   end(tx1/b1, TMSUCCESS) -> ok
                r1   prepare(tx1/b1) -> XA_OK
                r1   commit(tx1/b1) -> ok
                r2   end(tx1/b2, TMSUCCESS) -> ok
                r2   prepare(tx1/b2) -> XA_OK
                r2   commit(tx1/b2) -> XAException(XAER_NOTA)
                """,
                c -> {
                    RecordingResource r1 = c.resource("r1");
                    RecordingResource r2 = c.resource("r2").next(Op.COMMIT, Reply.fail(XAException.XAER_NOTA));
                    c.begin();
                    c.enlist(r1);
                    c.enlist(r2);
                    c.commit();
                }));
        all.add(of("rollback-XA_HEURCOM",
                "a resource answers rollback with XA_HEURCOM (it had committed on its own)",
                """
                app  begin -> ok
                app  registerSynchronization(s1) -> ok
                app  enlistResource(r1) -> true
                r1   start(tx1/b1, TMNOFLAGS) -> ok
                app  enlistResource(r2) -> true
                r2   start(tx1/b2, TMNOFLAGS) -> ok
                app  rollback -> ok
                r1   end(tx1/b1, TMSUCCESS or TMFAIL) -> ok
                r1   rollback(tx1/b1) -> ok
                r2   end(tx1/b2, TMSUCCESS or TMFAIL) -> ok
                r2   rollback(tx1/b2) -> XAException(XA_HEURCOM)
                s1   afterCompletion(STATUS_ROLLEDBACK) -> ok
                app  getStatus -> STATUS_NO_TRANSACTION
                """,
                c -> {
                    RecordingResource r1 = c.resource("r1");
                    RecordingResource r2 = c.resource("r2").next(Op.ROLLBACK, Reply.fail(XAException.XA_HEURCOM));
                    c.begin();
                    c.register(c.sync("s1"));
                    c.enlist(r1);
                    c.enlist(r2);
                    c.rollback();
                    c.status();
                }));
        all.add(of("rollback-XAER_RMFAIL-once",
                "a resource fails its rollback once (connection lost)",
                """
                app  begin -> ok
                app  enlistResource(r1) -> true
                r1   start(tx1/b1, TMNOFLAGS) -> ok
                app  enlistResource(r2) -> true
                r2   start(tx1/b2, TMNOFLAGS) -> ok
                app  rollback -> ok
                r1   end(tx1/b1, TMSUCCESS or TMFAIL) -> ok
                r1   rollback(tx1/b1) -> ok
                r2   end(tx1/b2, TMSUCCESS or TMFAIL) -> ok
                r2   rollback(tx1/b2) -> XAException(XAER_RMFAIL)
                app  getStatus -> STATUS_NO_TRANSACTION
                app  await(r2 rollback #2) -> timed out
                """,
                c -> {
                    RecordingResource r1 = c.resource("r1");
                    RecordingResource r2 = c.resource("r2").next(Op.ROLLBACK, Reply.fail(XAException.XAER_RMFAIL));
                    c.begin();
                    c.enlist(r1);
                    c.enlist(r2);
                    c.rollback();
                    c.status();
                    c.awaitNth("r2", "rollback", 2, RETRY_WAIT);
                }));
        // X/Open XA, xa_commit with TMONEPHASE: XAER_RMERR means the resource rolled the branch back
        all.add(onlyFailsOnePhaseCommit("one-phase-XAER_RMERR", XAException.XAER_RMERR, """
                app  begin -> ok
                app  registerSynchronization(s1) -> ok
                app  enlistResource(r1) -> true
                r1   start(tx1/b1, TMNOFLAGS) -> ok
                app  commit -> RollbackException
                s1   beforeCompletion -> ok
                r1   end(tx1/b1, TMSUCCESS) -> ok
                r1   commit(tx1/b1, onePhase) -> XAException(XAER_RMERR)
                s1   afterCompletion(STATUS_ROLLEDBACK) -> ok
                app  getStatus -> STATUS_NO_TRANSACTION
                """));
        // a two-phase commit the resource refuses once (pgjdbc's answer on a session the server ended)
        all.add(of("commit-XAER_RMERR-once",
                "a prepared resource refuses its first commit with XAER_RMERR and would commit when asked again",
                """
                app  begin -> ok
                app  registerSynchronization(s1) -> ok
                app  enlistResource(r1) -> true
                r1   start(tx1/b1, TMNOFLAGS) -> ok
                app  enlistResource(r2) -> true
                r2   start(tx1/b2, TMNOFLAGS) -> ok
                app  commit -> HeuristicMixedException
                s1   beforeCompletion -> ok
                r1   end(tx1/b1, TMSUCCESS) -> ok
                r1   prepare(tx1/b1) -> XA_OK
                r1   commit(tx1/b1) -> ok
                r2   end(tx1/b2, TMSUCCESS) -> ok
                r2   prepare(tx1/b2) -> XA_OK
                r2   commit(tx1/b2) -> XAException(XAER_RMERR)
                s1   afterCompletion(STATUS_COMMITTED) -> ok
                app  getStatus -> STATUS_NO_TRANSACTION
                app  await(r2 commit #2) -> timed out
                """,
                c -> {
                    RecordingResource r1 = c.resource("r1");
                    RecordingResource r2 = c.resource("r2").next(Op.COMMIT, Reply.fail(XAException.XAER_RMERR));
                    c.begin();
                    c.register(c.sync("s1"));
                    c.enlist(r1);
                    c.enlist(r2);
                    c.commit();
                    c.status();
                    c.awaitNth("r2", "commit", 2, RETRY_WAIT);
                }));
        // the first of two prepared resources answers commit with XA_HEURRB, the second commits
        all.add(of("commit-first-XA_HEURRB",
                "the first resource answers its commit with XA_HEURRB; the second commits as decided",
                """
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
                r1   commit(tx1/b1) -> XAException(XA_HEURRB)
                r1   forget(tx1/b1) -> ok
                r2   end(tx1/b2, TMSUCCESS) -> ok
                r2   prepare(tx1/b2) -> XA_OK
                r2   rollback(tx1/b2) -> ok
                s1   afterCompletion(STATUS_ROLLEDBACK) -> ok
                app  getStatus -> STATUS_NO_TRANSACTION
                """,
                c -> {
                    RecordingResource r1 = c.resource("r1").next(Op.COMMIT, Reply.fail(XAException.XA_HEURRB));
                    RecordingResource r2 = c.resource("r2");
                    c.begin();
                    c.register(c.sync("s1"));
                    c.enlist(r1);
                    c.enlist(r2);
                    c.commit();
                    c.status();
                }));
        // the only resource's end() fails when one-phase commit begins
        all.add(of("one-phase-end-fails",
                "the only resource fails end(TMSUCCESS) at commit: its branch can only roll back",
                """
                app  begin -> ok
                app  registerSynchronization(s1) -> ok
                app  enlistResource(r1) -> true
                r1   start(tx1/b1, TMNOFLAGS) -> ok
                app  commit -> RollbackException
                s1   beforeCompletion -> ok
                r1   end(tx1/b1, TMSUCCESS) -> XAException(XAER_RMERR)
                s1   afterCompletion(STATUS_ROLLEDBACK) -> ok
                app  getStatus -> STATUS_NO_TRANSACTION
                """,
                c -> {
                    RecordingResource r1 = c.resource("r1").next(Op.END, Reply.fail(XAException.XAER_RMERR));
                    c.begin();
                    c.register(c.sync("s1"));
                    c.enlist(r1);
                    c.commit();
                    c.status();
                }));
        return all;
    }

    private static DifferentialScenario secondFailsCommit(String name, int code, String expected) {
        return of(name, "the second resource answers a two-phase commit with " + JtaNames.xaCode(code), expected, c -> {
            RecordingResource r1 = c.resource("r1");
            RecordingResource r2 = c.resource("r2").next(Op.COMMIT, Reply.fail(code));
            c.begin();
            c.register(c.sync("s1"));
            c.enlist(r1);
            c.enlist(r2);
            c.commit();
            c.status();
        });
    }

    private static DifferentialScenario onlyFailsOnePhaseCommit(String name, int code, String expected) {
        return of(name, "the only resource answers a one-phase commit with " + JtaNames.xaCode(code), expected, c -> {
            RecordingResource r1 = c.resource("r1").next(Op.COMMIT, Reply.fail(code));
            c.begin();
            c.register(c.sync("s1"));
            c.enlist(r1);
            c.commit();
            c.status();
        });
    }
}
