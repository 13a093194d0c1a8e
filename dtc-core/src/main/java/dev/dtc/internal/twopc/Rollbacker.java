package dev.dtc.internal.twopc;

import dev.dtc.internal.audit.Audit;
import dev.dtc.audit.EventType;
import dev.dtc.internal.twopc.Answers.Attempt;
import dev.dtc.internal.twopc.Answers.Result;
import dev.dtc.internal.twopc.Answers.Verdict;
import dev.dtc.internal.xid.DtcXid;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import javax.transaction.xa.XAException;

/**
 * Phase 2 after a rollback decision (or an application rollback): sends rollback to every branch in parallel,
 * and acts on each answer as {@link Answers#toRollback} reads it. Nothing is logged for the rollback itself
 * (presumed abort): a branch left prepared is rolled back by recovery, which finds it without a decision. A
 * resource that committed on its own is the exception: that heuristic is forced to the log before the resource
 * is told to forget it.
 */
public final class Rollbacker {

    private final Executor executor;
    private final Audit audit;
    private final Decisions decisions;
    private final Retrier retrier;
    private final CallTimes callTimes;
    private volatile Consumer<DtcXid> leftToRecovery = xid -> { };

    public Rollbacker(Executor executor, Audit audit, Decisions decisions, Retrier retrier, CallTimes callTimes) {
        this.executor = executor;
        this.callTimes = callTimes;
        this.audit = audit;
        this.decisions = decisions;
        this.retrier = retrier;
    }

    /** Told of each branch whose rollback is left to recovery, so that it need not wait for the grace period. */
    public void onLeftToRecovery(Consumer<DtcXid> c) {
        this.leftToRecovery = c;
    }

    List<Verdict> rollbackAll(String txId, List<? extends Branch> branches) {
        return Fanout.callAll(branches, b -> rollbackFirst(txId, b), executor, callTimes);
    }

    Verdict rollbackFirst(String txId, Branch b) {
        audit.emit(EventType.ROLLBACK_SENT, txId, b.xid(), null);
        Result r = rollbackOne(txId, b, Attempt.FIRST);
        if (r.verdict() == Verdict.RETRY) {
            retrier.retry(txId, b.xid(), "rollback", 0, r.detail(), next -> {
                Result again = rollbackOne(txId, b, Attempt.RETRY);
                if (again.verdict() == Verdict.RETRY) {
                    next.again(again.detail());
                }
            }, why -> leaveToRecovery(txId, b, why));
        }
        return r.verdict();
    }

    /**
     * Sends rollback to one branch and acts on the answer. A {@link Verdict#RETRY} or
     * {@link Verdict#NOT_FINISHED} is left to the caller.
     */
    public Result rollbackOne(String txId, Branch b, Attempt attempt) {
        Failure failure = null;
        String detail = null;
        String code = null;
        try {
            BlockingCall.run(b, callTimes, () -> {
                b.rollback();
                return null;
            });
        } catch (XAException | RuntimeException e) {
            failure = Failure.of(e);
            detail = Failure.describe(e);
            code = e instanceof XAException xa ? Failure.codeName(xa.errorCode) : e.toString();
        }
        Verdict v = Answers.toRollback(failure, attempt);
        boolean recovery = attempt.byRecovery();
        switch (v) {
            case DONE -> {
                String what = recovery ? "no commit decision; resource " + b.resourceName() : null;
                if (code != null) {
                    what = what == null ? code : what + " (" + code + ")";
                }
                audit.emit(recovery ? EventType.RECOVERY_ROLLBACK : EventType.ROLLED_BACK, txId, b.xid(), what);
                if (failure == Failure.HEURISTIC_ROLLBACK) {
                    b.forgetQuietly();
                }
            }
            case HEURISTIC_MIXED -> {
                // The resource committed (some of) the branch on its own: atomicity is broken. Keep the evidence
                // in the log before letting the resource forget it.
                audit.emit(EventType.HEURISTIC, txId, b.xid(), "on rollback: " + detail);
                decisions.heuristicWithoutDecision(txId, b, "on rollback: " + detail);
                b.forgetQuietly();
            }
            case TO_RECOVERY -> leaveToRecovery(txId, b, detail);
            default -> { }
        }
        return new Result(v, detail);
    }

    private void leaveToRecovery(String txId, Branch b, String why) {
        audit.emit(EventType.HANDED_TO_RECOVERY, txId, b.xid(), "rollback: " + why);
        leftToRecovery.accept(b.xid());
    }
}
