package dev.dtc.campaign.network;

import com.mysql.cj.jdbc.MysqlXADataSource;
import dev.dtc.participant.Participant;
import dev.dtc.participant.ParticipantHandler;
import dev.dtc.participant.Refusal;
import dev.dtc.testdb.DatabaseKind;
import dev.dtc.testdb.DatabaseServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.sql.XADataSource;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.postgresql.xa.PGXADataSource;

/**
 * One real kit participant on its own database, served by Jetty under {@code /tx}, with a {@link FaultProxy} in
 * front of it (the coordinator is given the proxy's URL). Its work inserts one business row
 * {@code net_effects(business_key, transaction_id)} per transaction; the table has no unique key on purpose, so a
 * duplicate effect shows as a second row. What the checks read is asked in SQL, not through the kit.
 */
final class KitSide implements AutoCloseable {
    /** The kit's Xid format id ("dtpp"). */
    static final int FORMAT_ID = 0x64747070;

    final String name;
    final DatabaseServer server;
    final String database;
    final Participant participant;
    final Server jetty;
    final FaultProxy proxy;

    KitSide(String name, DatabaseServer server, String database, URI coordinator, String token, long seed)
            throws Exception {
        this.name = name;
        this.server = server;
        this.database = database;
        server.createDatabase(database);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(server.kind() == DatabaseKind.POSTGRES
                    ? "CREATE TABLE IF NOT EXISTS net_effects (id BIGSERIAL PRIMARY KEY,"
                    + " business_key VARCHAR(64) NOT NULL, transaction_id VARCHAR(64) NOT NULL)"
                    : "CREATE TABLE IF NOT EXISTS net_effects (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
                    + " business_key VARCHAR(64) NOT NULL, transaction_id VARCHAR(64) NOT NULL)");
        }
        this.participant = Participant.builder().name(name).xaDataSource(xaDataSource()).coordinator(coordinator)
                .token(token).recoveryInterval(Duration.ofSeconds(1)).coordinatorTimeout(Duration.ofSeconds(1))
                .work((transactionId, payload, connection) -> {
                    if (payload.has("refuse")) {
                        throw new Refusal(payload.get("refuse").asText());
                    }
                    try (PreparedStatement s = connection.prepareStatement(
                            "INSERT INTO net_effects (business_key, transaction_id) VALUES (?, ?)")) {
                        s.setString(1, payload.path("key").asText());
                        s.setString(2, transactionId);
                        s.executeUpdate();
                    }
                    return true;
                }).build().start();
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        jetty.setHandler(new ParticipantHandler(participant, "/tx"));
        jetty.start();
        proxy = new FaultProxy(name, URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/tx"), seed);
    }

    Connection connect() throws SQLException {
        return server.connect(database);
    }

    private XADataSource xaDataSource() {
        if (server.kind() == DatabaseKind.POSTGRES) {
            PGXADataSource ds = new PGXADataSource();
            ds.setURL(server.jdbcUrl(database));
            ds.setUser(server.user());
            ds.setPassword(server.password());
            return ds;
        }
        MysqlXADataSource ds = new MysqlXADataSource();
        ds.setUrl(server.jdbcUrl(database));
        ds.setUser(server.user());
        ds.setPassword(server.password());
        return ds;
    }

    /** Committed business rows for the key (a prepared branch's row is not visible). */
    int rows(String businessKey) throws SQLException {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(
                "SELECT count(*) FROM net_effects WHERE business_key = ?")) {
            s.setString(1, businessKey);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Transaction ids this participant holds prepared in its database server, from the server's own list. */
    List<String> prepared() throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            if (server.kind() == DatabaseKind.POSTGRES) {
                String prefix = FORMAT_ID + "_";
                String suffix = "_" + Base64.getEncoder().encodeToString(name.getBytes(StandardCharsets.US_ASCII));
                try (ResultSet rs = s.executeQuery("SELECT gid FROM pg_prepared_xacts")) {
                    while (rs.next()) {
                        String gid = rs.getString(1);
                        if (gid.startsWith(prefix) && gid.endsWith(suffix)) {
                            ids.add(new String(Base64.getDecoder().decode(
                                    gid.substring(prefix.length(), gid.length() - suffix.length())),
                                    StandardCharsets.US_ASCII));
                        }
                    }
                }
            } else {
                try (ResultSet rs = s.executeQuery("XA RECOVER")) {
                    while (rs.next()) {
                        int gtridLength = rs.getInt(2);
                        byte[] data = rs.getBytes(4);
                        String bqual = new String(data, gtridLength, rs.getInt(3), StandardCharsets.US_ASCII);
                        if (rs.getInt(1) == FORMAT_ID && bqual.equals(name)) {
                            ids.add(new String(data, 0, gtridLength, StandardCharsets.US_ASCII));
                        }
                    }
                }
            }
        }
        return ids;
    }

    String describe() {
        return name + " (" + server.kind() + " database " + database + ")";
    }

    @Override
    public void close() {
        proxy.close();
        try {
            jetty.stop();
        } catch (Exception e) {
            // best effort
        }
        participant.close();
    }
}
