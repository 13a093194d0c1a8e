package dev.dtc.campaign.crash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dtc.campaign.ChildProcess;
import dev.dtc.testdb.DatabaseServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The crash matrix's processes (coordinator, two kit participants), its client and its checks. */
final class Rig implements AutoCloseable {
    private static final String TOKEN = CrashMatrixPart.TOKEN;
    private static final ObjectMapper JSON = new ObjectMapper();

    final Path work;
    final int coordinatorPort;
    final String coordinatorUrl;
    final DatabaseServer pg;
    final DatabaseServer my;
    final int portA;
    final int portB;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    ChildProcess coordinator;
    ChildProcess a;
    ChildProcess b;
    /** The coordinator's decision log segment size ({@code --log-segment-bytes}); 0 for its default. */
    long logSegmentBytes;
    String lastId;
    String lastPayload;

    Rig(Path work, int coordinatorPort, String coordinatorUrl, DatabaseServer pg, DatabaseServer my, int portA,
        int portB) {
        this.work = work;
        this.coordinatorPort = coordinatorPort;
        this.coordinatorUrl = coordinatorUrl;
        this.pg = pg;
        this.my = my;
        this.portA = portA;
        this.portB = portB;
    }

    void startCoordinator(String fault) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", Integer.toString(coordinatorPort), "--data-dir",
                work.resolve("coordinator").toString(), "--node-name", "campaign-crash", "--recovery-interval",
                "1s", "--phase2-timeout", "3s"));
        if (fault != null) {
            args.addAll(List.of("--test-fault", fault));
        }
        if (logSegmentBytes > 0) {
            args.addAll(List.of("--log-segment-bytes", Long.toString(logSegmentBytes)));
        }
        coordinator = new ChildProcess("coordinator", work.resolve("coordinator.log")).start(List.of(), TOKEN,
                "dtc-server listening on", "dev.dtc.server.ServerMain", args.toArray(String[]::new));
    }

    ChildProcess participant(String name, int port, DatabaseServer server, String database, String fault)
            throws Exception {
        List<String> jvm = fault == null ? List.of() : List.of("-Ddtc.participant.fault=" + fault);
        return new ChildProcess(name, work.resolve(name + ".log")).start(jvm, TOKEN, "participant listening on",
                ParticipantMain.class.getName(), name, Integer.toString(port),
                server == pg ? "postgres" : "mysql", server.jdbcUrl(database), server.user(), server.password(),
                coordinatorUrl);
    }

    /** Runs one transaction; what the client was told. */
    String post() {
        lastId = null;
        lastPayload = "p-" + UUID.randomUUID();
        String body = "{\"participants\":[{\"name\":\"crash_a\",\"url\":\"http://127.0.0.1:" + portA
                + "/tx\",\"payload\":\"" + lastPayload + "\"},{\"name\":\"crash_b\",\"url\":\"http://127.0.0.1:"
                + portB + "/tx\",\"payload\":\"" + lastPayload + "\"}],\"timeoutMs\":5000}";
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(coordinatorUrl
                            + "/v1/transactions")).timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode j = JSON.readTree(r.body());
            lastId = j.path("id").asText(null);
            return j.path("outcome").asText("HTTP " + r.statusCode());
        } catch (IOException e) {
            return "no answer: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** The coordinator halted before answering: the id is the last one the participants' audit logs name. */
    String findId() throws IOException {
        String text = Files.readString(work.resolve("crash_a.log"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("transaction (campaign-crash~[A-Za-z0-9.~_-]+)")
                .matcher(text);
        String id = null;
        while (m.find()) {
            id = m.group(1);
        }
        return id;
    }

    String outcome(String id) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(coordinatorUrl
                            + "/v1/transactions/" + id)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body()).path("outcome").asText("HTTP " + r.statusCode());
        } catch (IOException e) {
            return "no answer: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    long rows(DatabaseServer server, String database, String id) throws SQLException {
        try (Connection c = server.connect(database);
             PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM campaign_rows WHERE tx = ?")) {
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Prepared branches of the JTA face's node left in either database. */
    List<String> preparedJta() throws SQLException {
        List<String> left = new ArrayList<>();
        try (Connection c = pg.connect("postgres"); PreparedStatement p = c.prepareStatement(
                "SELECT gid FROM pg_prepared_xacts WHERE database = 'campaign_crash_a'");
             ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                left.add("PostgreSQL: " + rs.getString(1));
            }
        }
        try (Connection c = my.connect("campaign_crash_b"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("XA RECOVER")) {
            while (rs.next()) {
                String data = new String(rs.getBytes("data"), StandardCharsets.ISO_8859_1);
                if (data.contains("campaign-jta")) {
                    left.add("MariaDB: " + data);
                }
            }
        }
        return left;
    }

    /** What is still undecided: prepared branches of ours, and transactions the coordinator lists. */
    List<String> leftovers() throws SQLException {
        List<String> left = new ArrayList<>();
        try (Connection c = pg.connect("postgres"); PreparedStatement p = c.prepareStatement(
                "SELECT gid FROM pg_prepared_xacts WHERE database = 'campaign_crash_a'");
             ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                left.add("prepared in PostgreSQL: " + rs.getString(1));
            }
        }
        try (Connection c = my.connect("campaign_crash_b"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("XA RECOVER")) {
            while (rs.next()) {
                String data = new String(rs.getBytes("data"), StandardCharsets.ISO_8859_1);
                if (data.endsWith("crash_b")) {
                    left.add("prepared in MariaDB: " + data);
                }
            }
        }
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(coordinatorUrl
                            + "/v1/transactions")).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
            JsonNode list = JSON.readTree(r.body()).path("transactions");
            if (r.statusCode() != 200) {
                left.add("the coordinator's list answered HTTP " + r.statusCode());
            }
            for (JsonNode t : list) {
                left.add("coordinator lists " + t.path("id").asText() + " as " + t.path("state").asText());
            }
        } catch (IOException e) {
            left.add("the coordinator cannot be asked: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return left;
    }

    @Override
    public void close() throws InterruptedException {
        for (ChildProcess p : new ChildProcess[] {a, b, coordinator}) {
            if (p != null) {
                p.kill();
            }
        }
    }
}
