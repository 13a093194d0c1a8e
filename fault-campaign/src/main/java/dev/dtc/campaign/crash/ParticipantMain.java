package dev.dtc.campaign.crash;

import dev.dtc.campaign.ParticipantService;
import dev.dtc.participant.Participant;
import dev.dtc.participant.ParticipantHandler;
import java.sql.PreparedStatement;

/**
 * A participant service for the crash matrix, in a JVM of its own: the participant kit on one database, whose work
 * inserts one row per transaction into {@code campaign_rows}, served under {@code /tx}. The kit's test hook
 * ({@code -Ddtc.participant.fault=halt-after-prepare|halt-after-commit}) makes it halt at that point.
 *
 * <p>Arguments: participant name, port, postgres|mysql, JDBC URL, user, password, coordinator URL. Prints
 * {@code participant listening on URL} when ready. The bearer token comes from {@code DTC_TOKEN}.
 */
public final class ParticipantMain {

    private ParticipantMain() {
    }

    public static void main(String[] args) throws Exception {
        ParticipantService service = ParticipantService.start(args,
                "CREATE TABLE IF NOT EXISTS campaign_rows (tx VARCHAR(64) PRIMARY KEY)");
        Participant participant = service.kit()
                .work((txId, payload, c) -> {
                    try (PreparedStatement p = c.prepareStatement("INSERT INTO campaign_rows (tx) VALUES (?)")) {
                        p.setString(1, txId);
                        p.executeUpdate();
                    }
                    return true;
                })
                .maxConnections(8)
                .build().start();
        service.serve(new ParticipantHandler(participant, "/tx"));
    }
}
