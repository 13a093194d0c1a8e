package dev.dtc.differential;

import java.util.function.Function;

/**
 * Makes calls on behalf of one lane (the application, or code running inside a synchronization
 * or resource callback) and records each as "call -> outcome": "ok", a value, or the standard
 * type of the exception thrown. Exceptions are recorded and swallowed, so a scenario reads as a
 * straight sequence of API calls whose outcomes are compared, not asserted one by one.
 */
final class Recorder {

    /** A call that may throw anything a JTA method throws. */
    @FunctionalInterface
    interface Call {
        void run() throws Exception;
    }

    /** A call with a result. */
    @FunctionalInterface
    interface Query<T> {
        T get() throws Exception;
    }

    private final Trace trace;
    private final String lane;
    private final TraceEvent.Kind kind;

    Recorder(Trace trace, String lane, TraceEvent.Kind kind) {
        this.trace = trace;
        this.lane = lane;
        this.kind = kind;
    }

    /** Runs the call and records "ok" or the exception; returns whether it succeeded. */
    boolean call(String label, Call call) {
        TraceEvent e = trace.start(lane, kind, label);
        try {
            call.run();
            trace.finish(e, "ok");
            return true;
        } catch (Exception ex) {
            trace.finish(e, JtaNames.exception(ex));
            return false;
        }
    }

    /** Runs the query and records its rendered result or the exception; null when it threw. */
    <T> T value(String label, Query<T> query, Function<? super T, String> render) {
        TraceEvent e = trace.start(lane, kind, label);
        try {
            T v = query.get();
            trace.finish(e, render.apply(v));
            return v;
        } catch (Exception ex) {
            trace.finish(e, JtaNames.exception(ex));
            return null;
        }
    }

    <T> T value(String label, Query<T> query) {
        return value(label, query, String::valueOf);
    }

    /** A status read, rendered by name. */
    void status(String label, Query<Integer> query) {
        value(label, query, JtaNames::status);
    }

    /** Records a fact computed by the scenario itself. */
    void note(String label, String outcome) {
        trace.note(lane, kind, label, outcome);
    }
}
