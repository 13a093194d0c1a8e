package dev.dtc.campaign.random;

import dev.dtc.campaign.ParticipantService;
import dev.dtc.participant.Participant;
import dev.dtc.participant.ParticipantHandler;
import java.sql.PreparedStatement;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A participant service of the randomized HTTP face, in a JVM of its own (a copy of the crash matrix's, on a table
 * of its own): the participant kit on one database, whose work inserts one row per transaction into
 * {@code random_rows}, keyed by the coordinator's transaction id, with the client's key (the payload, a JSON string)
 * beside it, so that a transaction whose client got no answer can still be found. Served under {@code /tx}.
 *
 * <p>Arguments: participant name, port, postgres|mysql, JDBC URL, user, password, coordinator URL. Prints
 * {@code participant listening on URL} when ready. The bearer token comes from {@code DTC_TOKEN}. The takeover part
 * runs it too, with the URLs of its three coordinators.
 *
 * <p>To see the part's check fail on purpose: {@code -Ddtc.campaign.random.break=skip-insert} makes this participant
 * vote COMMIT on every fifth transaction without inserting its row (the campaign passes it to participant B only
 * when the campaign JVM itself runs with that property).
 */
public final class RandomParticipantMain {

    static final String TABLE_DDL = "CREATE TABLE IF NOT EXISTS random_rows (tx VARCHAR(64) PRIMARY KEY,"
            + " k VARCHAR(100) NOT NULL)";

    private RandomParticipantMain() {
    }

    public static void main(String[] args) throws Exception {
        ParticipantService service = ParticipantService.start(args, TABLE_DDL);
        boolean skipSome = "skip-insert".equals(System.getProperty("dtc.campaign.random.break"));
        AtomicLong calls = new AtomicLong();
        Participant participant = service.kit()
                .work((txId, payload, c) -> {
                    if (skipSome && calls.incrementAndGet() % 5 == 0) {
                        return true; // sabotage: says it did its work, did nothing
                    }
                    try (PreparedStatement p = c.prepareStatement("INSERT INTO random_rows (tx, k) VALUES (?, ?)")) {
                        p.setString(1, txId);
                        p.setString(2, payload.asText());
                        p.executeUpdate();
                    }
                    return true;
                })
                .maxConnections(10)
                .build().start();
        service.serve(new ParticipantHandler(participant, "/tx"));
    }
}
