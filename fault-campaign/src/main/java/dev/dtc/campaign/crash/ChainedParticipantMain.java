package dev.dtc.campaign.crash;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.dtc.participant.DtcContext;
import dev.dtc.participant.JoiningHandler;
import dev.dtc.participant.Participant;
import dev.dtc.participant.ParticipantHandler;
import dev.dtc.xa.XaDataSources;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.XADataSource;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

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
        String name = args[0];
        int port = Integer.parseInt(args[1]);
        boolean postgres = args[2].equals("postgres");
        String url = args[3];
        try (Connection c = DriverManager.getConnection(url, args[4], args[5]); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS campaign_rows (tx VARCHAR(64) PRIMARY KEY)");
        }
        XADataSource xa = postgres ? XaDataSources.postgres(url, args[4], args[5])
                : XaDataSources.mysql(url, args[4], args[5]);
        String base = "http://127.0.0.1:" + port;
        // no Work: this service only takes part in transactions it joins
        Participant participant = Participant.builder().name(name).xaDataSource(xa)
                .advertisedUrl(URI.create(base + "/tx")).register(false)
                .coordinator(URI.create(args[6])).token(System.getenv("DTC_TOKEN"))
                .recoveryInterval(Duration.ofSeconds(1)).maxConnections(8)
                .build().start();
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        jetty.addConnector(connector);
        jetty.setHandler(new Handler.Sequence(
                new ParticipantHandler(participant, "/tx"),
                new JoiningHandler(participant, "/work", (body, c) -> {
                    String txId = DtcContext.current().orElseThrow();
                    try (PreparedStatement p = c.prepareStatement("INSERT INTO campaign_rows (tx) VALUES (?)")) {
                        p.setString(1, txId);
                        p.executeUpdate();
                    }
                    return JsonNodeFactory.instance.objectNode().put("inserted", txId);
                })));
        jetty.start();
        System.out.println("participant listening on " + base + "/tx");
        System.out.flush();
        jetty.join();
    }
}
