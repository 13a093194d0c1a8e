package dev.dtc.differential;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Scenarios where dtc and Narayana are allowed to differ, each with its reason and the trace
 * that is asserted instead, so a known difference is still a test that can fail. Every entry is
 * mirrored in {@code docs/narayana-differences.md}. A difference that is a dtc bug does not
 * belong here: it is reported and fixed.
 */
final class KnownDifferences {

    /** Who departs from the scenario's expected (spec) trace. */
    enum Kind {
        /**
         * Narayana breaks what the spec says; {@link KnownDifference#trace()} is Narayana's trace,
         * and dtc must produce the scenario's expected trace.
         */
        NARAYANA_BREAKS_SPEC,
        /**
         * The spec leaves the behaviour open and dtc chose differently; Narayana produces the
         * scenario's expected trace, and dtc must produce {@link KnownDifference#trace()}.
         */
        DTC_CHOICE
    }

    /**
     * @param scenario the scenario's name
     * @param kind     who departs from the expected trace
     * @param narayana what Narayana does, in words
     * @param dtc      what dtc does, in words
     * @param reason   why dtc's behaviour is right, or where the spec leaves it open
     * @param trace    the canonical trace asserted for the manager that departs (see {@link Kind})
     */
    record KnownDifference(String scenario, Kind kind, String narayana, String dtc, String reason, String trace) {
        List<String> lines() {
            return CanonicalTrace.normalize(Arrays.asList(trace.strip().split("\n")));
        }
    }

    private static final Map<String, KnownDifference> ALL = Stream.of(
            new KnownDifference("timeout-negative", Kind.NARAYANA_BREAKS_SPEC,
                    "accepts a negative timeout silently (and then uses its default)",
                    "throws SystemException",
                    "the javadoc of TransactionManager/UserTransaction.setTransactionTimeout: 'If the value "
                            + "is negative a SystemException is thrown'",
                    """
                    app  setTransactionTimeout(-1) -> ok
                    app  ut.setTransactionTimeout(-1) -> ok
                    app  begin -> ok
                    app  getStatus -> STATUS_ACTIVE
                    app  commit -> ok
                    """),
            new KnownDifference("timeout-then-enlist", Kind.NARAYANA_BREAKS_SPEC,
                    "registerSynchronization on a transaction its timeout has rolled back throws "
                            + "RollbackException",
                    "throws IllegalStateException",
                    "the javadoc of Transaction.registerSynchronization keeps RollbackException for a "
                            + "transaction marked rollback-only and IllegalStateException for an inactive one; a "
                            + "timed-out transaction is rolled back (both managers report STATUS_ROLLEDBACK), so it is "
                            + "inactive, as enlistResource on both managers already says",
                    """
                    app  setTransactionTimeout(1) -> ok
                    app  begin -> ok
                    app  enlistResource(r1) -> IllegalStateException
                    app  registerSynchronization(s1) -> RollbackException
                    app  rollback -> ok
                    """),
            new KnownDifference("commit-XAER_RMFAIL-once", Kind.DTC_CHOICE,
                    "reports the commit, leaves the failed branch prepared for its periodic recovery manager "
                            + "(not running here; every 2 minutes by default)",
                    "reports the commit, then retries the branch's commit in the background (first after 100 "
                            + "ms, with backoff, at most 5 times; then recovery commits it through a fresh connection)",
                    "the decision is durable and the application is told the same thing; finishing the branch"
                            + " at once shortens the time it holds its locks; XA leaves the retry policy to the TM",
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
                    r2   commit(tx1/b2) -> ok
                    """),
            new KnownDifference("commit-XA_RETRY-once", Kind.DTC_CHOICE,
                    "reports the commit, leaves the branch to its periodic recovery manager",
                    "retries the commit in the background (at most 5 times, then through recovery)",
                    "XA_RETRY means 'try again later'; as for XAER_RMFAIL, the retry policy is the TM's",
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
                    r2   commit(tx1/b2) -> ok
                    """),
            new KnownDifference("rollback-XAER_RMFAIL-once", Kind.DTC_CHOICE,
                    "reports the rollback, leaves the failed branch to its periodic recovery manager",
                    "retries the branch's rollback in the background (at most 5 times, then recovery rolls it back) until it succeeds",
                    "as for commit: the outcome is the same, the branch is released sooner",
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
                    r2   rollback(tx1/b2) -> ok
                    """),
            new KnownDifference("commit-XAER_RMERR-once", Kind.DTC_CHOICE,
                    "reports a heuristic (HeuristicMixedException, afterCompletion(STATUS_COMMITTED)) and leaves the"
                            + " branch to its periodic recovery manager",
                    "reports the commit, and hands the branch to recovery at once, which commits it through a fresh"
                            + " connection of the resource named for it; if recovery finds the branch gone instead, it"
                            + " records a heuristic hazard for an operator then",
                    "X/Open XA reads XAER_RMERR on commit as 'rolled back', but drivers use it loosely: pgjdbc answers"
                            + " XAER_RMERR for a session the server ended, with the branch still prepared and committable;"
                            + " the decision is durable, so dtc reports the decided outcome and a heuristic only once it"
                            + " has evidence of one (docs/protocol.md, Phase 2)",
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
                    r2   commit(tx1/b2) -> XAException(XAER_RMERR)
                    s1   afterCompletion(STATUS_COMMITTED) -> ok
                    app  getStatus -> STATUS_NO_TRANSACTION
                    app  await(r2 commit #2) -> timed out
                    """),
            new KnownDifference("commit-first-XA_HEURRB", Kind.DTC_CHOICE,
                    "commits one branch at a time; when the first answers XA_HEURRB it forgets it and rolls the second"
                            + " back instead of committing it: RollbackException, afterCompletion(STATUS_ROLLEDBACK)",
                    "commits both branches in parallel, as decided: the second commits, the first rolled back on its"
                            + " own; a true mixed outcome, recorded and reported as HeuristicMixedException,"
                            + " afterCompletion(STATUS_UNKNOWN)",
                    "once the decision is commit, dtc carries it out everywhere at once (latency of the slowest"
                            + " branch); rolling back the rest after a heuristic needs sequential commits, and"
                            + " RollbackException would tell the caller nothing was committed although a resource"
                            + " decided on its own; the heuristic is in the log either way",
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
                    r1   commit(tx1/b1) -> XAException(XA_HEURRB)
                    r1   forget(tx1/b1) -> ok
                    r2   end(tx1/b2, TMSUCCESS) -> ok
                    r2   prepare(tx1/b2) -> XA_OK
                    r2   commit(tx1/b2) -> ok
                    s1   afterCompletion(STATUS_UNKNOWN) -> ok
                    app  getStatus -> STATUS_NO_TRANSACTION
                    """),
            new KnownDifference("one-phase-end-fails", Kind.DTC_CHOICE,
                    "when the only resource's end(TMSUCCESS) fails at commit, sends nothing more: RollbackException",
                    "sends rollback to the branch after the failed end: RollbackException",
                    "the failed end leaves the branch in a state only the resource knows; rollback is idempotent"
                            + " (XAER_NOTA and XA_RB* mean already rolled back) and frees anything the resource still"
                            + " holds for the branch, instead of leaving it to the resource's own timeout",
                    """
                    app  begin -> ok
                    app  registerSynchronization(s1) -> ok
                    app  enlistResource(r1) -> true
                    r1   start(tx1/b1, TMNOFLAGS) -> ok
                    app  commit -> RollbackException
                    s1   beforeCompletion -> ok
                    r1   end(tx1/b1, TMSUCCESS or TMFAIL) -> XAException(XAER_RMERR)
                    r1   rollback(tx1/b1) -> ok
                    s1   afterCompletion(STATUS_ROLLEDBACK) -> ok
                    app  getStatus -> STATUS_NO_TRANSACTION
                    """),
            new KnownDifference("rollback-fails-after-abort-vote", Kind.DTC_CHOICE,
                    "after r2's abort vote, the rollback of r1 fails with XAER_RMFAIL: RollbackException, and r1 is"
                            + " left prepared for its periodic recovery manager",
                    "RollbackException as well; r1's rollback is retried in the background (at most 5 times, then"
                            + " recovery rolls it back without waiting for its grace period)",
                    "as for rollback-XAER_RMFAIL-once: the outcome is the same, r1 releases its locks sooner",
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
                    r1   rollback(tx1/b1) -> ok
                    """),
            new KnownDifference("enlist-start-XA_RBROLLBACK", Kind.DTC_CHOICE,
                    "enlistResource returns false and marks the transaction rollback-only",
                    "enlistResource throws RollbackException (the resource's XAException as its cause) and marks"
                            + " the transaction rollback-only",
                    "the javadoc of enlistResource keeps RollbackException for 'the transaction has been marked for"
                            + " rollback only', which the refused start has just made it; the exception carries the"
                            + " resource's reason; the commit rolls back on both managers",
                    """
                    app  begin -> ok
                    app  enlistResource(r1) -> true
                    r1   start(tx1/b1, TMNOFLAGS) -> ok
                    app  enlistResource(r2) -> RollbackException
                    r2   start(tx1/b2, TMNOFLAGS) -> XAException(XA_RBROLLBACK)
                    app  getStatus -> STATUS_MARKED_ROLLBACK
                    app  commit -> RollbackException
                    r1   end(tx1/b1, TMSUCCESS or TMFAIL) -> ok
                    r1   rollback(tx1/b1) -> ok
                    """),
            new KnownDifference("commit-XA_HEURCOM", Kind.DTC_CHOICE,
                    "reports the commit; never calls forget, so the resource keeps the heuristic branch for "
                            + "an operator",
                    "reports the commit, records the heuristic (audit event, log), then calls forget",
                    "XA: once the TM has recorded a heuristic outcome it calls xa_forget so the RM may "
                            + "discard it; dtc keeps the record itself",
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
                    r2   commit(tx1/b2) -> XAException(XA_HEURCOM)
                    r2   forget(tx1/b2) -> ok
                    s1   afterCompletion(STATUS_COMMITTED) -> ok
                    app  getStatus -> STATUS_NO_TRANSACTION
                    """),
            new KnownDifference("commit-XA_HEURMIX", Kind.DTC_CHOICE,
                    "HeuristicMixedException; no forget; afterCompletion(STATUS_COMMITTED)",
                    "HeuristicMixedException; forget after recording the heuristic; "
                            + "afterCompletion(STATUS_UNKNOWN)",
                    "forget as for XA_HEURCOM; the spec has no status for a mixed outcome, and dtc does not "
                            + "tell synchronizations STATUS_COMMITTED for a transaction that was partly rolled back",
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
                    r2   commit(tx1/b2) -> XAException(XA_HEURMIX)
                    r2   forget(tx1/b2) -> ok
                    s1   afterCompletion(STATUS_UNKNOWN) -> ok
                    app  getStatus -> STATUS_NO_TRANSACTION
                    """),
            new KnownDifference("commit-XA_HEURRB", Kind.DTC_CHOICE,
                    "HeuristicMixedException (r1 committed, r2 rolled back); no forget; "
                            + "afterCompletion(STATUS_COMMITTED)",
                    "HeuristicMixedException; forget; afterCompletion(STATUS_UNKNOWN)",
                    "as for XA_HEURMIX",
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
                    r2   commit(tx1/b2) -> XAException(XA_HEURRB)
                    r2   forget(tx1/b2) -> ok
                    s1   afterCompletion(STATUS_UNKNOWN) -> ok
                    app  getStatus -> STATUS_NO_TRANSACTION
                    """),
            new KnownDifference("commit-XA_HEURHAZ", Kind.DTC_CHOICE,
                    "HeuristicMixedException; no forget; afterCompletion(STATUS_COMMITTED)",
                    "HeuristicMixedException; forget; afterCompletion(STATUS_UNKNOWN)",
                    "as for XA_HEURMIX: the outcome of the branch is not known, so STATUS_UNKNOWN is the "
                            + "honest status",
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
                    r2   commit(tx1/b2) -> XAException(XA_HEURHAZ)
                    r2   forget(tx1/b2) -> ok
                    s1   afterCompletion(STATUS_UNKNOWN) -> ok
                    app  getStatus -> STATUS_NO_TRANSACTION
                    """),
            new KnownDifference("commit-all-XA_HEURRB", Kind.DTC_CHOICE,
                    "commits one branch at a time; when the first answers XA_HEURRB it rolls the second back "
                            + "instead of committing it and throws RollbackException",
                    "commits all branches in parallel as decided; both answer XA_HEURRB; both are forgotten; "
                            + "HeuristicRollbackException",
                    "HeuristicRollbackException is the spec's exception for 'a heuristic decision was made "
                            + "and all relevant updates were rolled back'; Narayana's switch from commit to rollback "
                            + "needs sequential commits",
                    """
                    app  begin -> ok
                    app  enlistResource(r1) -> true
                    r1   start(tx1/b1, TMNOFLAGS) -> ok
                    app  enlistResource(r2) -> true
                    r2   start(tx1/b2, TMNOFLAGS) -> ok
                    app  commit -> HeuristicRollbackException
                    r1   end(tx1/b1, TMSUCCESS) -> ok
                    r1   prepare(tx1/b1) -> XA_OK
                    r1   commit(tx1/b1) -> XAException(XA_HEURRB)
                    r1   forget(tx1/b1) -> ok
                    r2   end(tx1/b2, TMSUCCESS) -> ok
                    r2   prepare(tx1/b2) -> XA_OK
                    r2   commit(tx1/b2) -> XAException(XA_HEURRB)
                    r2   forget(tx1/b2) -> ok
                    """),
            new KnownDifference("one-phase-XAER_RMFAIL", Kind.DTC_CHOICE,
                    "HeuristicMixedException; afterCompletion(STATUS_COMMITTED)",
                    "HeuristicMixedException; afterCompletion(STATUS_UNKNOWN)",
                    "the resource failed during a one-phase commit, so nobody knows whether it committed; "
                            + "STATUS_COMMITTED may be false",
                    """
                    app  begin -> ok
                    app  registerSynchronization(s1) -> ok
                    app  enlistResource(r1) -> true
                    r1   start(tx1/b1, TMNOFLAGS) -> ok
                    app  commit -> HeuristicMixedException
                    s1   beforeCompletion -> ok
                    r1   end(tx1/b1, TMSUCCESS) -> ok
                    r1   commit(tx1/b1, onePhase) -> XAException(XAER_RMFAIL)
                    s1   afterCompletion(STATUS_UNKNOWN) -> ok
                    """),
            new KnownDifference("one-phase-XA_HEURMIX", Kind.DTC_CHOICE,
                    "HeuristicMixedException; no forget; afterCompletion(STATUS_COMMITTED)",
                    "HeuristicMixedException; forget; afterCompletion(STATUS_UNKNOWN)",
                    "as for the two-phase heuristics",
                    """
                    app  begin -> ok
                    app  registerSynchronization(s1) -> ok
                    app  enlistResource(r1) -> true
                    r1   start(tx1/b1, TMNOFLAGS) -> ok
                    app  commit -> HeuristicMixedException
                    s1   beforeCompletion -> ok
                    r1   end(tx1/b1, TMSUCCESS) -> ok
                    r1   commit(tx1/b1, onePhase) -> XAException(XA_HEURMIX)
                    r1   forget(tx1/b1) -> ok
                    s1   afterCompletion(STATUS_UNKNOWN) -> ok
                    app  getStatus -> STATUS_NO_TRANSACTION
                    """),
            new KnownDifference("one-phase-XA_HEURHAZ", Kind.DTC_CHOICE,
                    "HeuristicMixedException; no forget; afterCompletion(STATUS_COMMITTED)",
                    "HeuristicMixedException; forget; afterCompletion(STATUS_UNKNOWN)",
                    "as for the two-phase heuristics",
                    """
                    app  begin -> ok
                    app  registerSynchronization(s1) -> ok
                    app  enlistResource(r1) -> true
                    r1   start(tx1/b1, TMNOFLAGS) -> ok
                    app  commit -> HeuristicMixedException
                    s1   beforeCompletion -> ok
                    r1   end(tx1/b1, TMSUCCESS) -> ok
                    r1   commit(tx1/b1, onePhase) -> XAException(XA_HEURHAZ)
                    r1   forget(tx1/b1) -> ok
                    s1   afterCompletion(STATUS_UNKNOWN) -> ok
                    app  getStatus -> STATUS_NO_TRANSACTION
                    """),
            new KnownDifference("one-phase-XA_HEURRB", Kind.DTC_CHOICE,
                    "RollbackException (forget, afterCompletion(STATUS_ROLLEDBACK))",
                    "HeuristicRollbackException (forget, afterCompletion(STATUS_ROLLEDBACK))",
                    "the resource reports a heuristic decision that rolled everything back, which is what "
                            + "HeuristicRollbackException says; RollbackException is also defensible since in one-phase"
                            + " commit the resource decides; dtc reports heuristics as such (invariant 1)",
                    """
                    app  begin -> ok
                    app  registerSynchronization(s1) -> ok
                    app  enlistResource(r1) -> true
                    r1   start(tx1/b1, TMNOFLAGS) -> ok
                    app  commit -> HeuristicRollbackException
                    s1   beforeCompletion -> ok
                    r1   end(tx1/b1, TMSUCCESS) -> ok
                    r1   commit(tx1/b1, onePhase) -> XAException(XA_HEURRB)
                    r1   forget(tx1/b1) -> ok
                    s1   afterCompletion(STATUS_ROLLEDBACK) -> ok
                    app  getStatus -> STATUS_NO_TRANSACTION
                    """),
            new KnownDifference("commit-through-transaction-object", Kind.DTC_CHOICE,
                    "after Transaction.commit() the thread stays associated with the completed transaction "
                            + "(getStatus STATUS_COMMITTED, getTransaction non-null; a later begin() throws "
                            + "NotSupportedException until suspend())",
                    "the calling thread is dissociated, as after TransactionManager.commit()",
                    "the javadoc of Transaction.commit says nothing about thread association; "
                            + "TransactionManager.commit says the thread is no longer associated; dtc does the same for"
                            + " both so a completed transaction never blocks the next begin()",
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
                    app  getStatus -> STATUS_NO_TRANSACTION
                    app  getTransaction -> null
                    """),
            new KnownDifference("delist-fail-then-commit", Kind.DTC_CHOICE,
                    "delistResource(TMFAIL) leaves the transaction STATUS_ACTIVE; at commit it sends prepare,"
                            + " which the resource answers XA_RBROLLBACK",
                    "delistResource(TMFAIL) marks the transaction rollback-only (STATUS_MARKED_ROLLBACK); "
                            + "commit rolls back without prepare",
                    "TMFAIL says the work on that branch failed, so the only possible outcome is rollback; "
                            + "saying so at once (status, no prepare round) is the more useful reading; the outcome and"
                            + " the exception are the same",
                    """
                    app  begin -> ok
                    app  enlistResource(r1) -> true
                    r1   start(tx1/b1, TMNOFLAGS) -> ok
                    app  enlistResource(r2) -> true
                    r2   start(tx1/b2, TMNOFLAGS) -> ok
                    app  delistResource(r1, TMFAIL) -> true
                    r1   end(tx1/b1, TMFAIL) -> ok
                    app  getStatus -> STATUS_MARKED_ROLLBACK
                    app  commit -> RollbackException
                    r1   rollback(tx1/b1) -> ok
                    r2   end(tx1/b2, TMSUCCESS or TMFAIL) -> ok
                    r2   rollback(tx1/b2) -> ok
                    """),
            new KnownDifference("enlist-same-resource-manager", Kind.DTC_CHOICE,
                    "joins the second connection to the first one's branch (start TMJOIN, same Xid): one "
                            + "branch, committed in one phase",
                    "gives each enlisted XAResource object a branch of its own (start TMNOFLAGS): two "
                            + "branches, two-phase commit",
                    "XA allows both; MySQL/MariaDB answer XA START ... JOIN across connections with "
                            + "XAER_INVAL although isSameRM is true, so dtc only joins a branch from the resource "
                            + "object that started it. Cost: two connections to one database are separate (loosely "
                            + "coupled) branches that may wait on each other's locks, and the 1PC shortcut is lost",
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
                    """),
            new KnownDifference("enlist-same-resource-manager-with-third", Kind.DTC_CHOICE,
                    "r3 joins r1's branch with TMJOIN",
                    "r3 gets a branch of its own",
                    "as for enlist-same-resource-manager",
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
                    """),
            new KnownDifference("enlist-start-fails", Kind.DTC_CHOICE,
                    "enlistResource returns false and marks the transaction rollback-only; commit throws "
                            + "RollbackException",
                    "enlistResource throws SystemException (the resource's XAException as its cause) and marks the"
                            + " transaction rollback-only; commit throws RollbackException",
                    "the javadoc allows both (false 'otherwise', SystemException for an unexpected error); the "
                            + "exception carries the resource's error, which false cannot; both managers then refuse to "
                            + "commit the rest, so a caller that ignores the failure cannot commit a partial unit of work",
                    """
                    app  begin -> ok
                    app  enlistResource(r1) -> true
                    r1   start(tx1/b1, TMNOFLAGS) -> ok
                    app  enlistResource(r2) -> SystemException
                    r2   start(tx1/b2, TMNOFLAGS) -> XAException(XAER_RMFAIL)
                    app  getStatus -> STATUS_MARKED_ROLLBACK
                    app  commit -> RollbackException
                    r1   end(tx1/b1, TMSUCCESS or TMFAIL) -> ok
                    r1   rollback(tx1/b1) -> ok
                    """),
            new KnownDifference("prepare-blocks-past-timeout", Kind.DTC_CHOICE,
                    "waits 7 s for the prepare that blocks past the 3 s timeout, then commits",
                    "bounds prepare by the transaction's remaining time: at the deadline the missing vote "
                            + "counts as abort, r1 is rolled back, commit throws RollbackException; when r2's prepare "
                            + "finally answers, r2 is rolled back",
                    "the transaction timeout is a promise that the transaction ends by then; a branch that "
                            + "does not vote in time must not hold the others' locks (docs/protocol.md); the "
                            + "spec does not say what a timeout does once commit has started",
                    """
                    app  setTransactionTimeout(3) -> ok
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
                    r2   prepare(tx1/b2) -> XA_OK
                    s1   afterCompletion(STATUS_ROLLEDBACK) -> ok
                    r2   rollback(tx1/b2) -> ok
                    app  getStatus -> STATUS_NO_TRANSACTION
                    """),
            new KnownDifference("prepare-fails-XAER_NOTA", Kind.DTC_CHOICE,
                    "sends nothing more to a resource whose prepare answered XAER_NOTA",
                    "sends rollback anyway; the resource answers XAER_NOTA, which dtc takes as 'already gone'",
                    "harmless: rollback is idempotent (invariant 4) and costs one call on a rare path",
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
                    r1   rollback(tx1/b1) -> ok
                    r2   end(tx1/b2, TMSUCCESS) -> ok
                    r2   prepare(tx1/b2) -> XAException(XAER_NOTA)
                    r2   rollback(tx1/b2) -> XAException(XAER_NOTA)
                    s1   afterCompletion(STATUS_ROLLEDBACK) -> ok
                    app  getStatus -> STATUS_NO_TRANSACTION
                    """),
            new KnownDifference("prepare-fails-first-of-three", Kind.DTC_CHOICE,
                    "prepares one branch at a time and stops at the first vote to abort: r2 and r3 are rolled"
                            + " back without prepare",
                    "prepares all branches in parallel, so r2 and r3 are prepared, then rolled back",
                    "parallel prepare makes latency the slowest branch, not the sum; the price is prepare "
                            + "work that an abort vote makes useless",
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
                    r2   end(tx1/b2, TMSUCCESS) -> ok
                    r2   prepare(tx1/b2) -> XA_OK
                    r2   rollback(tx1/b2) -> ok
                    r3   end(tx1/b3, TMSUCCESS) -> ok
                    r3   prepare(tx1/b3) -> XA_OK
                    r3   rollback(tx1/b3) -> ok
                    """),
            new KnownDifference("read-only-all", Kind.DTC_CHOICE,
                    "prepares r1, and when it votes read-only commits the last resource r2 in one phase "
                            + "without preparing it",
                    "prepares both in parallel; both vote read-only; no phase two and no log write",
                    "both are correct; Narayana's last-resource shortcut needs the other votes before it asks"
                            + " the last resource, which parallel prepare does not have",
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
                    r2   prepare(tx1/b2) -> XA_RDONLY
                    s1   afterCompletion(STATUS_COMMITTED) -> ok
                    """),
            new KnownDifference("read-only-one-of-two", Kind.DTC_CHOICE,
                    "prepares r1 (read-only), then commits r2 in one phase",
                    "prepares both in parallel, then commits r2 in two phases (with a forced decision record)",
                    "as for read-only-all; costs dtc one forced log write on this path",
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
                    r2   prepare(tx1/b2) -> XA_OK
                    r2   commit(tx1/b2) -> ok
                    s1   afterCompletion(STATUS_COMMITTED) -> ok
                    """),
            new KnownDifference("registry-in-after-completion", Kind.DTC_CHOICE,
                    "TransactionSynchronizationRegistry.getResource inside afterCompletion throws "
                            + "IllegalStateException",
                    "returns the value put during the transaction",
                    "the javadoc says IllegalStateException 'if no transaction is active' and does not "
                            + "address afterCompletion, where both managers still report the transaction's status; "
                            + "implementations differ (Bitronix also answers); dtc keeps the map readable until the "
                            + "callbacks have run",
                    """
                    app  begin -> ok
                    app  tsr.putResource(k, v) -> ok
                    app  registerInterposedSynchronization(i1) -> ok
                    app  commit -> ok
                    i1   beforeCompletion -> ok
                    i1   afterCompletion(STATUS_COMMITTED) -> ok
                    i1   tsr.getTransactionStatus -> STATUS_COMMITTED
                    i1   tsr.getResource(k) -> v
                    """),
            new KnownDifference("resume-completed-transaction", Kind.DTC_CHOICE,
                    "resume of a committed transaction succeeds, and the thread reports STATUS_COMMITTED",
                    "throws InvalidTransactionException; the thread stays without a transaction",
                    "the javadoc: InvalidTransactionException 'if the parameter object contains an invalid "
                            + "transaction'; a completed transaction cannot be resumed into",
                    """
                    app  begin -> ok
                    app  commit -> ok
                    app  resume(a transaction) -> InvalidTransactionException
                    app  getStatus -> STATUS_NO_TRANSACTION
                    """),
            new KnownDifference("rollback-XA_HEURCOM", Kind.DTC_CHOICE,
                    "rollback returns normally; no forget",
                    "rollback returns normally; forget after recording the heuristic (audit event, and a HEURISTIC record"
                            + " forced to the log, which Recovery.heuristics() lists)",
                    "as for commit-XA_HEURCOM; rollback() cannot throw a heuristic exception, so both return "
                            + "normally",
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
                    r2   forget(tx1/b2) -> ok
                    s1   afterCompletion(STATUS_ROLLEDBACK) -> ok
                    app  getStatus -> STATUS_NO_TRANSACTION
                    """),
            new KnownDifference("rollback-only-from-before-completion", Kind.DTC_CHOICE,
                    "calls the remaining synchronizations' beforeCompletion (s2) after s1 marked the "
                            + "transaction rollback-only",
                    "stops calling beforeCompletion once the transaction is rollback-only",
                    "beforeCompletion prepares for a commit that can no longer happen; Narayana itself skips "
                            + "all of them when the mark comes before commit(); spec silent",
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
                    r1   end(tx1/b1, TMSUCCESS or TMFAIL) -> ok
                    r1   rollback(tx1/b1) -> ok
                    r2   end(tx1/b2, TMSUCCESS or TMFAIL) -> ok
                    r2   rollback(tx1/b2) -> ok
                    s1   afterCompletion(STATUS_ROLLEDBACK) -> ok
                    s2   afterCompletion(STATUS_ROLLEDBACK) -> ok
                    app  getStatus -> STATUS_NO_TRANSACTION
                    """),
            new KnownDifference("timeout-handed-to-resources", Kind.DTC_CHOICE,
                    "passes the transaction timeout to each resource with XAResource.setTransactionTimeout "
                            + "when enlisting",
                    "never calls setTransactionTimeout",
                    "optional in XA; dtc enforces the timeout itself (before and during prepare) and recovery"
                            + " rolls back prepared orphans; the cost is that a branch of a coordinator that died "
                            + "before prepare waits for the database's own session timeout",
                    """
                    app  setTransactionTimeout(5) -> ok
                    app  begin -> ok
                    app  enlistResource(r1) -> true
                    r1   start(tx1/b1, TMNOFLAGS) -> ok
                    app  timeout r1 was given -> 0
                    app  commit -> ok
                    r1   end(tx1/b1, TMSUCCESS) -> ok
                    r1   commit(tx1/b1, onePhase) -> ok
                    """)

    ).collect(Collectors.toMap(KnownDifference::scenario, Function.identity()));

    private KnownDifferences() {
    }

    /** The known difference of a scenario, or null. */
    static KnownDifference of(String scenario) {
        return ALL.get(scenario);
    }

    static Map<String, KnownDifference> all() {
        return ALL;
    }
}
