package dev.dtc.server;

import dev.dtc.internal.fault.TestFault;
import java.util.Locale;

/**
 * Deliberate crashes at named protocol points, for crash tests and the fault demonstrations only: off unless
 * {@code --test-fault} names a point. The process halts ({@code Runtime.halt}: no shutdown hooks, no flushing,
 * as a power cut or {@code kill -9} would leave it) at the first transaction that reaches the point.
 */
enum Faults {
    NONE,
    /** Every participant voted commit; the decision is not yet forced. */
    HALT_BEFORE_DECISION,
    /** The commit decision is forced; no participant has been told. */
    HALT_AFTER_DECISION,
    /**
     * The commit of one participant is done (answered, or failed and left to retries), the commit of the next is
     * about to be sent: one-shot and open transactions alike.
     */
    HALT_BETWEEN_COMMITS,
    /** The engine's point {@code halt-during-roll} (decision log roll-over, the new segment half written). */
    HALT_DURING_ROLL,
    /** The engine's point {@code halt-during-cleanup} (new segment durable, superseded ones not deleted). */
    HALT_DURING_CLEANUP,
    /** The engine's point {@code halt-during-recovery} (recovery committed one branch, about to commit the next). */
    HALT_DURING_RECOVERY;

    static final String VALID = "halt-before-decision, halt-after-decision, halt-between-commits, halt-during-roll,"
            + " halt-during-cleanup or halt-during-recovery";

    static Faults parse(String s) {
        if (s == null || s.isBlank()) {
            return NONE;
        }
        try {
            Faults f = valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            if (f == NONE) {
                throw new IllegalArgumentException("none");
            }
            return f;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--test-fault must be " + VALID + ", was: " + s);
        }
    }

    /** The engine's own switch for this point ({@code -Ddtc.test.fault}), or {@link TestFault#NONE}. */
    TestFault engineFault() {
        return switch (this) {
            case HALT_DURING_ROLL -> TestFault.HALT_DURING_ROLL;
            case HALT_DURING_CLEANUP -> TestFault.HALT_DURING_CLEANUP;
            case HALT_DURING_RECOVERY -> TestFault.HALT_DURING_RECOVERY;
            default -> TestFault.NONE;
        };
    }

    /**
     * Switches the engine's point on, if this is one: sets {@code dtc.test.fault} before the engine first reads it
     * (it reads it once), and checks that it took.
     */
    void arm() {
        TestFault t = engineFault();
        if (t == TestFault.NONE) {
            return;
        }
        System.setProperty(TestFault.PROPERTY, t.label());
        if (TestFault.active() != t) {
            throw new IllegalStateException("--test-fault " + label() + ": the engine had already read "
                    + TestFault.PROPERTY + " as " + TestFault.active().label());
        }
    }

    String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    void halt(String txId) {
        System.err.println("dtc-server: --test-fault " + label() + ": halting at transaction " + txId);
        System.err.flush();
        Runtime.getRuntime().halt(137);
    }
}
