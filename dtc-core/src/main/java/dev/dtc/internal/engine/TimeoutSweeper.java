package dev.dtc.internal.engine;

import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Rolls back transactions that outlive their timeout, by looking at every transaction in flight
 * a few times a second.
 *
 * <p>Performance: one scheduled task per transaction (schedule at begin, cancel at completion)
 * costs two operations on the scheduler's shared, locked queue on every transaction's hot path;
 * a sweep costs nothing there, and a few thousand comparisons of {@code nanoTime} per pass off
 * it. JTA timeouts are whole seconds, so a tenth of a second of lateness does not matter.
 */
public final class TimeoutSweeper implements Runnable {
    /** How often the sweeper looks, in milliseconds. */
    public static final long PERIOD_MILLIS = 100;

    private final ConcurrentMap<String, ? extends Timed> inFlight;
    private final Executor executor;

    TimeoutSweeper(ConcurrentMap<String, ? extends Timed> inFlight, Executor executor) {
        this.inFlight = inFlight;
        this.executor = executor;
    }

    @Override
    public void run() {
        long now = System.nanoTime();
        for (Timed tx : inFlight.values()) {
            if (tx.isOverdue(now)) {
                try {
                    // rolling back calls the resources: not on the sweeper's own thread
                    executor.execute(tx::timeout);
                } catch (RejectedExecutionException e) {
                    return; // service closing
                }
            }
        }
    }
}
