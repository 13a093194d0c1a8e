package dev.dtc.campaign;

import dev.dtc.participant.Participant;
import dev.dtc.xa.XaDataSources;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.XADataSource;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The start-up the campaign's participant services (a participant kit in a JVM of its own) share. Their arguments:
 * participant name, port, postgres|mysql, JDBC URL, user, password, coordinator URL (or several, comma-separated,
 * for coordinators that share a store); the bearer token comes from
 * {@code DTC_TOKEN}.
 */
public final class ParticipantService {
    public final String name;
    public final int port;
    private final boolean postgres;
    private final String url;
    private final String user;
    private final String password;
    private final String coordinator;

    private ParticipantService(String[] args) {
        name = args[0];
        port = Integer.parseInt(args[1]);
        postgres = args[2].equals("postgres");
        url = args[3];
        user = args[4];
        password = args[5];
        coordinator = args[6];
    }

    /** Reads the arguments and creates the service's table ({@code tableDdl}, a CREATE TABLE IF NOT EXISTS). */
    public static ParticipantService start(String[] args, String tableDdl) throws SQLException {
        ParticipantService service = new ParticipantService(args);
        try (Connection c = DriverManager.getConnection(service.url, service.user, service.password);
             Statement s = c.createStatement()) {
            s.execute(tableDdl);
        }
        return service;
    }

    /**
     * The kit's builder with the service's name, XA data source (PostgreSQL or MySQL/MariaDB), coordinator(s), token
     * and a recovery interval of 1 s; the caller adds its work, connections and the rest.
     */
    public Participant.Builder kit() {
        XADataSource xa = postgres ? XaDataSources.postgres(url, user, password)
                : XaDataSources.mysql(url, user, password);
        return Participant.builder().name(name).xaDataSource(xa)
                .coordinators(java.util.Arrays.stream(coordinator.split(",")).map(URI::create).toList())
                .token(System.getenv("DTC_TOKEN"))
                .recoveryInterval(Duration.ofSeconds(1));
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String base() {
        return "http://127.0.0.1:" + port;
    }

    /** Serves {@code handler} on 127.0.0.1 with Jetty, prints {@code participant listening on <base>/tx}, waits. */
    public void serve(Handler handler) throws Exception {
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        jetty.addConnector(connector);
        jetty.setHandler(handler);
        jetty.start();
        System.out.println("participant listening on " + base() + "/tx");
        System.out.flush();
        jetty.join();
    }
}
