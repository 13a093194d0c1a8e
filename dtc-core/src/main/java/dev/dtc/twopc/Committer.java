package dev.dtc.twopc;

import dev.dtc.audit.Audit;
import dev.dtc.audit.EventType;
import java.util.List;
import java.util.concurrent.Executor;
import javax.transaction.xa.XAException;

/**
 * Phase 2 after a commit decision: sends commit to every branch that voted commit, in parallel
 * (the first one on the caller's thread, which would otherwise only wait). A branch that fails
 * transiently is handed to the {@link Retrier}; the caller is not kept waiting for it, because
 * the outcome is already decided and durable.
 */
final class Committer {

    /** What became of one branch's commit. */
    enum Result {
        COMMITTED,
        /** The resource rolled back on its own (XA_HEURRB, or XA_RB* after prepare). */
        HEURISTIC_ROLLBACK,
        /** The resource did some of each, or cannot tell (XA_HEURMIX, XA_HEURHAZ, XAER_RMERR). */
        HEURISTIC_MIXED,
        /** Failed transiently; the retrier goes on in the background. */
        RETRYING
    }

    private final Executor executor;
    private final Audit audit;
    private final Decisions decisions;
    private final Retrier retrier;

    Committer(Executor executor, Audit audit, Decisions decisions, Retrier retrier) {
        this.executor = executor;
        this.audit = audit;
        this.decisions = decisions;
        this.retrier = retrier;
    }

    List<Result> commitAll(Decisions.Decision d, List<? extends Branch> branches) {
        return Fanout.callAll(branches, b -> commitOne(d, b), executor);
    }

    private Result commitOne(Decisions.Decision d, Branch b) {
        String txId = d.txId();
        audit.emit(EventType.COMMIT_SENT, txId, b.xid(), null);
        try {
            BlockingCall.run(() -> {
                b.commit(false);
                return null;
            });
            audit.emit(EventType.COMMITTED, txId, b.xid(), null);
            decisions.acknowledged(d, b.xid());
            return Result.COMMITTED;
        } catch (XAException e) {
            int code = e.errorCode;
            if (code == XAException.XA_HEURCOM) {
                audit.emit(EventType.COMMITTED, txId, b.xid(), "XA_HEURCOM: the resource had already committed");
                b.forgetQuietly();
                decisions.acknowledged(d, b.xid());
                return Result.COMMITTED;
            }
            if (code == XAException.XAER_NOTA) {
                // The branch voted commit, so the resource knew it a moment ago; on a first
                // attempt nothing of ours can have finished it, so somebody else did (an
                // operator's ROLLBACK PREPARED, say): outcome unknown, reported as a hazard.
                // (On a retry or in recovery XAER_NOTA does mean "our earlier commit landed".)
                audit.emit(EventType.HEURISTIC, txId, b.xid(), "XAER_NOTA on the first commit: the branch was finished outside dtc");
                decisions.heuristic(d, b.xid(), "XAER_NOTA on first commit");
                return Result.HEURISTIC_MIXED;
            }
            if (XaCodes.isTransient(code)) {
                retrier.retryCommit(decisions, d, b, 0, XaCodes.describe(e));
                return Result.RETRYING;
            }
            Result r = code == XAException.XA_HEURRB || XaCodes.isRollback(code)
                    ? Result.HEURISTIC_ROLLBACK : Result.HEURISTIC_MIXED;
            audit.emit(EventType.HEURISTIC, txId, b.xid(), "on commit: " + XaCodes.describe(e));
            decisions.heuristic(d, b.xid(), XaCodes.name(code));
            if (XaCodes.isHeuristic(code)) {
                b.forgetQuietly();
            }
            return r;
        } catch (RuntimeException e) {
            retrier.retryCommit(decisions, d, b, 0, e.toString());
            return Result.RETRYING;
        }
    }
}
