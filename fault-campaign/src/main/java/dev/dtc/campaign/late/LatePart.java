package dev.dtc.campaign.late;

import dev.dtc.campaign.ChildProcess;
import dev.dtc.campaign.CoordinatorCalls;
import dev.dtc.campaign.PreparedBranches;
import dev.dtc.campaign.Part;
import dev.dtc.campaign.Size;
import dev.dtc.campaign.Tally;
import dev.dtc.campaign.crash.ParticipantMain;
import dev.dtc.testdb.DatabaseServer;
import dev.dtc.testdb.TestDatabases;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.http.HttpClient;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * §1 of the campaign, recovery with resources that come late: a database or a participant that is down, or not
 * registered, when the coordinator restarts after a crash, and comes back only after the "late" time (seconds at
 * CI size, minutes in the full campaign). Throughout the late time the part checks that nothing the late resource
 * holds is decided without it (its branch stays prepared in its database, the coordinator keeps the transaction
 * open) while what can be reached is settled; then the resource comes back and everything must end: rows in both
 * databases all or nothing as decided, nothing prepared, nothing pending.
 *
 * <p>Rows: the JTA face with MariaDB behind a TCP proxy that refuses connections at the restart (registered for
 * recovery but unreachable), the JTA face with MariaDB not registered at the restart (its data source is built
 * late in the same process), each with the halt after the decision (must commit) and before it (presumed abort:
 * must roll back); the HTTP face with one kit participant killed before the coordinator's restart, likewise.
 *
 * <p>The system property {@code dtc.campaign.late.neverBack=true} never brings the late resource back (the checks
 * must then report the transaction in doubt: how the rows were made to fail on purpose).
 */
public final class LatePart implements Part {

    static final String TOKEN = "campaign-late-token";
    private static final String JTA_A = "campaign_late_ja";
    private static final String JTA_B = "campaign_late_jb";
    private static final String HTTP_A = "campaign_late_a";
    private static final String HTTP_B = "campaign_late_b";

    private final boolean neverBack = Boolean.getBoolean("dtc.campaign.late.neverBack");
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private DatabaseServer pg;
    private DatabaseServer my;
    private Path work;
    private PrintStream log;
    private int lateSeconds;

    @Override
    public String name() {
        return "late";
    }

    @Override
    public String description() {
        return "a database or participant down or not registered when the coordinator restarts, back minutes later:"
                + " nothing it holds is decided without it, everything ends once it is back";
    }

    @Override
    public List<Tally> run(Size size, long seed, PrintStream log) throws Exception {
        this.log = log;
        pg = TestDatabases.postgres();
        my = TestDatabases.mysql();
        for (String d : new String[] {JTA_A, HTTP_A}) {
            pg.createDatabase(d);
        }
        for (String d : new String[] {JTA_B, HTTP_B}) {
            my.createDatabase(d);
        }
        work = Files.createTempDirectory("dtc-campaign-late");
        cleanUp();
        int rounds = size.pick(1, 3);
        lateSeconds = size.pick(10, 150);
        List<Tally> tallies = new ArrayList<>();
        Matcher m = Pattern.compile("//([^:/]+):(\\d+)/").matcher(my.jdbcUrl(JTA_B));
        if (!m.find()) {
            throw new IllegalStateException("cannot read host and port of " + my.jdbcUrl(JTA_B));
        }
        try (TcpProxy proxy = new TcpProxy(m.group(1), Integer.parseInt(m.group(2)))) {
            String proxied = my.jdbcUrl(JTA_B).replaceFirst("//[^:/]+:\\d+/", "//127.0.0.1:" + proxy.port() + "/");
            for (String kind : new String[] {"unreachable", "unregistered"}) {
                for (String point : new String[] {"after-decision", "before-decision"}) {
                    List<String> problems = new ArrayList<>();
                    long inDoubt = 0;
                    for (int i = 0; i < rounds; i++) {
                        try {
                            inDoubt += jtaRound(proxy, proxied, kind, point, i, problems);
                        } catch (Exception e) {
                            problems.add("jta " + kind + " " + point + " round " + i + ": " + e);
                        }
                    }
                    String what = kind.equals("unreachable")
                            ? "MariaDB unreachable (proxy refuses) at the restart, back after " + lateSeconds + " s"
                            : "MariaDB not registered at the restart, registered after " + lateSeconds + " s";
                    tallies.add(new Tally(name(), what + "; halted " + point.replace('-', ' '), "jta", rounds,
                            problems.size(), inDoubt, problems));
                }
            }
        }
        HttpRig rig = new HttpRig();
        try {
            for (String point : new String[] {"after-decision", "before-decision"}) {
                List<String> problems = new ArrayList<>();
                long inDoubt = 0;
                for (int i = 0; i < rounds; i++) {
                    try {
                        inDoubt += httpRound(rig, point, i, problems);
                    } catch (Exception e) {
                        problems.add("http " + point + " round " + i + ": " + e);
                    }
                }
                tallies.add(new Tally(name(), "participant (MariaDB) killed before the coordinator's restart, back"
                        + " after " + lateSeconds + " s; coordinator halted " + point.replace('-', ' '),
                        "http one-shot", rounds, problems.size(), inDoubt, problems));
            }
        } finally {
            rig.close();
        }
        return tallies;
    }

    // ------------------------------------------------------------------------------------------------ JTA face

    private long jtaRound(TcpProxy proxy, String proxied, String kind, String point, int round, List<String> problems)
            throws Exception {
        boolean commit = point.equals("after-decision");
        long expected = commit ? 1 : 0;
        String key = "late-" + UUID.randomUUID();
        Path dir = Files.createTempDirectory(work, "jta-");
        Path logDir = dir.resolve("log");
        Path status = dir.resolve("status");
        String where = "jta " + kind + " " + point + " round " + round + " key " + key;
        proxy.up();
        List<String> args = new ArrayList<>(List.of(point, logDir.toString(), key, status.toString(),
                pg.jdbcUrl(JTA_A), pg.user(), pg.password(), proxied, my.user(), my.password()));
        ChildProcess first = new ChildProcess("late-jta", dir.resolve("first.log"));
        first.start(List.of(), TOKEN, "HALT " + point, LateJtaMain.class.getName(), args.toArray(String[]::new));
        boolean halted = first.awaitExit(60);
        first.kill();
        if (!halted) {
            problems.add(where + ": the child did not halt at its point");
        }
        Matcher h = Pattern.compile("HALT " + point + " (\\S+)").matcher(Files.readString(dir.resolve("first.log")));
        String txId = h.find() ? h.group(1) : "(unknown)";
        where += " tx " + txId;
        if (kind.equals("unreachable")) {
            proxy.down();
        }
        args.set(0, kind);
        ChildProcess restart = new ChildProcess("late-jta-restart", dir.resolve("restart.log"));
        try {
            restart.start(List.of(), TOKEN, "RESTARTED", LateJtaMain.class.getName(), args.toArray(String[]::new));
            // the late time: what can be reached is settled, the late branch stays prepared and the decision open
            long lateEnd = System.nanoTime() + Duration.ofSeconds(lateSeconds).toNanos();
            int samples = 0;
            List<String> during = new ArrayList<>();
            while (System.nanoTime() < lateEnd) {
                Thread.sleep(1000);
                samples++;
                List<String> myPrepared = preparedMy(JTA_B, txId, false);
                if (myPrepared.size() != 1) {
                    during.add("MariaDB holds " + myPrepared.size() + " prepared branches of the transaction, not 1,"
                            + " while it is unreachable/unregistered (after " + samples + " s)");
                }
                long rowsB = rows(my, JTA_B, key);
                if (rowsB != 0) {
                    during.add("MariaDB shows " + rowsB + " rows while its branch should be prepared");
                }
                String st = Files.exists(status) ? Files.readString(status) : null;
                if (st != null) {
                    boolean open = st.startsWith("pending=1 ") && st.contains("@late-my");
                    if (commit && !open) {
                        during.add("the restarted coordinator does not hold the decision open for late-my: " + st.trim());
                    } else if (!commit && !st.startsWith("pending=0 ")) {
                        during.add("a decision appeared for a transaction halted before its decision: " + st.trim());
                    }
                    if (!st.contains(kind.equals("unreachable") ? "registered=yes" : "registered=no")) {
                        during.add("late-my registered too early: " + st.trim());
                    }
                }
                if (!during.isEmpty()) {
                    break;
                }
            }
            // by the end of the late time, PostgreSQL (reachable and registered) is settled
            long rowsA = rows(pg, JTA_A, key);
            List<String> pgPrepared = preparedPg(JTA_A);
            if (during.isEmpty() && (rowsA != expected || !pgPrepared.isEmpty())) {
                during.add("PostgreSQL not settled by the end of the late time: rows " + rowsA + ", prepared "
                        + pgPrepared);
            }
            if (during.isEmpty() && !Files.exists(status)) {
                during.add("the restarted child wrote no status during the late time");
            }
            for (String d : during) {
                problems.add(where + ": " + d);
            }
            // the resource comes back
            if (!neverBack) {
                if (kind.equals("unreachable")) {
                    proxy.up();
                } else {
                    Files.createFile(dir.resolve("go"));
                }
            }
            List<String> left = awaitSettled(() -> {
                List<String> l = new ArrayList<>(preparedPg(JTA_A));
                l.addAll(preparedMy(JTA_B, LateJtaMain.NODE, false));
                String st = Files.exists(status) ? Files.readString(status) : "";
                if (!st.startsWith("pending=0 registered=yes")) {
                    l.add("coordinator: " + st.trim());
                }
                return l;
            });
            long a = rows(pg, JTA_A, key);
            long b = rows(my, JTA_B, key);
            String end = where + ": rows " + a + " in PostgreSQL, " + b + " in MariaDB";
            if (a != b) {
                problems.add(end + ": not all or nothing");
            } else if (a != expected) {
                problems.add(end + (commit ? ": the commit decision was forced, yet it is not committed"
                        : ": committed although no decision was forced (presumed abort)"));
            }
            if (!left.isEmpty()) {
                problems.add(end + ": still in doubt after the resource came back: " + left);
            }
            log.println("late: " + end + ", " + samples + " s late" + (left.isEmpty() ? "" : "; left: " + left));
            return left.size();
        } finally {
            restart.kill();
            proxy.up();
        }
    }

    // ------------------------------------------------------------------------------------------------ HTTP face

    private long httpRound(HttpRig rig, String point, int round, List<String> problems) throws Exception {
        boolean commit = point.equals("after-decision");
        long expected = commit ? 1 : 0;
        rig.ensureParticipants();
        rig.coordinator.kill();
        rig.startCoordinator("halt-" + point);
        String told = rig.post();
        String id = rig.lastId;
        String where = "http " + point + " round " + round;
        if (!rig.coordinator.awaitExit(60)) {
            problems.add(where + ": the coordinator did not halt at its fault point");
        }
        rig.coordinator.kill();
        rig.b.kill(); // kill -9 of the MariaDB participant, before the coordinator comes back
        rig.b = null;
        if (id == null) {
            id = rig.findId();
        }
        where += " tx " + id + " (told " + told + ")";
        if (id == null) {
            problems.add(where + ": the transaction's id could not be found");
            return 0;
        }
        rig.startCoordinator(null);
        long lateEnd = System.nanoTime() + Duration.ofSeconds(lateSeconds).toNanos();
        int samples = 0;
        List<String> during = new ArrayList<>();
        while (System.nanoTime() < lateEnd) {
            Thread.sleep(1000);
            samples++;
            List<String> prepared = preparedMy(HTTP_B, id, false);
            if (prepared.size() != 1) {
                during.add("MariaDB holds " + prepared.size() + " prepared branches of late_b, not 1, while the"
                        + " participant is down (after " + samples + " s)");
            }
            if (rows(my, HTTP_B, id) != 0) {
                during.add("MariaDB shows the row while its participant is down");
            }
            String listed = rig.listed();
            if (commit && !listed.contains(id)) {
                during.add("the coordinator does not list the transaction while a participant is down: " + listed);
            }
            String outcome = rig.outcome(id);
            if (!commit && outcome.equals("COMMITTED")) {
                during.add("the coordinator says COMMITTED for a transaction halted before its decision");
            }
            if (!during.isEmpty()) {
                break;
            }
        }
        long rowsA = rows(pg, HTTP_A, id);
        if (during.isEmpty() && (rowsA != expected || !preparedPg(HTTP_A).isEmpty())) {
            during.add("the PostgreSQL participant is not settled by the end of the late time: rows " + rowsA
                    + ", prepared " + preparedPg(HTTP_A));
        }
        for (String d : during) {
            problems.add(where + ": " + d);
        }
        if (!neverBack) {
            rig.b = rig.participant("late_b", rig.portB, my, HTTP_B);
        }
        List<String> left = awaitSettled(rig::leftovers);
        long a = rows(pg, HTTP_A, id);
        long b = rows(my, HTTP_B, id);
        String outcome = rig.outcome(id);
        String end = where + ": coordinator says " + outcome + ", rows " + a + " in PostgreSQL, " + b + " in MariaDB";
        if (a != b) {
            problems.add(end + ": not all or nothing");
        } else if (a != expected) {
            problems.add(end + (commit ? ": the commit decision was forced, yet it is not committed"
                    : ": committed although no decision was forced (presumed abort)"));
        } else if (outcome.equals("COMMITTED") != (a == 1)) {
            problems.add(end + ": the databases disagree with the coordinator's outcome");
        }
        if (!left.isEmpty()) {
            problems.add(end + ": still in doubt after the participant came back: " + left);
        }
        log.println("late: " + end + ", " + samples + " s late" + (left.isEmpty() ? "" : "; left: " + left));
        return left.size();
    }

    // ------------------------------------------------------------------------------------------------ checks

    interface Leftovers {
        List<String> get() throws Exception;
    }

    /** Waits until nothing is left (120 s at most; 20 s when the resource is never brought back). */
    private List<String> awaitSettled(Leftovers leftovers) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(neverBack ? 20 : 120).toNanos();
        while (true) {
            List<String> left = leftovers.get();
            if (left.isEmpty() || System.nanoTime() > deadline) {
                return left;
            }
            Thread.sleep(500);
        }
    }

    static long rows(DatabaseServer server, String database, String key) throws SQLException {
        try (Connection c = server.connect(database);
             PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM campaign_rows WHERE tx = ?")) {
            p.setString(1, key);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    List<String> preparedPg(String database) throws SQLException {
        List<String> left = new ArrayList<>();
        for (String gid : PreparedBranches.postgres(pg, database)) {
            left.add("prepared in PostgreSQL " + database + ": " + gid);
        }
        return left;
    }

    /**
     * Rolls back what an earlier run left prepared in the part's databases (a run stopped half-way, or one with
     * {@code neverBack}), so that no recovery of this run meets branches of another run's transactions.
     */
    private void cleanUp() throws SQLException {
        for (String database : new String[] {JTA_A, HTTP_A}) {
            for (String gid : preparedPg(database)) {
                gid = gid.substring(gid.indexOf(": ") + 2);
                try (Connection c = pg.connect(database); Statement s = c.createStatement()) {
                    s.execute("ROLLBACK PREPARED '" + gid.replace("'", "''") + "'");
                    log.println("late: rolled back " + gid + " left prepared in PostgreSQL by an earlier run");
                }
            }
        }
        try (Connection c = my.connect(JTA_B); Statement s = c.createStatement()) {
            List<String> rollbacks = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("XA RECOVER")) {
                while (rs.next()) {
                    byte[] data = rs.getBytes("data");
                    String text = new String(data, StandardCharsets.ISO_8859_1);
                    if (text.contains(LateJtaMain.NODE) || text.endsWith("late_b")) {
                        int g = rs.getInt("gtrid_length");
                        rollbacks.add("XA ROLLBACK X'" + hex(data, 0, g) + "',X'" + hex(data, g, data.length) + "',"
                                + rs.getLong("formatID"));
                    }
                }
            }
            for (String r : rollbacks) {
                s.execute(r);
                log.println("late: " + r + " (left prepared in MariaDB by an earlier run)");
            }
        }
    }

    private static String hex(byte[] b, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append(String.format("%02x", b[i]));
        }
        return sb.toString();
    }

    /** Our branches in MariaDB's {@code XA RECOVER}, asked directly (not through the proxy). */
    List<String> preparedMy(String database, String mark, boolean suffix) throws SQLException {
        List<String> left = new ArrayList<>();
        for (String data : PreparedBranches.mysql(my, database,
                d -> suffix ? d.endsWith(mark) : d.contains(mark))) {
            left.add("prepared in MariaDB: " + data);
        }
        return left;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The HTTP face's processes: dtc-server and two kit participants ({@link ParticipantMain}). */
    final class HttpRig implements AutoCloseable {
        final int coordinatorPort = freePort();
        final String coordinatorUrl = "http://127.0.0.1:" + coordinatorPort;
        final int portA = freePort();
        final int portB = freePort();
        final CoordinatorCalls calls = new CoordinatorCalls(http, coordinatorUrl, TOKEN);
        ChildProcess coordinator;
        ChildProcess a;
        ChildProcess b;
        String lastId;

        HttpRig() throws IOException {
        }

        void ensureParticipants() throws Exception {
            if (coordinator == null) {
                startCoordinator(null);
            }
            if (a == null) {
                a = participant("late_a", portA, pg, HTTP_A);
            }
            if (b == null) {
                b = participant("late_b", portB, my, HTTP_B);
            }
        }

        void startCoordinator(String fault) throws Exception {
            List<String> args = new ArrayList<>(List.of("--port", Integer.toString(coordinatorPort), "--data-dir",
                    work.resolve("coordinator").toString(), "--node-name", "late-http", "--recovery-interval",
                    "1s", "--phase2-timeout", "3s"));
            if (fault != null) {
                args.addAll(List.of("--test-fault", fault));
            }
            coordinator = new ChildProcess("coordinator", work.resolve("coordinator.log")).start(List.of(), TOKEN,
                    "dtc-server listening on", "dev.dtc.server.ServerMain", args.toArray(String[]::new));
        }

        ChildProcess participant(String name, int port, DatabaseServer server, String database) throws Exception {
            return new ChildProcess(name, work.resolve(name + ".log")).start(List.of(), TOKEN,
                    "participant listening on", ParticipantMain.class.getName(), name, Integer.toString(port),
                    server == pg ? "postgres" : "mysql", server.jdbcUrl(database), server.user(), server.password(),
                    coordinatorUrl);
        }

        String post() {
            lastId = null;
            String[] r = calls.oneShot("late_a", portA, "late_b", portB, "p-" + UUID.randomUUID());
            lastId = r[0];
            return r[1];
        }

        /** The coordinator halted before answering: the last id the PostgreSQL participant's audit lines name. */
        String findId() throws IOException {
            return CoordinatorCalls.lastIdInLog(work.resolve("late_a.log"), "late-http");
        }

        String outcome(String id) {
            return calls.outcome(id);
        }

        /** The coordinator's list of transactions that need attention, as ids and states. */
        String listed() {
            try {
                CoordinatorCalls.Listed listed = calls.listed();
                if (listed.status != 200) {
                    return "(HTTP " + listed.status + ")";
                }
                StringBuilder b = new StringBuilder();
                for (String t : listed.entries()) {
                    b.append(t).append("; ");
                }
                return b.toString();
            } catch (IOException e) {
                return "(no answer: " + e.getMessage() + ")";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "(interrupted)";
            }
        }

        List<String> leftovers() throws SQLException {
            List<String> left = new ArrayList<>(preparedPg(HTTP_A));
            left.addAll(preparedMy(HTTP_B, "late_b", true));
            String listed = listed();
            if (!listed.isEmpty()) {
                left.add("coordinator lists " + listed);
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
}
