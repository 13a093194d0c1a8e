package dev.dtc.campaign.crash;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.dtc.campaign.ParticipantService;
import dev.dtc.participant.DtcContext;
import dev.dtc.participant.JoiningHandler;
import dev.dtc.participant.Participant;
import dev.dtc.participant.ParticipantHandler;
import java.net.URI;
import java.sql.PreparedStatement;
import org.eclipse.jetty.server.Handler;

/**
 * A participant service for the crash matrix's chained (open) transactions, in a JVM of its own: the participant kit
 * on one database, with the coordinator's routes under {@code /tx} and a service endpoint {@code POST /work} that
 * must be called with {@code Dtc-Transaction: <id>}: it joins that transaction ({@link JoiningHandler}, which calls
 * {@link Participant#join}) and inserts one row keyed by the transaction id into {@code campaign_rows}, in the
 * participant's XA branch, which stays open until the coordinator prepares or rolls it back. The kit's test hook
 * ({@code -Ddtc.participant.fault=halt-after-prepare|halt-after-commit}) makes it halt at that point.
 *
 * <p>Arguments: participant name, port, postgres|mysql, JDBC URL, user, password, coordinator URL. Prints
 * {@code participant listening on URL} when ready. The bearer token comes from {@code DTC_TOKEN}.
 */
public final class ChainedParticipantMain {

    private ChainedParticipantMain() {
    }

    public static void main(String[] args) throws Exception {
        ParticipantService service = ParticipantService.start(args,
                "CREATE TABLE IF NOT EXISTS campaign_rows (tx VARCHAR(64) PRIMARY KEY)");
        // no Work: this service only takes part in transactions it joins
        Participant participant = service.kit()
                .advertisedUrl(URI.create(service.base() + "/tx")).register(false)
                .maxConnections(8)
                .build().start();
        service.serve(new Handler.Sequence(
                new ParticipantHandler(participant, "/tx"),
                new JoiningHandler(participant, "/work", (body, c) -> {
                    String txId = DtcContext.current().orElseThrow();
                    try (PreparedStatement p = c.prepareStatement("INSERT INTO campaign_rows (tx) VALUES (?)")) {
                        p.setString(1, txId);
                        p.executeUpdate();
                    }
                    return JsonNodeFactory.instance.objectNode().put("inserted", txId);
                })));
    }
}
