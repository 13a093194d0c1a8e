package dev.dtc.differential;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The ordered record of one scenario run on one transaction manager.
 *
 * <p>Events come from the scenario thread, from threads the manager uses for parallel phases
 * and from its timeout thread, so appends are serialised under one lock; the sequence number
 * is taken under the same lock, so list order is start order. (This is test code: a lock is
 * the simplest correct thing, and it is never held while a call runs.)
 */
final class Trace {

    private final Object lock = new Object();
    private final List<TraceEvent> events = new ArrayList<>();
    private final XidNames xids = new XidNames();
    private long seq;

    XidNames xids() {
        return xids;
    }

    /** Records the start of a call and returns the event to {@link #finish} when it returns. */
    TraceEvent start(String lane, TraceEvent.Kind kind, String call) {
        synchronized (lock) {
            TraceEvent event = new TraceEvent(++seq, lane, kind, call);
            events.add(event);
            lock.notifyAll();
            return event;
        }
    }

    void finish(TraceEvent event, String outcome) {
        synchronized (lock) {
            event.finish(outcome, ++seq);
            lock.notifyAll();
        }
    }

    /** Records a fact that has no duration (a status read, a comparison). */
    void note(String lane, TraceEvent.Kind kind, String call, String outcome) {
        finish(start(lane, kind, call), outcome);
    }

    List<TraceEvent> snapshot() {
        synchronized (lock) {
            return List.copyOf(events);
        }
    }

    /**
     * Waits until {@code count} finished events match, for events produced by the manager's own
     * threads (timeouts, background retries). The timeout is generous because the machine is
     * slow; it only bounds how long a manager that never acts makes the test wait.
     */
    boolean awaitFinished(Predicate<TraceEvent> match, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (true) {
                int found = 0;
                for (TraceEvent e : events) {
                    if (e.outcome() != null && match.test(e)) {
                        found++;
                    }
                }
                if (found >= count) {
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (TraceEvent e : snapshot()) {
            sb.append(e.render()).append('\n');
        }
        return sb.toString();
    }
}
