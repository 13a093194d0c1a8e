package dev.dtc.twopc;

import dev.dtc.audit.Audit;
import dev.dtc.audit.EventType;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.transaction.xa.XAException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries phase-2 calls that failed transiently, in the background, with exponential backoff,
 * until they succeed: commit and rollback are idempotent, and XAER_NOTA on a retry means the
 * first attempt did reach the resource. A committed branch is acknowledged to {@link Decisions},
 * which writes the END record after the last one.
 *
 * <p>When the service closes, retries stop; decided transactions stay in the log and recovery
 * finishes them at the next start.
 */
public final class Retrier {
    private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

    private final ScheduledExecutorService scheduler;
    private final Audit audit;
    private final long initialMillis;
    private final long maxMillis;

    public Retrier(ScheduledExecutorService scheduler, Audit audit, Duration initial, Duration max) {
        this.scheduler = scheduler;
        this.audit = audit;
        this.initialMillis = Math.max(1, initial.toMillis());
        this.maxMillis = Math.max(initialMillis, max.toMillis());
    }

    public void retryCommit(Decisions decisions, Decisions.Decision d, Branch b, int attempt, String lastError) {
        audit.emit(EventType.RETRY, d.txId(), b.xid(), "commit attempt " + (attempt + 1) + " after " + lastError);
        schedule(attempt, () -> {
            try {
                b.commit(false);
                audit.emit(EventType.COMMITTED, d.txId(), b.xid(), "after retry");
                decisions.acknowledged(d, b.xid());
            } catch (XAException e) {
                if (e.errorCode == XAException.XAER_NOTA) {
                    audit.emit(EventType.COMMITTED, d.txId(), b.xid(), "XAER_NOTA on retry: already committed");
                    decisions.acknowledged(d, b.xid());
                } else if (XaCodes.isHeuristic(e.errorCode) && e.errorCode != XAException.XA_HEURCOM) {
                    audit.emit(EventType.HEURISTIC, d.txId(), b.xid(), XaCodes.name(e.errorCode) + " on commit retry");
                    decisions.heuristic(d, b.xid(), XaCodes.name(e.errorCode));
                } else if (e.errorCode == XAException.XA_HEURCOM) {
                    b.forgetQuietly();
                    decisions.acknowledged(d, b.xid());
                } else {
                    retryCommit(decisions, d, b, attempt + 1, XaCodes.describe(e));
                }
            } catch (RuntimeException e) {
                retryCommit(decisions, d, b, attempt + 1, e.toString());
            }
        }, () -> decisions.handOverToRecovery(d));
    }

    public void retryRollback(String txId, Branch b, int attempt, String lastError) {
        audit.emit(EventType.RETRY, txId, b.xid(), "rollback attempt " + (attempt + 1) + " after " + lastError);
        schedule(attempt, () -> {
            try {
                b.rollback();
                audit.emit(EventType.ROLLED_BACK, txId, b.xid(), "after retry");
            } catch (XAException e) {
                if (e.errorCode == XAException.XAER_NOTA || XaCodes.isRollback(e.errorCode)) {
                    audit.emit(EventType.ROLLED_BACK, txId, b.xid(), XaCodes.name(e.errorCode) + " on retry: already rolled back");
                } else if (XaCodes.isHeuristic(e.errorCode)) {
                    audit.emit(EventType.HEURISTIC, txId, b.xid(), XaCodes.name(e.errorCode) + " on rollback retry");
                } else {
                    retryRollback(txId, b, attempt + 1, XaCodes.describe(e));
                }
            } catch (RuntimeException e) {
                retryRollback(txId, b, attempt + 1, e.toString());
            }
        }, () -> { });
    }

    private void schedule(int attempt, Runnable task, Runnable onShutdown) {
        long delay = initialMillis << Math.min(attempt, 20);
        if (delay <= 0 || delay > maxMillis) {
            delay = maxMillis;
        }
        try {
            scheduler.schedule(task, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.info("service closing: retry left to recovery at next start");
            onShutdown.run();
        }
    }
}
