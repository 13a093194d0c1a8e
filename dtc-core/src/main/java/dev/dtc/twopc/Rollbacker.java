package dev.dtc.twopc;

import dev.dtc.audit.Audit;
import dev.dtc.audit.EventType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
        int n = branches.size();
        if (n == 0) {
            return List.of();
        }
        List<CompletableFuture<Result>> others = new ArrayList<>(n);
        for (int i = 1; i < n; i++) {
            Branch b = branches.get(i);
            others.add(CompletableFuture.supplyAsync(() -> rollbackOne(txId, b), executor));
        }
        List<Result> results = new ArrayList<>(n);
        results.add(rollbackOne(txId, branches.get(0)));
        for (CompletableFuture<Result> f : others) {
            results.add(f.join());
        }
        return results;
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
                    forget(b);
                }
                return Result.ROLLED_BACK;
            }
            if (XaCodes.isTransient(code)) {
                retrier.retryRollback(txId, b, 0, XaCodes.describe(e));
                return Result.RETRYING;
            }
            if (XaCodes.isHeuristic(code)) {
                audit.emit(EventType.HEURISTIC, txId, b.xid(), "on rollback: " + XaCodes.describe(e));
                forget(b);
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

    private void forget(Branch b) {
        try {
            b.forget();
        } catch (XAException | RuntimeException ignored) {
            // the heuristic is reported; the resource keeps it for its own operator
        }
    }
}
