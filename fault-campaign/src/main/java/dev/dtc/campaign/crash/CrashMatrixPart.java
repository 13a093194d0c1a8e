package dev.dtc.campaign.crash;

import dev.dtc.campaign.ChildProcess;
import dev.dtc.campaign.Part;
import dev.dtc.campaign.Size;
import dev.dtc.campaign.Tally;
import dev.dtc.testdb.DatabaseServer;
import dev.dtc.testdb.TestDatabases;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * §1 of the campaign, the HTTP face with one-shot transactions: the coordinator (dtc-server) and two participant
 * services (the participant kit on PostgreSQL and on MySQL/MariaDB) as processes of their own, each fault point
 * hit through the product's test hooks (dtc-server's {@code --test-fault}, the kit's {@code dtc.participant.fault}),
 * which halt the JVM there ({@code Runtime.halt}, like a power cut of the process). After each halt the process is
 * started again, recovery runs, and the invariants are checked: the transaction is all or nothing across both
 * databases; if the client was told COMMITTED it is committed in both; nothing is left prepared
 * ({@code pg_prepared_xacts}, {@code XA RECOVER}); the coordinator lists nothing in doubt or pending.
 */
public final class CrashMatrixPart implements Part {

    static final String TOKEN = "campaign-crash-token";

    /** A fault point: which process halts, with which switch. */
    enum Point {
        COORDINATOR_BEFORE_DECISION("coordinator: before the decision is forced", true, "halt-before-decision"),
        COORDINATOR_AFTER_DECISION("coordinator: after the decision force, before any commit", true,
                "halt-after-decision"),
        COORDINATOR_BETWEEN_COMMITS("coordinator: between the commits of the two participants", true,
                "halt-between-commits"),
        PARTICIPANT_AFTER_PREPARE("participant: after its prepare, before answering", false, "halt-after-prepare"),
        PARTICIPANT_AFTER_COMMIT("participant: after its commit, before answering", false, "halt-after-commit");

        final String label;
        final boolean coordinator;
        final String fault;

        Point(String label, boolean coordinator, String fault) {
            this.label = label;
            this.coordinator = coordinator;
            this.fault = fault;
        }
    }

    @Override
    public String name() {
        return "crash";
    }

    @Override
    public String description() {
        return "coordinator and participants halted at each protocol point, in log roll-over and clean-up, and in"
                + " recovery itself (JTA face, and HTTP face with one-shot and chained transactions), restarted, and checked: all or nothing in"
                + " PostgreSQL and MariaDB, nothing left prepared or in doubt, the decision log back at rest";
    }

    @Override
    public List<Tally> run(Size size, long seed, PrintStream log) throws Exception {
        DatabaseServer pg = TestDatabases.postgres();
        DatabaseServer my = TestDatabases.mysql();
        pg.createDatabase("campaign_crash_a");
        my.createDatabase("campaign_crash_b");
        Path work = Files.createTempDirectory("dtc-campaign-crash");
        int coordinatorPort = freePort();
        int portA = freePort();
        int portB = freePort();
        String coordinatorUrl = "http://127.0.0.1:" + coordinatorPort;
        Rig rig = new Rig(work, coordinatorPort, coordinatorUrl, pg, my, portA, portB);
        rig.logSegmentBytes = SEGMENT_BYTES; // small segments: the log rolls every few transactions
        List<Tally> tallies = new ArrayList<>();
        try {
            rig.startCoordinator(null);
            rig.a = rig.participant("crash_a", portA, pg, "campaign_crash_a", null);
            rig.b = rig.participant("crash_b", portB, my, "campaign_crash_b", null);
            int rounds = size.pick(1, 15);
            for (String jtaPoint : new String[] {"before-decision", "after-decision", "between-commits"}) {
                List<String> problems = new ArrayList<>();
                long inDoubt = 0;
                for (int i = 0; i < rounds; i++) {
                    try {
                        inDoubt += jtaRound(rig, jtaPoint, problems, log);
                    } catch (Exception e) {
                        problems.add("jta " + jtaPoint + " round " + i + ": " + e);
                    }
                }
                tallies.add(new Tally(name(), "coordinator: " + JTA_LABELS.get(jtaPoint), "jta", rounds,
                        problems.size(), inDoubt, problems));
            }
            for (String jtaPoint : new String[] {"during-roll", "during-cleanup", "during-recovery"}) {
                List<String> problems = new ArrayList<>();
                long inDoubt = 0;
                for (int i = 0; i < rounds; i++) {
                    try {
                        inDoubt += jtaPoint.equals("during-recovery") ? LogRounds.jtaRecoveryRound(rig, i, problems, log)
                                : LogRounds.jtaRollRound(rig, jtaPoint, i, problems, log);
                    } catch (Exception e) {
                        problems.add("jta " + jtaPoint + " round " + i + ": " + e);
                    }
                }
                tallies.add(new Tally(name(), ENGINE_LABELS.get(jtaPoint), "jta", rounds, problems.size(), inDoubt,
                        problems));
            }
            for (Point point : Point.values()) {
                List<String> problems = new ArrayList<>();
                long inDoubt = 0;
                for (int i = 0; i < rounds; i++) {
                    try {
                        inDoubt += round(rig, point, problems, log);
                    } catch (Exception e) {
                        problems.add(point.name() + " round " + i + ": " + e);
                    }
                }
                tallies.add(new Tally(name(), point.label, "http one-shot", rounds, problems.size(), inDoubt, problems));
            }
            for (String enginePoint : new String[] {"during-roll", "during-cleanup", "during-recovery"}) {
                List<String> problems = new ArrayList<>();
                long inDoubt = 0;
                for (int i = 0; i < rounds; i++) {
                    try {
                        inDoubt += enginePoint.equals("during-recovery") ? LogRounds.httpRecoveryRound(rig, problems, log)
                                : LogRounds.httpRollRound(rig, "halt-" + enginePoint, problems, log);
                    } catch (Exception e) {
                        problems.add("http " + enginePoint + " round " + i + ": " + e);
                    }
                }
                tallies.add(new Tally(name(), ENGINE_LABELS.get(enginePoint), "http one-shot", rounds,
                        problems.size(), inDoubt, problems));
            }
            tallies.addAll(new ChainedRounds(rig, name(), log).run(rounds));
        } finally {
            rig.close();
        }
        return tallies;
    }

    /** One transaction through one fault point; returns how many things were left in doubt (0 expected). */
    private long round(Rig rig, Point point, List<String> problems, PrintStream log) throws Exception {
        if (point.coordinator) {
            rig.coordinator.kill();
            rig.startCoordinator(point.fault);
        } else {
            rig.a.kill();
            rig.a = rig.participant("crash_a", rig.portA, rig.pg, "campaign_crash_a", point.fault);
        }
        String told = rig.post(); // COMMITTED, ROLLED_BACK, or "no answer: ..."
        String id = rig.lastId;
        // the faulted process halts at its point; start it again as it was
        if (point.coordinator) {
            if (!rig.coordinator.awaitExit(60)) {
                problems.add(point.name() + ": the coordinator did not halt at its fault point");
            }
            rig.coordinator.kill();
            rig.startCoordinator(null);
        } else {
            if (!rig.a.awaitExit(60)) {
                problems.add(point.name() + ": the participant did not halt at its fault point");
            }
            rig.a.kill();
            rig.a = rig.participant("crash_a", rig.portA, rig.pg, "campaign_crash_a", null);
        }
        if (id == null) {
            id = rig.findId();
        }
        // recovery: wait until nothing is prepared and the coordinator has nothing in doubt
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        List<String> leftovers;
        while (true) {
            leftovers = rig.leftovers();
            if (leftovers.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(500);
        }
        long rowsA = id == null ? -1 : rig.rows(rig.pg, "campaign_crash_a", id);
        long rowsB = id == null ? -1 : rig.rows(rig.my, "campaign_crash_b", id);
        String outcome = id == null ? "(no id)" : rig.outcome(id);
        String where = point.name() + " tx " + id + ": told " + told + ", coordinator says " + outcome + ", rows "
                + rowsA + " in PostgreSQL, " + rowsB + " in MariaDB";
        if (id == null) {
            problems.add(where + ": the transaction's id could not be found");
        } else if (rowsA != rowsB) {
            problems.add(where + ": not all or nothing");
        } else if (told.equals("COMMITTED") && rowsA != 1) {
            problems.add(where + ": reported committed but not committed everywhere");
        } else if (outcome.equals("COMMITTED") != (rowsA == 1)) {
            problems.add(where + ": the databases disagree with the coordinator's outcome");
        }
        log.println("crash: " + where + (leftovers.isEmpty() ? "" : "; left: " + leftovers));
        if (!leftovers.isEmpty()) {
            problems.add(where + ": still in doubt after 120 s: " + leftovers);
        } else {
            LogRounds.settleAndCheckLog(rig, point.name(), problems, log);
        }
        return leftovers.size();
    }

    private static final java.util.Map<String, String> JTA_LABELS = java.util.Map.of(
            "before-decision", "before the decision is forced (every branch prepared)",
            "after-decision", "after the decision force, before any commit",
            "between-commits", "between the commits of the two branches");

    /** The HTTP coordinator's decision log segments ({@code --log-segment-bytes}): a roll every few transactions. */
    static final long SEGMENT_BYTES = 2048;

    /** The engine's own points ({@code -Ddtc.test.fault}, dtc-server's {@code --test-fault}), both faces. */
    private static final java.util.Map<String, String> ENGINE_LABELS = java.util.Map.of(
            "during-roll", "coordinator: during a log segment roll-over (new segment half written)",
            "during-cleanup", "coordinator: during the log clean-up (new segment durable, old not deleted)",
            "during-recovery", "recovery: halted half-way (after the first of two branch commits)");

    /** The JTA face: a child JVM commits one transaction and halts at the point; a restart recovers. */
    private long jtaRound(Rig rig, String point, List<String> problems, PrintStream log) throws Exception {
        String key = "jta-" + UUID.randomUUID();
        Path logDir = rig.work.resolve("jta-log");
        String[] dbs = {rig.pg.jdbcUrl("campaign_crash_a"), rig.pg.user(), rig.pg.password(),
                rig.my.jdbcUrl("campaign_crash_b"), rig.my.user(), rig.my.password()};
        ChildProcess run = new ChildProcess("jta", rig.work.resolve("jta.log"));
        List<String> args = new ArrayList<>(List.of(point, logDir.toString(), key));
        args.addAll(List.of(dbs));
        // it prints HALT and halts (or COMMITTED if the point was never reached: a violation of the setup)
        run.start(List.of(), TOKEN, "HALT " + point, JtaMain.class.getName(), args.toArray(String[]::new));
        boolean halted = run.awaitExit(60);
        run.kill();
        List<String> logProblems = LogRounds.jtaRecoverAndCheckLog(rig, key, "jta " + point, log);
        long rowsA = rig.rows(rig.pg, "campaign_crash_a", key);
        long rowsB = rig.rows(rig.my, "campaign_crash_b", key);
        List<String> leftovers = rig.preparedJta();
        String where = "jta " + point + " key " + key + ": rows " + rowsA + " in PostgreSQL, " + rowsB + " in MariaDB";
        boolean decided = !point.equals("before-decision");
        if (!halted) {
            problems.add(where + ": the child did not halt at its point");
        } else if (rowsA != rowsB) {
            problems.add(where + ": not all or nothing");
        } else if (decided && rowsA != 1) {
            problems.add(where + ": the commit decision was forced, yet it is not committed");
        } else if (!decided && rowsA != 0) {
            problems.add(where + ": committed although no decision was forced (presumed abort)");
        }
        if (!leftovers.isEmpty()) {
            problems.add(where + ": left prepared after recovery: " + leftovers);
        }
        problems.addAll(logProblems);
        log.println("crash: " + where + (leftovers.isEmpty() ? "" : "; left: " + leftovers));
        return leftovers.size();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
