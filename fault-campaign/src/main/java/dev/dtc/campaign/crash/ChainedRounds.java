package dev.dtc.campaign.crash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dtc.campaign.ChildProcess;
import dev.dtc.campaign.CoordinatorCalls;
import dev.dtc.campaign.PreparedBranches;
import dev.dtc.campaign.Tally;
import dev.dtc.testdb.DatabaseServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The crash matrix's HTTP face with chained (open) transactions: the client begins an open transaction on the
 * coordinator ({@code POST /v1/transactions {"open":true}}), calls two services ({@link ChainedParticipantMain}, the
 * participant kit on PostgreSQL and on MariaDB) with {@code Dtc-Transaction: <id>}, each of which joins it and
 * inserts one row keyed by the id in its XA branch, and then commits ({@code POST /v1/transactions/{id}/commit}).
 * One fault point is hit per round; the halted or killed process is started again; recovery runs; then the same
 * invariants as the one-shot face are checked, plus the outcome each point must have and that no branch is left
 * open (an XA branch that was started and never prepared, still holding its row lock) in either database.
 *
 * <p>The services and their databases ({@code campaign_chain_a}, {@code campaign_chain_b}) are this class's own;
 * the coordinator is the {@link Rig}'s, restarted with {@code --test-fault} for its points.
 */
final class ChainedRounds {

    private static final String TOKEN = CrashMatrixPart.TOKEN;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DB_A = "campaign_chain_a";
    private static final String DB_B = "campaign_chain_b";

    /** What a point does to whom. */
    enum Who { COORDINATOR, PARTICIPANT, KILL_PARTICIPANT, KILL_COORDINATOR, CLIENT_GONE }

    /**
     * A fault point of the chained face, and whether the transaction must end committed. A coordinator point is
     * dtc-server's {@code --test-fault} value; a participant point the kit's {@code dtc.participant.fault}.
     */
    enum Point {
        COORDINATOR_BEFORE_DECISION("coordinator: before the decision is forced", Who.COORDINATOR,
                "halt-before-decision", false),
        COORDINATOR_AFTER_DECISION("coordinator: after the decision force, before any commit", Who.COORDINATOR,
                "halt-after-decision", true),
        COORDINATOR_BETWEEN_COMMITS("coordinator: between the commits of the two participants", Who.COORDINATOR,
                "halt-between-commits", true),
        PARTICIPANT_AFTER_PREPARE("participant: after its prepare, before answering", Who.PARTICIPANT,
                "halt-after-prepare", false),
        PARTICIPANT_AFTER_COMMIT("participant: after its commit, before answering", Who.PARTICIPANT,
                "halt-after-commit", true),
        PARTICIPANT_KILLED_AFTER_JOIN("participant: killed (kill -9) after it joined, before the commit",
                Who.KILL_PARTICIPANT, null, false),
        COORDINATOR_KILLED_WHILE_OPEN("coordinator: killed (kill -9) after the joins, before the commit",
                Who.KILL_COORDINATOR, null, false),
        CLIENT_GONE("client: gone after the joins, never commits (the open transaction times out)",
                Who.CLIENT_GONE, null, false);

        final String label;
        final Who who;
        final String fault;
        final boolean commits;

        Point(String label, Who who, String fault, boolean commits) {
            this.label = label;
            this.who = who;
            this.fault = fault;
            this.commits = commits;
        }
    }

    private final Rig rig;
    private final String part;
    private final PrintStream log;
    private int portA;
    private int portB;
    private ChildProcess a;
    private ChildProcess b;

    ChainedRounds(Rig rig, String part, PrintStream log) {
        this.rig = rig;
        this.part = part;
        this.log = log;
    }

    /** Every point, {@code rounds} times each; one row per point, face {@code http chained}. */
    List<Tally> run(int rounds) throws Exception {
        rig.pg.createDatabase(DB_A);
        rig.my.createDatabase(DB_B);
        portA = CrashMatrixPart.freePort();
        portB = CrashMatrixPart.freePort();
        List<Tally> tallies = new ArrayList<>();
        try {
            a = service("chain_a", portA, null);
            b = service("chain_b", portB, null);
            for (Point point : Point.values()) {
                List<String> problems = new ArrayList<>();
                long inDoubt = 0;
                for (int i = 0; i < rounds; i++) {
                    try {
                        inDoubt += round(point, i, problems);
                    } catch (Exception e) {
                        problems.add("chained " + point.name() + " round " + i + ": " + e);
                    }
                }
                tallies.add(new Tally(part, point.label, "http chained", rounds, problems.size(), inDoubt,
                        problems));
            }
        } finally {
            for (ChildProcess p : new ChildProcess[] {a, b}) {
                if (p != null) {
                    p.kill();
                }
            }
        }
        return tallies;
    }

    /** Kills (kill -9) the service of that name, if it runs, and starts it again with the fault (or none). */
    private void restart(String name, String fault) throws Exception {
        if (name.equals("chain_a")) {
            a.kill();
            a = service(name, portA, fault);
        } else {
            b.kill();
            b = service(name, portB, fault);
        }
    }

    private ChildProcess service(String name, int port, String fault) throws Exception {
        DatabaseServer server = name.equals("chain_a") ? rig.pg : rig.my;
        List<String> jvm = fault == null ? List.of() : List.of("-Ddtc.participant.fault=" + fault);
        return new ChildProcess(name, rig.work.resolve(name + ".log")).start(jvm, TOKEN, "participant listening on",
                ChainedParticipantMain.class.getName(), name, Integer.toString(port),
                server == rig.pg ? "postgres" : "mysql", server.jdbcUrl(name.equals("chain_a") ? DB_A : DB_B),
                server.user(), server.password(), rig.coordinatorUrl);
    }

    /** One open transaction through one fault point; returns how many things were left in doubt (0 expected). */
    private long round(Point point, int i, List<String> problems) throws Exception {
        String tag = "chained " + point.name() + " round " + i;
        if (point.who == Who.COORDINATOR) {
            rig.coordinator.kill();
            rig.startCoordinator(point.fault);
        } else if (point.who == Who.PARTICIPANT) {
            // the MariaDB service halts in even rounds, the PostgreSQL one in odd rounds
            restart(i % 2 == 0 ? "chain_b" : "chain_a", point.fault);
        }
        // the client: begin, call both services (they join), then commit, unless the point says otherwise
        long timeoutMs = point.who == Who.CLIENT_GONE ? 4000 : 60000;
        String id = begin(timeoutMs);
        String joinA = join(portA, id);
        String joinB = join(portB, id);
        if (!joinA.equals("200") || !joinB.equals("200")) {
            problems.add(tag + " tx " + id + ": a service did not join: chain_a " + joinA + ", chain_b " + joinB);
        }
        String told;
        switch (point.who) {
            case KILL_PARTICIPANT -> {
                // kill -9 the PostgreSQL one in even rounds, the MariaDB one in odd rounds; start it again, then
                // commit: the new process holds no branch and must vote ABORT
                restart(i % 2 == 0 ? "chain_a" : "chain_b", null);
                told = commit(id);
            }
            case KILL_COORDINATOR -> {
                // an open transaction is not logged: the restarted coordinator has forgotten it (404, presumed
                // rolled back), refuses the commit, and the services' recovery rolls their open branches back
                rig.coordinator.kill();
                rig.startCoordinator(null);
                told = commit(id);
            }
            case CLIENT_GONE -> told = "(nothing: the client never asked)";
            default -> told = commit(id);
        }
        if (point.who == Who.COORDINATOR) {
            if (!rig.coordinator.awaitExit(60)) {
                problems.add(tag + ": the coordinator did not halt at its fault point");
            }
            rig.coordinator.kill();
            rig.startCoordinator(null);
        } else if (point.who == Who.PARTICIPANT) {
            String name = i % 2 == 0 ? "chain_b" : "chain_a";
            if (!(name.equals("chain_a") ? a : b).awaitExit(60)) {
                problems.add(tag + ": participant " + name + " did not halt at its fault point (the kit's hook,"
                        + " in a joined branch)");
            }
            restart(name, null);
        }
        // recovery (or the open transaction's timeout): wait until nothing is open, prepared or listed
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        List<String> leftovers;
        while (true) {
            leftovers = leftovers();
            if (leftovers.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(500);
        }
        long rowsA = rig.rows(rig.pg, DB_A, id);
        long rowsB = rig.rows(rig.my, DB_B, id);
        JsonNode view = view(id);
        String outcome = view.path("outcome").asText("(none)");
        String where = tag + " tx " + id + ": told " + told + ", coordinator says " + outcome
                + (view.path("presumed").asBoolean() ? " (presumed)" : "") + ", rows " + rowsA + " in PostgreSQL, "
                + rowsB + " in MariaDB";
        if (rowsA != rowsB) {
            problems.add(where + ": not all or nothing");
        } else if (told.equals("COMMITTED") && rowsA != 1) {
            problems.add(where + ": reported committed but not committed everywhere");
        } else if (!outcome.equals("COMMITTED") && !outcome.equals("ROLLED_BACK")) {
            problems.add(where + ": the coordinator has no final outcome");
        } else if (outcome.equals("COMMITTED") != (rowsA == 1)) {
            problems.add(where + ": the databases disagree with the coordinator's outcome");
        } else if (point.commits != (rowsA == 1)) {
            problems.add(where + ": this point must end " + (point.commits ? "committed" : "rolled back"));
        } else if (point.who == Who.CLIENT_GONE && !view.path("reason").asText("").contains("timed out")) {
            problems.add(where + ": rolled back, but not by the open transaction's timeout: "
                    + view.path("reason").asText("(no reason)"));
        }
        log.println("crash: " + where + (leftovers.isEmpty() ? "" : "; left: " + leftovers));
        if (!leftovers.isEmpty()) {
            problems.add(where + ": still open, prepared or listed after 120 s: " + leftovers);
        } else {
            // the coordinator's log is back at rest once everything is finished (one-shot traffic rolls it)
            LogRounds.settleAndCheckLog(rig, "chained " + point.name(), problems, log);
        }
        return leftovers.size();
    }

    /** {@code POST /v1/transactions {"open":true}}: the new transaction's id (from its Location). */
    private String begin(long timeoutMs) throws IOException, InterruptedException {
        HttpResponse<String> r = rig.calls.post("/v1/transactions", "{\"open\":true,\"timeoutMs\":" + timeoutMs + "}",
                Duration.ofSeconds(60));
        String location = r.headers().firstValue("Location").orElse("");
        if (r.statusCode() != 201 || !location.startsWith("/v1/transactions/")) {
            throw new IllegalStateException("begin answered " + r.statusCode() + " " + r.body());
        }
        return location.substring("/v1/transactions/".length());
    }

    /** Calls a service's {@code /work} inside the transaction; the status, with the body if it is not 200. */
    private String join(int port, String id) {
        try {
            HttpResponse<String> r = rig.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + "/work")).timeout(Duration.ofSeconds(60)).header("Dtc-Transaction", id)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}", StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? "200" : r.statusCode() + " " + r.body();
        } catch (IOException e) {
            return "no answer: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** {@code POST /v1/transactions/{id}/commit}: what the client was told. */
    private String commit(String id) {
        return rig.calls.commit(id);
    }

    /** The coordinator's {@code GET /v1/transactions/{id}} (404 for a forgotten one: presumed rolled back). */
    private JsonNode view(String id) throws InterruptedException {
        try {
            return rig.calls.view(id);
        } catch (IOException e) {
            return JSON.createObjectNode().put("outcome", "no answer: " + e.getMessage());
        }
    }

    /**
     * What is not finished: branches of ours prepared in either database, branches still open (started, never
     * prepared: a PostgreSQL session idle in a transaction, a MariaDB InnoDB transaction) in our databases, and
     * whatever the coordinator lists.
     */
    private List<String> leftovers() throws SQLException, InterruptedException {
        List<String> left = new ArrayList<>();
        for (String gid : PreparedBranches.postgres(rig.pg, DB_A)) {
            left.add("prepared in PostgreSQL: " + gid);
        }
        try (Connection c = rig.pg.connect("postgres"); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT pid, state, query FROM pg_stat_activity WHERE datname = '"
                    + DB_A + "' AND state LIKE 'idle in transaction%'")) {
                while (rs.next()) {
                    left.add("open in PostgreSQL: backend " + rs.getInt(1) + " " + rs.getString(2) + " after "
                            + rs.getString(3));
                }
            }
        }
        for (String data : PreparedBranches.mysql(rig.my, DB_B, d -> d.endsWith("chain_b"))) {
            left.add("prepared in MariaDB: " + data);
        }
        try (Connection c = rig.my.connect(DB_B); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT t.trx_id, t.trx_state, p.id FROM"
                    + " information_schema.innodb_trx t JOIN information_schema.processlist p"
                    + " ON p.id = t.trx_mysql_thread_id WHERE p.db = '" + DB_B + "'")) {
                while (rs.next()) {
                    left.add("open in MariaDB: transaction " + rs.getString(1) + " " + rs.getString(2)
                            + " of connection " + rs.getLong(3));
                }
            }
        }
        try {
            CoordinatorCalls.Listed listed = rig.calls.listed();
            if (listed.status != 200) {
                left.add("the coordinator's list answered HTTP " + listed.status);
            }
            for (String t : listed.entries()) {
                left.add("coordinator lists " + t);
            }
        } catch (IOException e) {
            left.add("the coordinator cannot be asked: " + e.getMessage());
        }
        return left;
    }
}
