package dev.dtc.server;

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
    HALT_AFTER_DECISION;

    static Faults parse(String s) {
        if (s == null || s.isBlank()) {
            return NONE;
        }
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--test-fault must be halt-before-decision or halt-after-decision,"
                    + " was: " + s);
        }
    }

    void halt(String txId) {
        System.err.println("dtc-server: --test-fault " + name().toLowerCase(Locale.ROOT).replace('_', '-')
                + ": halting at transaction " + txId);
        System.err.flush();
        Runtime.getRuntime().halt(137);
    }
}
