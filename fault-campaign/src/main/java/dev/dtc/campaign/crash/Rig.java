package dev.dtc.campaign.crash;

import dev.dtc.campaign.ChildProcess;
import dev.dtc.campaign.CoordinatorCalls;
import dev.dtc.campaign.PreparedBranches;
import dev.dtc.testdb.DatabaseServer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

/** The crash matrix's processes (coordinator, two kit participants), its client and its checks. */
final class Rig implements AutoCloseable {
    private static final String TOKEN = CrashMatrixPart.TOKEN;

    final Path work;
    final int coordinatorPort;
    final String coordinatorUrl;
    final DatabaseServer pg;
    final DatabaseServer my;
    final int portA;
    final int portB;
    final CoordinatorCalls calls;
    final HttpClient http;
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
        this.calls = new CoordinatorCalls(coordinatorUrl, TOKEN);
        this.http = calls.http();
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
        String[] r = calls.oneShot("crash_a", portA, "crash_b", portB, lastPayload);
        lastId = r[0];
        return r[1];
    }

    /** The coordinator halted before answering: the id is the last one the participants' audit logs name. */
    String findId() throws IOException {
        return CoordinatorCalls.lastIdInLog(work.resolve("crash_a.log"), "campaign-crash");
    }

    String outcome(String id) {
        return calls.outcome(id);
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
        return prepared("PostgreSQL: ", "MariaDB: ", d -> d.contains("campaign-jta"));
    }

    /** What is still undecided: prepared branches of ours, and transactions the coordinator lists. */
    List<String> leftovers() throws SQLException {
        List<String> left = prepared("prepared in PostgreSQL: ", "prepared in MariaDB: ",
                d -> d.endsWith("crash_b"));
        try {
            CoordinatorCalls.Listed listed = calls.listed();
            List<String> entries = listed.entries();
            if (listed.status != 200) {
                left.add("the coordinator's list answered HTTP " + listed.status);
            }
            for (String t : entries) {
                left.add("coordinator lists " + t);
            }
        } catch (IOException e) {
            left.add("the coordinator cannot be asked: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return left;
    }

    /** Every prepared branch in campaign_crash_a, and those in campaign_crash_b that are {@code ours}, labelled. */
    private List<String> prepared(String pgLabel, String myLabel, Predicate<String> ours) throws SQLException {
        List<String> left = new ArrayList<>();
        for (String gid : PreparedBranches.postgres(pg, "campaign_crash_a")) {
            left.add(pgLabel + gid);
        }
        for (String data : PreparedBranches.mysql(my, "campaign_crash_b", ours)) {
            left.add(myLabel + data);
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
