package dev.dtc.demo.trace;

import dev.dtc.audit.EventType;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Ends the process at a chosen point of the two-phase commit, for the crash demonstrations: with
 * {@code Runtime.halt}, which runs no shutdown hooks and closes nothing (the databases see their connections drop,
 * the decision log is left as the last force left it): as close to a power cut as a JVM gets.
 *
 * <p>It watches the transaction's trace. dtc delivers an audit event on the thread that made the change, before
 * that thread goes on: so halting inside the last VOTE_COMMIT means every branch is prepared and the coordinator
 * has not yet seen the last vote (no decision can have been taken); halting inside DECISION_FORCED means the
 * commit decision is on disk and no commit has been sent.
 */
public final class CrashSwitch implements Consumer<TraceEvent> {

    /** The process's exit status when it crashed on purpose. */
    public static final int EXIT_STATUS = 99;

    /** Where to die. */
    public enum Point {
        /** Every branch voted to commit (all prepared), the decision is not taken: recovery rolls back. */
        AFTER_PREPARE,
        /** The commit decision is forced to the log, no commit sent: recovery commits. */
        AFTER_DECISION
    }

    private final Point point;
    private final TransactionTrace trace;
    private final Runnable lastWords;
    private final AtomicInteger votes = new AtomicInteger();
    private final AtomicBoolean fired = new AtomicBoolean();

    /**
     * @param lastWords runs just before the halt, e.g. to print what happened so far (nothing runs after)
     */
    public CrashSwitch(Point point, TransactionTrace trace, Runnable lastWords) {
        this.point = point;
        this.trace = trace;
        this.lastWords = lastWords;
    }

    @Override
    public void accept(TraceEvent e) {
        boolean due = switch (point) {
            // counted here, not read from the trace: only the thread whose vote is the last may halt, because
            // once it returns its answer the coordinator goes on to decide
            case AFTER_PREPARE -> e.type() == EventType.VOTE_COMMIT && votes.incrementAndGet() == trace.participants().size();
            case AFTER_DECISION -> e.type() == EventType.DECISION_FORCED;
        };
        if (due && fired.compareAndSet(false, true)) {
            lastWords.run();
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(EXIT_STATUS);
        }
    }
}
