package dev.dtc.campaign.hostile;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.dtc.participant.DtcContext;
import dev.dtc.participant.JoiningHandler;
import dev.dtc.participant.Participant;
import dev.dtc.participant.ParticipantHandler;
import dev.dtc.testdb.DatabaseServer;
import dev.dtc.testdb.TestDatabases;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.TreeMap;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.postgresql.xa.PGXADataSource;

/**
 * The participant kit under fire: a real {@link Participant} on a real PostgreSQL database, served by Jetty with a
 * {@link ParticipantHandler} under {@code /tx} and a {@link JoiningHandler} at {@code /reserve}. Its work (one-shot
 * prepare and joined calls alike) inserts a row into {@code hostile_work}, so any hostile request that got as far as
 * running work leaves a row behind. Its connections carry the application name {@value #APPLICATION}, so that
 * {@code pg_stat_activity} counts them.
 */
final class HostileKit implements AutoCloseable {

    static final String DATABASE = "dtc_campaign_hostile";
    static final String NAME = "hostile-kit";
    static final String APPLICATION = "dtc-hostile-kit";
    static final int FORMAT_ID = 0x64747070;

    private final DatabaseServer db = TestDatabases.postgres();
    private final Participant participant;
    private final Server server;
    private final String base;

    HostileKit(String coordinatorUrl, String token, int maxBodyBytes) throws Exception {
        db.createDatabase(DATABASE);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS hostile_work (transaction_id VARCHAR(64) PRIMARY KEY,"
                    + " source VARCHAR(16) NOT NULL, body TEXT)");
            // a clean slate, so that a run with the same seed is compared with what it alone did
            for (String gid : preparedGids(c)) {
                s.execute("ROLLBACK PREPARED '" + gid.replace("'", "''") + "'");
            }
            s.execute("DELETE FROM hostile_work");
            if (tableExists(c, "dtc_participant_outcomes")) {
                try (PreparedStatement d = c.prepareStatement(
                        "DELETE FROM dtc_participant_outcomes WHERE participant = ?")) {
                    d.setString(1, NAME);
                    d.executeUpdate();
                }
            }
        }
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        base = "http://127.0.0.1:" + port;
        PGXADataSource ds = new PGXADataSource();
        ds.setURL(db.jdbcUrl(DATABASE));
        ds.setUser(db.user());
        ds.setPassword(db.password());
        ds.setApplicationName(APPLICATION);
        participant = Participant.builder()
                .name(NAME)
                .xaDataSource(ds)
                .coordinator(URI.create(coordinatorUrl))
                .token(token)
                .maxBodyBytes(maxBodyBytes)
                .advertisedUrl(URI.create(base + "/tx"))
                .register(false)
                .recoveryInterval(Duration.ofSeconds(2))
                .work((transactionId, payload, connection) -> {
                    insert(connection, transactionId, "prepare", payload.toString());
                    return true;
                })
                .build()
                .start();
        server = new Server(new QueuedThreadPool(64, 4));
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Handler.Sequence(new ParticipantHandler(participant, "/tx"),
                new JoiningHandler(participant, "/reserve", (body, connection) -> {
                    insert(connection, DtcContext.current().orElse("?"), "joined", String.valueOf(body));
                    return JsonNodeFactory.instance.objectNode().put("reserved", true);
                })));
        server.start();
    }

    private static void insert(Connection connection, String transactionId, String source, String body)
            throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(
                "INSERT INTO hostile_work (transaction_id, source, body) VALUES (?, ?, ?)")) {
            s.setString(1, transactionId);
            s.setString(2, source);
            s.setString(3, body);
            s.executeUpdate();
        }
    }

    /** {@code http://127.0.0.1:PORT}: the kit's base is {@code /tx}, its joined endpoint {@code /reserve}. */
    String url() {
        return base;
    }

    Connection connect() throws SQLException {
        return db.connect(DATABASE);
    }

    /** Rows of the work's table (transaction id to source): any is a hostile request that ran work. */
    TreeMap<String, String> workRows() throws SQLException {
        TreeMap<String, String> rows = new TreeMap<>();
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT transaction_id, source FROM hostile_work")) {
            while (rs.next()) {
                rows.put(rs.getString(1), rs.getString(2));
            }
        }
        return rows;
    }

    /** The kit's records (transaction id to state), as the database holds them. */
    TreeMap<String, String> records() throws SQLException {
        TreeMap<String, String> rows = new TreeMap<>();
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(
                "SELECT transaction_id, state FROM dtc_participant_outcomes WHERE participant = ?")) {
            s.setString(1, NAME);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return rows;
    }

    /** The kit's prepared branches in PostgreSQL ({@code pg_prepared_xacts}), as gids. */
    java.util.List<String> preparedBranches() throws SQLException {
        try (Connection c = connect()) {
            return preparedGids(c);
        }
    }

    /** pgjdbc writes a gid as formatId_base64(gtrid)_base64(bqual). */
    private static java.util.List<String> preparedGids(Connection c) throws SQLException {
        String prefix = FORMAT_ID + "_";
        String suffix = "_" + Base64.getEncoder().encodeToString(NAME.getBytes(StandardCharsets.US_ASCII));
        java.util.List<String> gids = new java.util.ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT gid FROM pg_prepared_xacts WHERE database = current_database()")) {
            while (rs.next()) {
                String gid = rs.getString(1);
                if (gid.startsWith(prefix) && gid.endsWith(suffix)) {
                    gids.add(gid);
                }
            }
        }
        return gids;
    }

    /** The kit's sessions in the database: [all, idle in transaction]. */
    int[] sessions() throws SQLException {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(
                "SELECT count(*), count(*) FILTER (WHERE state LIKE 'idle in transaction%')"
                        + " FROM pg_stat_activity WHERE datname = ? AND application_name = ?")) {
            s.setString(1, DATABASE);
            s.setString(2, APPLICATION);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new int[] {rs.getInt(1), rs.getInt(2)};
            }
        }
    }

    private static boolean tableExists(Connection c, String table) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            s.setString(1, table);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private final java.util.List<Connection> leaked = new java.util.ArrayList<>();

    /** For checking the leak check by hand: a session under the kit's application name, left in a transaction. */
    void leakOneBranch() throws SQLException {
        PGXADataSource ds = new PGXADataSource();
        ds.setURL(db.jdbcUrl(DATABASE));
        ds.setUser(db.user());
        ds.setPassword(db.password());
        ds.setApplicationName(APPLICATION);
        for (int i = 0; i < 4; i++) {
            Connection c = ds.getConnection();
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT count(*) FROM hostile_work");
            }
            leaked.add(c);
        }
    }

    @Override
    public void close() {
        for (Connection c : leaked) {
            try {
                c.close();
            } catch (SQLException e) {
                // checking the checks only
            }
        }
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not stop", e);
        } finally {
            participant.close();
        }
    }
}
