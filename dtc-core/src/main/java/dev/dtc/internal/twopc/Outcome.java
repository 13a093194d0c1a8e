package dev.dtc.internal.twopc;

/**
 * How a transaction ended, as the phase engines report it to the JTA layer, which turns it into
 * the status and exception that the Jakarta Transactions specification requires.
 *
 * @param kind   the outcome
 * @param reason for anything but COMMITTED: which branch did what, in words for the caller
 */
public record Outcome(Kind kind, String reason) {

    public enum Kind {
        COMMITTED,
        ROLLED_BACK,
        /** Some branches committed and some rolled back, or a resource cannot tell. */
        HEURISTIC_MIXED,
        /** Every branch that did work rolled back although commit was decided. */
        HEURISTIC_ROLLBACK,
        /**
         * Forcing the decision failed: it may or may not be on disk. The branches stay prepared
         * and are settled by recovery at the next start, which reads what the log really holds.
         */
        UNKNOWN
    }

    public static final Outcome COMMITTED = new Outcome(Kind.COMMITTED, null);

    public static Outcome rolledBack(String reason) {
        return new Outcome(Kind.ROLLED_BACK, reason);
    }
}
