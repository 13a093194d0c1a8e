package dev.dtc.demo.service;

import java.util.List;

/**
 * What the coordinator answered about an order's transaction, beyond the outcome and the events: whether phase 2
 * is complete, each participant's vote and acknowledgement, and whether the answer is a replay of an order sent
 * before.
 *
 * @param coordinator   the coordinator's URL
 * @param transactionId the coordinator's id of the transaction
 * @param phase2        COMPLETE, or PENDING while a participant has not acknowledged (the coordinator retries)
 * @param replayed      true if the coordinator had this order already (same Idempotency-Key) and answered with
 *                      that transaction instead of running a second one
 */
public record RemoteAnswer(String coordinator, String transactionId, String phase2, boolean replayed,
                           List<ParticipantState> participants) {

    /** One participant as the coordinator reports it. */
    public record ParticipantState(String name, String url, String vote, String reason, boolean acknowledged) {
    }

    /** The participants that voted COMMIT and have not acknowledged phase 2 yet. */
    public List<String> notAcknowledged() {
        return participants.stream().filter(p -> "COMMIT".equals(p.vote()) && !p.acknowledged())
                .map(ParticipantState::name).toList();
    }
}
