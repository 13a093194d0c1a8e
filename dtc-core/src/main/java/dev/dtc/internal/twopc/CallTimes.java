package dev.dtc.internal.twopc;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * How long each resource's calls have been taking lately, so that the phase engines hand a call to another thread
 * only where that pays.
 *
 * <p>Running two calls at once saves the shorter one's time and costs a hand-off to a pool thread and back (two
 * wake-ups: tens of microseconds of CPU and latency on a busy two-core machine). For a database on the network
 * (a prepare of a millisecond) that is a good trade; for a resource that answers in a few microseconds it is not:
 * with no-op resources the hand-offs were most of the coordinator's CPU. So a resource whose calls have taken
 * less than {@link #QUICK_NANOS} on average is <em>quick</em>, and its calls are batched or run inline; any other,
 * and one not yet seen, is called in parallel as before.
 *
 * <p>This is a cost decision only, never a safety one. Phase 1 still runs every prepare on a pool thread, so the
 * caller returns at its deadline whatever a resource does; a quick resource that hangs delays only the branches
 * queued behind it in the same transaction, which then count as no answer. Each sample counts for at most
 * {@link #SAMPLE_CAP_NANOS}, so that one call that was preempted on a busy machine does not make a quick resource
 * slow, while a resource whose calls really take long is slow after about three of them.
 *
 * <p>Averages are kept per {@link Branch#timingKey()}: the resource's name, or for an unnamed XA resource its class.
 * Updates race without locks: a lost sample only delays the average a little.
 */
public final class CallTimes {

    /** Below this average a resource is quick: less than a hand-off to another thread costs. */
    static final long QUICK_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

    /** The most one call counts for in the average. */
    static final long SAMPLE_CAP_NANOS = 4 * QUICK_NANOS;

    /**
     * The most resources whose times are kept. Past it a new resource is not recorded and stays "not yet seen",
     * which is the safe default (its calls run in parallel), so a stream of ever new names cannot grow the map.
     */
    static final int MAX_RESOURCES = 1_024;

    private final ConcurrentHashMap<String, Average> byResource = new ConcurrentHashMap<>();

    /** True if calls to the branch's resource have been quick lately; false if slow or not yet seen. */
    boolean quick(Branch b) {
        Average a = byResource.get(b.timingKey());
        return a != null && a.nanos < QUICK_NANOS;
    }

    /** Records one call to the branch's resource that took {@code nanos}, answered or failed. */
    void record(Branch b, long nanos) {
        String key = b.timingKey();
        Average a = byResource.get(key);
        if (a == null) {
            if (byResource.size() >= MAX_RESOURCES) {
                return;
            }
            a = byResource.computeIfAbsent(key, n -> new Average(Math.min(nanos, SAMPLE_CAP_NANOS)));
        }
        a.add(nanos);
    }

    /** The average in nanoseconds of the resource's calls, or -1 if none was recorded; for tests. */
    long averageNanos(String timingKey) {
        Average a = byResource.get(timingKey);
        return a == null ? -1 : a.nanos;
    }

    private static final class Average {
        private volatile long nanos;

        Average(long first) {
            this.nanos = first;
        }

        void add(long sample) {
            long old = nanos;
            nanos = old + (Math.min(sample, SAMPLE_CAP_NANOS) - old) / 8; // an exponential moving average, weight 1/8
        }
    }
}
