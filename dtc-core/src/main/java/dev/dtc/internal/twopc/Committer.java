package dev.dtc.internal.twopc;

import dev.dtc.internal.audit.Audit;
import dev.dtc.audit.EventType;
import dev.dtc.internal.twopc.Answers.Attempt;
import dev.dtc.internal.twopc.Answers.Result;
import dev.dtc.internal.twopc.Answers.Verdict;
import java.util.List;
import java.util.concurrent.Executor;
import javax.transaction.xa.XAException;

/**
 * Phase 2 after a commit decision: sends commit to every branch that voted commit, in parallel (the first one on
 * the caller's thread, which would otherwise only wait), and acts on each answer as {@link Answers#toCommit}
 * reads it. A branch that got no answer goes to the {@link Retrier}; one that the resource refused, or that the
 * retrier could not reach in its bounded attempts, is handed to recovery. The caller is not kept waiting for
 * either: the outcome is already decided and durable.
 *
 * <p>{@link #commitOne} is also how the retrier and recovery commit a branch, so that every party reads an
 * answer the same way.
 */
public final class Committer {

    private final Executor executor;
    private final Audit audit;
    private final Decisions decisions;
    private final Retrier retrier;
    private final CallTimes callTimes;

    public Committer(Executor executor, Audit audit, Decisions decisions, Retrier retrier, CallTimes callTimes) {
        this.executor = executor;
        this.callTimes = callTimes;
        this.audit = audit;
        this.decisions = decisions;
        this.retrier = retrier;
    }

    /** First attempts, in parallel; the verdicts come back in branch order. */
    List<Verdict> commitAll(Decisions.Decision d, List<? extends Branch> branches) {
        return Fanout.callAll(branches, b -> {
            audit.emit(EventType.COMMIT_SENT, d.txId(), b.xid(), null);
            Result r = commitOne(d, b, Attempt.FIRST);
            if (r.verdict() == Verdict.RETRY) {
                retryLater(d, b, 0, r.detail());
            }
            return r.verdict();
        }, executor, callTimes);
    }

    private void retryLater(Decisions.Decision d, Branch b, int attempt, String lastError) {
        retrier.retry(d.txId(), b.xid(), "commit", attempt, lastError, next -> {
            Result r = commitOne(d, b, Attempt.RETRY);
            if (r.verdict() == Verdict.RETRY) {
                next.again(r.detail());
            }
        }, why -> {
            audit.emit(EventType.HANDED_TO_RECOVERY, d.txId(), b.xid(), "commit: " + why);
            decisions.handOver(d, b.xid(), false);
        });
    }

    /**
     * Sends commit to one branch and acts on the answer: acknowledges it, records a heuristic, or hands it to
     * recovery. A {@link Verdict#RETRY} or {@link Verdict#NOT_FINISHED} is left to the caller.
     */
    public Result commitOne(Decisions.Decision d, Branch b, Attempt attempt) {
        Failure failure = null;
        String detail = null;
        try {
            BlockingCall.run(b, callTimes, () -> {
                b.commit(false);
                return null;
            });
        } catch (XAException | RuntimeException e) {
            failure = Failure.of(e);
            detail = Failure.describe(e);
        }
        return act(d, b, attempt, failure, detail);
    }

    private Result act(Decisions.Decision d, Branch b, Attempt attempt, Failure failure, String detail) {
        Verdict v = Answers.toCommit(failure, attempt);
        String txId = d.txId();
        switch (v) {
            case DONE -> {
                audit.emit(attempt.byRecovery() ? EventType.RECOVERY_COMMIT : EventType.COMMITTED, txId, b.xid(),
                        doneDetail(failure, attempt, b));
                if (failure == Failure.HEURISTIC_COMMIT) {
                    b.forgetQuietly();
                }
                decisions.acknowledged(d, b.xid());
            }
            case ABSENT -> {
                Decisions.DecidedBranch db = d.branch(b.xid());
                if (db != null && db.suspect()) {
                    String why = "a commit was refused earlier and the branch is gone from " + b.resourceName()
                            + ": it may have been rolled back";
                    audit.emit(EventType.HEURISTIC, txId, b.xid(), why);
                    decisions.heuristic(d, b.xid(), "XA_HEURHAZ " + why);
                } else {
                    audit.emit(EventType.RECOVERY_DONE, txId, b.xid(), "XAER_NOTA, not prepared any more: committed"
                            + " earlier; resource " + b.resourceName());
                    decisions.acknowledged(d, b.xid());
                }
            }
            case HEURISTIC_ROLLBACK, HEURISTIC_MIXED -> {
                String why = failure == Failure.UNKNOWN_BRANCH
                        ? "XAER_NOTA on the first commit: the branch was finished outside dtc" : "on commit: " + detail;
                audit.emit(EventType.HEURISTIC, txId, b.xid(), why);
                decisions.heuristic(d, b.xid(), why);
                if (failure.heuristic()) {
                    b.forgetQuietly();
                }
            }
            case TO_RECOVERY -> {
                audit.emit(EventType.HANDED_TO_RECOVERY, txId, b.xid(), "commit: " + detail);
                decisions.handOver(d, b.xid(), true);
            }
            case RETRY, NOT_FINISHED -> { }
        }
        return new Result(v, detail);
    }

    private static String doneDetail(Failure failure, Attempt attempt, Branch b) {
        if (failure == Failure.HEURISTIC_COMMIT) {
            return "XA_HEURCOM: the resource had already committed";
        }
        return switch (attempt) {
            case FIRST -> null;
            case RETRY -> failure == Failure.UNKNOWN_BRANCH ? "XAER_NOTA on retry: the earlier attempt committed it"
                    : "after retry";
            case RECOVERY_LISTED -> "resource " + b.resourceName();
            case RECOVERY_UNLISTED -> "resource " + b.resourceName() + " (its recover() did not list the branch)";
        };
    }
}
