package dev.dtc.demo.shop;

import java.time.Duration;

/**
 * How placing an order ended.
 *
 * @param request       the order
 * @param transactionId dtc's transaction id (null if the transaction did not begin)
 * @param result        committed in all three databases, rolled back in all three, or worse
 * @param refusedBy     the participant that refused or voted to abort; null if none did (committed, timeout, ...)
 * @param stage         when it was refused
 * @param reason        why, in words; null when committed
 * @param took          from begin to the end of completion
 */
public record OrderOutcome(OrderRequest request, String transactionId, Result result, String refusedBy, Stage stage,
                           String reason, Duration took) {

    /** The end state in the three databases. */
    public enum Result {
        /** Order, reservation and payment are in their databases. */
        COMMITTED,
        /** None of them is. */
        ROLLED_BACK,
        /** A database decided on its own (a heuristic outcome): an operator must look. */
        HEURISTIC,
        /** The coordinator could not record its decision: recovery finishes the transaction later. */
        IN_DOUBT
    }

    /** When the refusal came. */
    public enum Stage {
        /** Nobody refused. */
        NONE,
        /** A statement failed while the shop was writing (before prepare): the shop rolled back. */
        WRITING,
        /** A participant voted to abort in phase 1 of the commit. */
        PREPARE,
        /** The transaction ran out of time, or failed otherwise. */
        OTHER
    }

    public boolean committed() {
        return result == Result.COMMITTED;
    }
}
