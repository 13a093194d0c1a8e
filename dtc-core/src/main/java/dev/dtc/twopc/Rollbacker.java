package dev.dtc.twopc;

import dev.dtc.audit.Audit;
import dev.dtc.audit.EventType;
import java.util.List;
import java.util.concurrent.Executor;
import javax.transaction.xa.XAException;

/**
 * Phase 2 after a rollback decision (or an application rollback): sends rollback to every branch
 * in parallel. Nothing is logged (presumed abort): after a crash, recovery rolls back any
 * prepared branch of ours that has no commit decision.
 */
final class Rollbacker {

    /** What became of one branch's rollback. */
    enum Result {
        ROLLED_BACK,
        /** The resource committed on its own (XA_HEURCOM). */
        HEURISTIC_COMMIT,
        /** XA_HEURMIX or XA_HEURHAZ. */
        HEURISTIC_MIXED,
        RETRYING
    }

    private final Executor executor;
    private final Audit audit;
    private final Retrier retrier;

    Rollbacker(Executor executor, Audit audit, Retrier retrier) {
        this.executor = executor;
        this.audit = audit;
        this.retrier = retrier;
    }

    List<Result> rollbackAll(String txId, List<? extends Branch> branches) {
        return Fanout.callAll(branches, b -> rollbackOne(txId, b), executor);
    }

    Result rollbackOne(String txId, Branch b) {
        audit.emit(EventType.ROLLBACK_SENT, txId, b.xid(), null);
        try {
            BlockingCall.run(() -> {
                b.rollback();
                return null;
            });
            audit.emit(EventType.ROLLED_BACK, txId, b.xid(), null);
            return Result.ROLLED_BACK;
        } catch (XAException e) {
            int code = e.errorCode;
            if (code == XAException.XAER_NOTA || XaCodes.isRollback(code) || code == XAException.XA_HEURRB) {
                audit.emit(EventType.ROLLED_BACK, txId, b.xid(), XaCodes.name(code));
                if (code == XAException.XA_HEURRB) {
                    b.forgetQuietly();
                }
                return Result.ROLLED_BACK;
            }
            if (XaCodes.isTransient(code)) {
                retrier.retryRollback(txId, b, 0, XaCodes.describe(e));
                return Result.RETRYING;
            }
            if (XaCodes.isHeuristic(code)) {
                audit.emit(EventType.HEURISTIC, txId, b.xid(), "on rollback: " + XaCodes.describe(e));
                b.forgetQuietly();
                return code == XAException.XA_HEURCOM ? Result.HEURISTIC_COMMIT : Result.HEURISTIC_MIXED;
            }
            // XAER_RMERR, XAER_PROTO, ...: the resource refused; keep trying in the background.
            retrier.retryRollback(txId, b, 0, XaCodes.describe(e));
            return Result.RETRYING;
        } catch (RuntimeException e) {
            retrier.retryRollback(txId, b, 0, e.toString());
            return Result.RETRYING;
        }
    }
}
