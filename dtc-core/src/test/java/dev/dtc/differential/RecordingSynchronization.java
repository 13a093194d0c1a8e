package dev.dtc.differential;

import jakarta.transaction.Synchronization;

/**
 * A Synchronization that records its two callbacks (with the status given to afterCompletion)
 * and can act inside them: mark the transaction rollback-only, register more synchronizations,
 * enlist resources, or throw, as application code does.
 *
 * <p>Its lane name says how it was registered: "s…" through {@code Transaction.registerSynchronization},
 * "i…" through {@code registerInterposedSynchronization}; {@link TraceInvariants} relies on it.
 */
final class RecordingSynchronization implements Synchronization {

    /** Code run inside a callback; it records its own calls on the synchronization's lane. */
    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    private final String lane;
    private final Trace trace;
    private volatile Action before = () -> { };
    private volatile Action after = () -> { };
    private volatile boolean throwInBefore;
    private volatile boolean throwInAfter;

    RecordingSynchronization(String lane, Trace trace) {
        this.lane = lane;
        this.trace = trace;
    }

    String lane() {
        return lane;
    }

    boolean interposed() {
        return lane.startsWith("i");
    }

    RecordingSynchronization onBefore(Action action) {
        this.before = action;
        return this;
    }

    RecordingSynchronization onAfter(Action action) {
        this.after = action;
        return this;
    }

    /** beforeCompletion ends by throwing a RuntimeException, as a failing JPA flush does. */
    RecordingSynchronization failBefore() {
        this.throwInBefore = true;
        return this;
    }

    RecordingSynchronization failAfter() {
        this.throwInAfter = true;
        return this;
    }

    @Override
    public void beforeCompletion() {
        TraceEvent e = trace.start(lane, TraceEvent.Kind.SYNC, "beforeCompletion");
        callback(e, before, throwInBefore);
    }

    @Override
    public void afterCompletion(int status) {
        TraceEvent e = trace.start(lane, TraceEvent.Kind.SYNC, "afterCompletion(" + JtaNames.status(status) + ")");
        callback(e, after, throwInAfter);
    }

    private void callback(TraceEvent e, Action action, boolean fail) {
        try {
            action.run();
        } catch (Exception ex) {
            // actions record their own outcomes; an escaped exception is a broken scenario
            trace.finish(e, "scenario error " + ex);
            throw new IllegalStateException("synchronization action of " + lane + " failed", ex);
        }
        if (fail) {
            trace.finish(e, "RuntimeException");
            throw new IllegalStateException(lane + " fails on purpose");
        }
        trace.finish(e, "ok");
    }

    @Override
    public String toString() {
        return "RecordingSynchronization[" + lane + "]";
    }
}
