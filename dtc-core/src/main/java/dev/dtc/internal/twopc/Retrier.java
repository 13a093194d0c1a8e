package dev.dtc.internal.twopc;

import dev.dtc.internal.audit.Audit;
import dev.dtc.audit.EventType;
import dev.dtc.internal.xid.DtcXid;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repeats a phase-2 call that got no answer, in the background, with exponential backoff, a bounded number of
 * times ({@value #ATTEMPTS} retries). It repeats the call on the same branch object, which is the right thing
 * while the resource is merely slow or restarting, and the wrong thing when the object's own connection is dead:
 * so after the last retry the branch is handed to recovery, which reaches it through a fresh connection of the
 * resource named for it (and, for a rollback, through presumed abort).
 *
 * <p>When the service closes, retries stop; decided transactions stay in the log and recovery finishes them at
 * the next start.
 */
public final class Retrier {
    private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

    /**
     * Retries before a branch is handed to recovery. With the default backoff (100 ms doubling) the last one runs
     * about 3 s after the first call: long enough to ride out a dropped connection that the driver re-opens,
     * short enough that a branch on a dead connection does not hold its locks for long.
     */
    public static final int ATTEMPTS = 5;

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

    /** The call a retry makes; it asks for another retry when it got no answer again. */
    @FunctionalInterface
    interface Attempt {
        void run(Again next);
    }

    /** Asks for one more retry, which becomes a hand-over once the attempts are used up. */
    @FunctionalInterface
    interface Again {
        void again(String lastError);
    }

    /**
     * Schedules retry number {@code attempt + 1} of {@code call} on a branch.
     *
     * @param giveUp run with the last error when the attempts are used up, or when the service is closing
     */
    void retry(String txId, DtcXid xid, String call, int attempt, String lastError, Attempt task, Consumer<String> giveUp) {
        if (attempt >= ATTEMPTS) {
            giveUp.accept(attempt + " retries failed, the last with " + lastError);
            return;
        }
        audit.emit(EventType.RETRY, txId, xid, call + " attempt " + (attempt + 2) + " after " + lastError);
        long delay = initialMillis << Math.min(attempt, 20);
        if (delay <= 0 || delay > maxMillis) {
            delay = maxMillis;
        }
        try {
            scheduler.schedule(() -> task.run(error -> retry(txId, xid, call, attempt + 1, error, task, giveUp)),
                    delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.info("service closing: {} of {} left to recovery at the next start", call, xid);
            giveUp.accept("the service is closing");
        }
    }
}
