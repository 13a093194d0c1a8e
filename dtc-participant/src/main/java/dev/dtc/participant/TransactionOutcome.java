package dev.dtc.participant;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How an open transaction ended, as the coordinator answered {@link OpenTransaction#commit()} or
 * {@link OpenTransaction#rollback()}.
 *
 * @param transactionId the transaction
 * @param outcome       {@code COMMITTED}, {@code ROLLED_BACK}, or another outcome the coordinator names
 * @param status        the coordinator's HTTP status: 200 (ended as asked, or already had), 409 (it had already
 *                      ended the other way, e.g. rolled back at its timeout), 404 (unknown to the coordinator:
 *                      presumed rolled back)
 * @param answer        the coordinator's whole answer (for 200: {@code id}, {@code outcome}, {@code participants},
 *                      {@code events}, ...)
 */
public record TransactionOutcome(String transactionId, String outcome, int status, JsonNode answer) {

    /** Whether the transaction committed. */
    public boolean committed() {
        return "COMMITTED".equals(outcome);
    }
}
