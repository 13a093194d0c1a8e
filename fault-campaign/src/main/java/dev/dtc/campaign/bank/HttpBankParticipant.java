package dev.dtc.campaign.bank;

import ch.qos.logback.classic.Level;
import dev.dtc.participant.Participant;
import dev.dtc.participant.ParticipantHandler;
import dev.dtc.participant.Refusal;
import dev.dtc.xa.XaDataSources;
import java.net.URI;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.sql.XADataSource;
import org.eclipse.jetty.server.Server;
import org.slf4j.LoggerFactory;

/**
 * One bank of the HTTP face, in a JVM of its own so that it can be killed: a participant-kit participant on one
 * database whose work is one side of a transfer (payload {@code {"id", "account", "delta"}}: the guarded update and
 * the history row; a debit that would go below 0 votes ABORT), served by Jetty under {@code /tx}. Prints
 * {@code LISTENING} on stdout once it serves.
 */
public final class HttpBankParticipant {

    private HttpBankParticipant() {
    }

    /** Arguments {@code key=value}: name, kind (pg|my), url, user, password, coordinator, port, token. */
    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        Map<String, String> o = new HashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            o.put(a.substring(0, eq), a.substring(eq + 1));
        }
        boolean pg = "pg".equals(o.get("kind"));
        XADataSource db = pg
                ? XaDataSources.postgres(o.get("url"), o.get("user"), o.get("password"))
                : XaDataSources.mysql(o.get("url"), o.get("user"), o.get("password"));
        Participant participant = Participant.builder()
                .name(o.get("name"))
                .xaDataSource(db)
                .coordinator(URI.create(o.get("coordinator")))
                .token(o.get("token"))
                .recoveryInterval(Duration.ofSeconds(1))
                .maxConnections(Integer.parseInt(o.get("connections")))
                .connectionWait(Duration.ofSeconds(10))
                // shorter than the transfers' timeoutMs, which the kit applies by itself: a transfer blocked behind
                // a branch a kill left prepared gives up sooner, and the clients move on to other accounts
                .lockWait(Duration.ofSeconds(2))
                .work((transactionId, payload, connection) -> {
                    long delta = payload.get("delta").asLong();
                    int account = payload.get("account").asInt();
                    try (PreparedStatement u = connection.prepareStatement(
                            "UPDATE account SET balance = balance + ? WHERE id = ? AND balance + ? >= 0")) {
                        u.setLong(1, delta);
                        u.setInt(2, account);
                        u.setLong(3, delta);
                        if (u.executeUpdate() != 1) {
                            throw new Refusal("funds");
                        }
                    }
                    try (PreparedStatement h = connection.prepareStatement(
                            "INSERT INTO history (transfer_id, account_id, delta) VALUES (?, ?, ?)")) {
                        h.setString(1, payload.get("id").asText());
                        h.setInt(2, account);
                        h.setLong(3, delta);
                        h.executeUpdate();
                    }
                    return true;
                })
                .build()
                .start();
        Server server = new Server(Integer.parseInt(o.get("port")));
        server.setHandler(new ParticipantHandler(participant, "/tx"));
        server.start();
        JtaBankChild.emit("LISTENING");
        server.join();
    }
}
