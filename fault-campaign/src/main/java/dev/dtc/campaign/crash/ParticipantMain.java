package dev.dtc.campaign.crash;

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
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

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
        String name = args[0];
        int port = Integer.parseInt(args[1]);
        boolean postgres = args[2].equals("postgres");
        String url = args[3];
        try (Connection c = DriverManager.getConnection(url, args[4], args[5]); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS campaign_rows (tx VARCHAR(64) PRIMARY KEY)");
        }
        XADataSource xa = postgres ? XaDataSources.postgres(url, args[4], args[5])
                : XaDataSources.mysql(url, args[4], args[5]);
        Participant participant = Participant.builder().name(name).xaDataSource(xa)
                .work((txId, payload, c) -> {
                    try (PreparedStatement p = c.prepareStatement("INSERT INTO campaign_rows (tx) VALUES (?)")) {
                        p.setString(1, txId);
                        p.executeUpdate();
                    }
                    return true;
                })
                .coordinator(URI.create(args[6])).token(System.getenv("DTC_TOKEN"))
                .recoveryInterval(Duration.ofSeconds(1)).maxConnections(8)
                .build().start();
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        jetty.addConnector(connector);
        jetty.setHandler(new ParticipantHandler(participant, "/tx"));
        jetty.start();
        System.out.println("participant listening on http://127.0.0.1:" + port + "/tx");
        System.out.flush();
        jetty.join();
    }
}
