package dev.dtc.internal.twopc;

import dev.dtc.internal.audit.Audit;
import dev.dtc.audit.EventType;
import dev.dtc.internal.twopc.Answers.Verdict;
import dev.dtc.log.SharedDecisionStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import javax.transaction.xa.XAException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the completion of one transaction over its branches: the one-phase shortcut, phase 1, the decision,
 * phase 2. It knows nothing of JTA statuses or synchronizations, nor of XA resources or HTTP: a face (the JTA
 * transaction manager, the HTTP coordinator) calls it with {@link Branch}es and turns the {@link Outcome} into
 * what its callers expect.
 *
 * <p>Invariant 2 ("decide before you act") lives in {@link #commit}: no commit is sent to a prepared branch
 * before {@link Decisions#decideCommit} has returned, i.e. before the decision was forced to the store.
 */
public final class Coordinator {
    private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);

    private final Audit audit;
    private final Decisions decisions;
    private final Preparer preparer;
    private final Committer committer;
    private final Rollbacker rollbacker;
    private final Executor executor;

    public Coordinator(Executor executor, Audit audit, Decisions decisions, Committer committer, Rollbacker rollbacker,
                       CallTimes callTimes) {
        this.executor = executor;
        this.audit = audit;
        this.decisions = decisions;
        this.preparer = new Preparer(executor, audit, callTimes);
        this.committer = committer;
        this.rollbacker = rollbacker;
    }

    /** The stages a caller may want to show (as JTA's getStatus does) while completion runs. */
    public enum Phase { PREPARING, COMMITTING, ROLLING_BACK }

    /**
     * Commits the branches if every one of them agrees, else rolls all back.
     *
     * @param deadlineNanos {@link System#nanoTime()} by which every vote must be in, or
     *                      {@link Long#MAX_VALUE} for no limit
     * @param onPhase       told when phase 1 starts and when phase 2 starts, and which way
     */
    public Outcome commit(String txId, List<? extends Branch> branches, long deadlineNanos, Consumer<Phase> onPhase) {
        return commit(txId, branches, deadlineNanos, true, onPhase);
    }

    /**
     * As {@link #commit(String, List, long, Consumer)}; with {@code onePhaseAllowed} false a single branch goes
     * through both phases and a logged decision too. The HTTP face wants that: it answers "what was the outcome
     * of T?" from its log, and a one-phase commit leaves nothing there to answer from.
     */
    public Outcome commit(String txId, List<? extends Branch> branches, long deadlineNanos, boolean onePhaseAllowed,
                          Consumer<Phase> onPhase) {
        if (branches.isEmpty()) {
            // nothing to ask anyone, but every BEGIN still ends with an outcome event (spans, meters, the audit log)
            audit.emit(EventType.TX_COMMITTED, txId, null, "no branch: nothing to do");
            return Outcome.COMMITTED;
        }
        boolean onePhase = branches.size() == 1 && onePhaseAllowed;
        if (audit.listening(EventType.COMMIT_REQUESTED)) {
            audit.emit(EventType.COMMIT_REQUESTED, txId, null,
                    onePhase ? "1 branch, one-phase" : branches.size() + " branches");
        }
        if (onePhase) {
            // One-phase commit: with a single resource there is nobody to agree with, so no
            // prepare and no log write; the resource decides alone.
            onPhase.accept(Phase.COMMITTING);
            return commitOnePhase(txId, branches.get(0));
        }

        onPhase.accept(Phase.PREPARING);
        List<Preparer.Answer> answers = preparer.prepareAll(txId, branches, deadlineNanos);
        List<Branch> voters = new ArrayList<>(branches.size());
        List<Branch> toRollBack = new ArrayList<>();
        String abortReason = null;
        for (Preparer.Answer a : answers) {
            switch (a.outcome()) {
                case COMMIT -> voters.add(a.branch());
                case READ_ONLY -> { }
                case ROLLED_BACK -> abortReason = abortReason != null ? abortReason : a.branch().xid() + " voted abort: " + a.detail();
                case FAILED -> {
                    toRollBack.add(a.branch());
                    abortReason = abortReason != null ? abortReason : a.branch().xid() + " failed to prepare: " + a.detail();
                }
                case NO_ANSWER -> {
                    rollBackWhenAnswered(txId, a);
                    abortReason = abortReason != null ? abortReason : a.branch().xid() + " " + a.detail();
                }
            }
        }
        if (abortReason != null) {
            toRollBack.addAll(0, voters);
            onPhase.accept(Phase.ROLLING_BACK);
            audit.emit(EventType.DECISION_ROLLBACK, txId, null, abortReason);
            Outcome o = rollBack(txId, toRollBack, abortReason);
            audit.emit(EventType.TX_ROLLED_BACK, txId, null, abortReason);
            return o;
        }
        if (voters.isEmpty()) {
            // Every branch voted read-only: nothing to commit, nothing to log.
            audit.emit(EventType.TX_COMMITTED, txId, null, "all branches read-only");
            return Outcome.COMMITTED;
        }

        Decisions.Decision decision;
        try {
            decision = decisions.decideCommit(txId, voters);
        } catch (SharedDecisionStore.LeaseLostException e) {
            // Refused, not failed: nothing was written, and this node can never write it now. The coordinator that
            // took the node over rolls back every undecided branch of it; this one does the same, at once.
            String reason = "no commit decision could be written: " + e.getMessage();
            LOG.warn("transaction {} is rolled back: its commit decision was refused, this coordinator lost its"
                    + " lease", txId);
            onPhase.accept(Phase.ROLLING_BACK);
            audit.emit(EventType.DECISION_ROLLBACK, txId, null, reason);
            Outcome o = rollBack(txId, new ArrayList<>(voters), reason);
            audit.emit(EventType.TX_ROLLED_BACK, txId, null, reason);
            return o;
        } catch (IOException | RuntimeException e) {
            LOG.error("could not force the commit decision of {}; its prepared branches stay in doubt until"
                    + " the next start, when recovery reads what the log holds", txId, e);
            return new Outcome(Outcome.Kind.UNKNOWN, "the decision log failed: " + e);
        }

        onPhase.accept(Phase.COMMITTING);
        List<Verdict> results = committer.commitAll(decision, voters);
        int heurRollback = 0;
        int heurMixed = 0;
        for (Verdict v : results) {
            if (v == Verdict.HEURISTIC_ROLLBACK) {
                heurRollback++;
            } else if (v == Verdict.HEURISTIC_MIXED) {
                heurMixed++;
            }
        }
        if (heurMixed > 0 || (heurRollback > 0 && heurRollback < results.size())) {
            String why = heurRollback + heurMixed + " of " + results.size() + " branches did not commit as decided";
            audit.emit(EventType.TX_HEURISTIC, txId, null, "mixed: " + why);
            return new Outcome(Outcome.Kind.HEURISTIC_MIXED, why);
        }
        if (heurRollback > 0) {
            String why = "every branch rolled back although commit was decided";
            audit.emit(EventType.TX_HEURISTIC, txId, null, "rollback: " + why);
            return new Outcome(Outcome.Kind.HEURISTIC_ROLLBACK, why);
        }
        audit.emit(EventType.TX_COMMITTED, txId);
        return Outcome.COMMITTED;
    }

    /** Rolls back every branch (application rollback, rollback-only, timeout). */
    public Outcome rollback(String txId, List<? extends Branch> branches, String reason) {
        audit.emit(EventType.DECISION_ROLLBACK, txId, null, reason);
        Outcome o = rollBack(txId, branches, reason);
        audit.emit(EventType.TX_ROLLED_BACK, txId, null, reason);
        return o;
    }

    private Outcome rollBack(String txId, List<? extends Branch> branches, String reason) {
        for (Verdict v : rollbacker.rollbackAll(txId, branches)) {
            if (v == Verdict.HEURISTIC_MIXED) {
                return new Outcome(Outcome.Kind.HEURISTIC_MIXED, reason + "; and a resource committed on its own");
            }
        }
        return Outcome.rolledBack(reason);
    }

    /**
     * The one-phase shortcut. With TMONEPHASE the resource decides alone, so its answer is the outcome: XA_RB*,
     * XAER_NOTA and XAER_RMERR mean it rolled the branch back (X/Open XA, xa_commit); a heuristic is recorded
     * like any other; a call that got no answer (XAER_RMFAIL) leaves the outcome unknown, which the caller must
     * not mistake for either.
     */
    private Outcome commitOnePhase(String txId, Branch b) {
        audit.emit(EventType.COMMIT_SENT, txId, b.xid(), "one-phase");
        try {
            b.commit(true);
            audit.emit(EventType.COMMITTED, txId, b.xid(), "one-phase");
            audit.emit(EventType.TX_COMMITTED, txId);
            return Outcome.COMMITTED;
        } catch (XAException | RuntimeException e) {
            Failure f = Failure.of(e);
            String why = b.xid() + " one-phase commit: " + Failure.describe(e);
            if (f == Failure.HEURISTIC_COMMIT) {
                b.forgetQuietly();
                audit.emit(EventType.TX_COMMITTED, txId);
                return Outcome.COMMITTED;
            }
            if (f == Failure.ROLLED_BACK || f == Failure.UNKNOWN_BRANCH
                    || (e instanceof XAException xa && xa.errorCode == XAException.XAER_RMERR)) {
                audit.emit(EventType.VOTE_ABORT, txId, b.xid(), why);
                audit.emit(EventType.TX_ROLLED_BACK, txId, null, why);
                return Outcome.rolledBack(why);
            }
            audit.emit(EventType.HEURISTIC, txId, b.xid(), why);
            if (f.heuristic()) {
                decisions.heuristicWithoutDecision(txId, b, "one-phase commit: " + Failure.describe(e));
                b.forgetQuietly();
            }
            if (f == Failure.HEURISTIC_ROLLBACK) {
                audit.emit(EventType.TX_HEURISTIC, txId, null, "rollback: " + why);
                return new Outcome(Outcome.Kind.HEURISTIC_ROLLBACK, why);
            }
            // XA_HEURMIX, XA_HEURHAZ, or a failure (XAER_RMFAIL, XAER_PROTO) that leaves the outcome to the
            // resource alone: the caller must not believe either way.
            audit.emit(EventType.TX_HEURISTIC, txId, null, "mixed: " + why);
            return new Outcome(Outcome.Kind.HEURISTIC_MIXED, why);
        }
    }

    /** A branch that missed the deadline is rolled back as soon as its prepare returns. */
    private void rollBackWhenAnswered(String txId, Preparer.Answer a) {
        a.pending().whenCompleteAsync((outcome, error) -> {
            if (outcome != Preparer.Outcome.ROLLED_BACK && outcome != Preparer.Outcome.READ_ONLY) {
                rollbacker.rollbackFirst(txId, a.branch());
            }
        }, executor);
    }
}
