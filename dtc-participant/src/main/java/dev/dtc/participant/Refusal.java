package dev.dtc.participant;

import java.util.Objects;

/**
 * Thrown by {@link Work#perform} to refuse a transaction: the participant votes ABORT and the reason goes back
 * to the coordinator (and into the participant's record and audit log). A business "no", not an error: it carries
 * no stack trace.
 */
public final class Refusal extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param reason what the coordinator should report, e.g. "insufficient stock for sku-7" */
    public Refusal(String reason) {
        super(Objects.requireNonNull(reason, "reason"), null, false, false);
    }

    public String reason() {
        return getMessage();
    }
}
