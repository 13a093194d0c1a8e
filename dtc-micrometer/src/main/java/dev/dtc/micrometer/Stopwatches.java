package dev.dtc.micrometer;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Start times by transaction id, for a measurement that one audit event starts and a later one stops. Bounded: a
 * transaction whose stopping event never comes (the decision log failed, so its outcome is unknown) must not keep
 * its entry for ever. At {@code capacity} entries, entries older than {@code staleAfter} are dropped (at most once a
 * second, so a burst of starts at capacity does not scan the map each time); if it is still full, the new start is
 * not kept and that transaction is simply not timed.
 *
 * <p>Times are {@link System#nanoTime()}: the listener runs on the thread that emitted the event, right after it
 * happened, so the reading is the event's time and is immune to wall-clock steps.
 */
final class Stopwatches {

    private static final long PRUNE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ConcurrentHashMap<String, Long> started = new ConcurrentHashMap<>();
    private final int capacity;
    private final long staleAfterNanos;
    private final AtomicLong lastPrune = new AtomicLong(System.nanoTime() - PRUNE_EVERY_NANOS);

    Stopwatches(int capacity, long staleAfterNanos) {
        this.capacity = capacity;
        this.staleAfterNanos = staleAfterNanos;
    }

    void start(String txId) {
        if (txId == null) {
            return;
        }
        long now = System.nanoTime();
        if (started.size() >= capacity) {
            prune(now);
            if (started.size() >= capacity) {
                return;
            }
        }
        started.put(txId, now);
    }

    /** Nanoseconds since {@link #start} of {@code txId}, forgetting it; -1 if it was not started (or was dropped). */
    long stop(String txId) {
        if (txId == null) {
            return -1;
        }
        Long t = started.remove(txId);
        return t == null ? -1 : System.nanoTime() - t;
    }

    void forget(String txId) {
        if (txId != null) {
            started.remove(txId);
        }
    }

    int size() {
        return started.size();
    }

    private void prune(long now) {
        long last = lastPrune.get();
        if (now - last < PRUNE_EVERY_NANOS || !lastPrune.compareAndSet(last, now)) {
            return;
        }
        started.values().removeIf(t -> now - t > staleAfterNanos);
    }
}
