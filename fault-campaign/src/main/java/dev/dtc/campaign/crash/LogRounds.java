package dev.dtc.campaign.crash;

import dev.dtc.campaign.ChildProcess;
import dev.dtc.log.LogInspector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The crash matrix's rounds for the engine's own fault points (decision log roll-over and clean-up, recovery halted
 * half-way), on both faces, and the check that the decision log shrinks back to its resting size once everything
 * is finished. The points are switched on with {@code -Ddtc.test.fault=...} (JTA child) or dtc-server's
 * {@code --test-fault} (which sets that switch in the coordinator).
 */
final class LogRounds {
    private static final Pattern TX = Pattern.compile("transaction (campaign-crash~[A-Za-z0-9.~_-]+)");
    private static final Pattern SETTLE_TX = Pattern.compile("TX \\S+-s[0-9a-z]+-\\d+ DtcTransaction\\[([^\\]]+)\\]");
    private static final Pattern CARRIED_RECORD = Pattern.compile("@\\d+ \\w+ \\(carried\\) (\\S+) payload");

    private LogRounds() {
    }

    // ------------------------------------------------------------------------------------------------------------
    // The resting size of the log

    /**
     * What is wrong with a decision log that should be at rest (its process stopped, everything finished, and the
     * log rolled once since): empty if it holds one segment, opens without refusing, nothing pending, and its
     * segment carries only records of the {@code settling} transactions (those in flight at the last roll, never
     * one of a transaction finished before the settling traffic began).
     */
    static List<String> notAtRest(Path logDir, Set<String> settling) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            LogInspector.print(logDir, out, true);
        }
        String report = buf.toString(StandardCharsets.UTF_8);
        List<String> problems = new ArrayList<>();
        if (!report.contains(": 1 segment file(s)")) {
            problems.add("the log did not shrink back to one segment");
        }
        if (report.contains("refuses to start")) {
            problems.add("the log refuses to open");
        }
        if (!report.contains("opens; 0 pending transaction(s)")) {
            problems.add("the log still holds pending transactions");
        }
        if (report.contains("will be cleared") || report.contains("will be dropped") || report.contains("BAD FRAME")) {
            problems.add("the log is not clean after a clean stop");
        }
        Matcher r = CARRIED_RECORD.matcher(report);
        while (r.find()) {
            if (!settling.contains(r.group(1))) {
                problems.add("a carried record of " + r.group(1) + ", which was finished before the settling"
                        + " traffic and its roll");
            }
        }
        if (!problems.isEmpty()) {
            problems.add("inspector: " + report.replace('\n', '|'));
        }
        return problems;
    }

    static String newestSegment(Path logDir) throws IOException {
        return Files.isDirectory(logDir) ? JtaMain.newestSegment(logDir) : "";
    }

    /**
     * The HTTP face: transactions without faults until the coordinator's log has rolled once, a clean stop, the
     * resting check on its log directory, and a normal start again. Everything must be finished before.
     */
    static void settleAndCheckLog(Rig rig, String where, List<String> problems, PrintStream log) throws Exception {
        Path logDir = rig.work.resolve("coordinator").resolve("log");
        String first = newestSegment(logDir);
        int sent = 0;
        Set<String> settling = new LinkedHashSet<>();
        while (sent < 60 && first.equals(newestSegment(logDir))) {
            String[] r = post(rig);
            sent++;
            if (r[0] != null) {
                settling.add(r[0]);
            }
            if (!"COMMITTED".equals(r[1])) {
                problems.add(where + ": settling transaction " + r[0] + " was told " + r[1]);
                break;
            }
        }
        boolean rolled = !first.equals(newestSegment(logDir));
        // the POST is answered before the END is written: let it be written before the stop
        awaitNothingListed(rig);
        rig.coordinator.stop();
        List<String> wrong = notAtRest(logDir, settling);
        if (!rolled) {
            problems.add(where + ": the coordinator's log did not roll after " + sent + " settling transactions");
        }
        for (String w : wrong) {
            problems.add(where + ": coordinator log: " + w);
        }
        log.println("crash: " + where + ": log " + (wrong.isEmpty() ? "at rest" : "NOT at rest: " + wrong)
                + " after " + sent + " settling transactions");
        rig.startCoordinator(null);
    }

    private static void awaitNothingListed(Rig rig) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && !rig.leftovers().isEmpty()) {
            Thread.sleep(200);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // The HTTP face

    /** One one-shot transaction; {id or null, what the client was told}. Thread-safe. */
    static String[] post(Rig rig) {
        return rig.calls.oneShot("crash_a", rig.portA, "crash_b", rig.portB, "p-" + UUID.randomUUID());
    }

    private static long size(Path file) throws IOException {
        return Files.exists(file) ? Files.size(file) : 0;
    }

    private static String since(Path file, long offset) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        byte[] all = Files.readAllBytes(file);
        return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
                StandardCharsets.UTF_8);
    }

    /**
     * Roll-over or clean-up (dtc-server {@code --test-fault halt-during-roll|halt-during-cleanup}, with small
     * segments): three clients send transactions concurrently until the coordinator halts in a roll, so that the
     * transactions in flight are carried into the new segment; then a normal start, recovery, and every
     * transaction of the round is checked.
     */
    static long httpRollRound(Rig rig, String fault, List<String> problems, PrintStream log) throws Exception {
        rig.coordinator.kill();
        Path coordinatorLog = rig.work.resolve("coordinator.log");
        long cFrom = size(coordinatorLog);
        long aFrom = size(rig.work.resolve("crash_a.log"));
        long bFrom = size(rig.work.resolve("crash_b.log"));
        rig.startCoordinator(fault);
        Map<String, String> told = new ConcurrentHashMap<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            Thread t = new Thread(() -> {
                for (int i = 0; i < 60; i++) {
                    String[] r = post(rig);
                    if (r[0] != null) {
                        told.put(r[0], r[1]);
                    }
                    if (r[1].startsWith("no answer")) {
                        return; // halted
                    }
                }
            }, "crash-client-" + c);
            t.start();
            clients.add(t);
        }
        for (Thread t : clients) {
            t.join();
        }
        String where = "http " + fault;
        if (!rig.coordinator.awaitExit(60)) {
            problems.add(where + ": the coordinator did not halt at its fault point");
        }
        rig.coordinator.kill();
        String said = since(coordinatorLog, cFrom);
        if (!said.contains("halting during")) {
            problems.add(where + ": no halt line from the engine's switch in the coordinator's log");
        }
        rig.startCoordinator(null);
        Set<String> ids = new LinkedHashSet<>(told.keySet());
        for (String text : new String[] {since(rig.work.resolve("crash_a.log"), aFrom),
                since(rig.work.resolve("crash_b.log"), bFrom)}) {
            Matcher m = TX.matcher(text);
            while (m.find()) {
                ids.add(m.group(1));
            }
        }
        return checkHttp(rig, where, ids, told, problems, log);
    }

    /**
     * Recovery halted half-way: the coordinator halts after the decision force; it is started with
     * {@code --test-fault halt-during-recovery} and halts when its recovery has committed one participant's branch
     * and is about to commit the other's; then it is started normally and must finish the job.
     */
    static long httpRecoveryRound(Rig rig, List<String> problems, PrintStream log) throws Exception {
        String where = "http halt-during-recovery";
        rig.coordinator.kill();
        Path coordinatorLog = rig.work.resolve("coordinator.log");
        rig.startCoordinator("halt-after-decision");
        String[] r = post(rig);
        if (!rig.coordinator.awaitExit(60)) {
            problems.add(where + ": the coordinator did not halt after the decision");
        }
        rig.coordinator.kill();
        String id = r[0] != null ? r[0] : rig.findId();
        long cFrom = size(coordinatorLog);
        try {
            rig.startCoordinator("halt-during-recovery");
            if (!rig.coordinator.awaitExit(120)) {
                problems.add(where + ": the coordinator's recovery did not halt half-way");
            }
        } catch (IllegalStateException e) {
            // it halted before it said it listens: recovery starts with the engine
        }
        rig.coordinator.kill();
        String said = since(coordinatorLog, cFrom);
        if (!said.contains("halting in a recovery pass")) {
            problems.add(where + ": no halt line of the recovery pass in the coordinator's log");
        }
        String mid = id == null ? "(no id)" : "rows in the middle: " + rig.rows(rig.pg, "campaign_crash_a", id)
                + " in PostgreSQL, " + rig.rows(rig.my, "campaign_crash_b", id) + " in MariaDB";
        rig.startCoordinator(null);
        Map<String, String> told = new LinkedHashMap<>();
        Set<String> ids = new LinkedHashSet<>();
        if (id != null) {
            told.put(id, r[1]);
            ids.add(id);
        } else {
            problems.add(where + ": the transaction's id could not be found");
        }
        log.println("crash: " + where + " tx " + id + ": " + mid);
        return checkHttp(rig, where, ids, told, problems, log);
    }

    /**
     * Waits until nothing is left in doubt, then checks every transaction: all or nothing, committed if the client
     * was told so, as the coordinator says; the log at rest afterwards. Returns what was left in doubt.
     */
    static long checkHttp(Rig rig, String where, Set<String> ids, Map<String, String> told, List<String> problems,
                          PrintStream log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        List<String> leftovers;
        while (true) {
            leftovers = rig.leftovers();
            if (leftovers.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(500);
        }
        int committed = 0;
        for (String id : ids) {
            long rowsA = rig.rows(rig.pg, "campaign_crash_a", id);
            long rowsB = rig.rows(rig.my, "campaign_crash_b", id);
            String t = told.getOrDefault(id, "no answer");
            String outcome = rig.outcome(id);
            String what = where + " tx " + id + ": told " + t + ", coordinator says " + outcome + ", rows " + rowsA
                    + " in PostgreSQL, " + rowsB + " in MariaDB";
            if (rowsA != rowsB) {
                problems.add(what + ": not all or nothing");
            } else if (t.equals("COMMITTED") && rowsA != 1) {
                problems.add(what + ": reported committed but not committed everywhere");
            } else if (outcome.equals("COMMITTED") != (rowsA == 1)) {
                problems.add(what + ": the databases disagree with the coordinator's outcome");
            }
            committed += rowsA == 1 ? 1 : 0;
        }
        log.println("crash: " + where + ": " + ids.size() + " transactions, " + committed + " committed"
                + (leftovers.isEmpty() ? "" : "; left: " + leftovers));
        if (!leftovers.isEmpty()) {
            problems.add(where + ": still in doubt after 120 s: " + leftovers);
        } else {
            settleAndCheckLog(rig, where, problems, log);
        }
        return leftovers.size();
    }

    // ------------------------------------------------------------------------------------------------------------
    // The JTA face

    static String[] dbArgs(Rig rig) {
        return new String[] {rig.pg.jdbcUrl("campaign_crash_a"), rig.pg.user(), rig.pg.password(),
                rig.my.jdbcUrl("campaign_crash_b"), rig.my.user(), rig.my.password()};
    }

    /**
     * The JTA child recovering (point {@code none}: recovery, settling traffic until the log rolled, a clean close),
     * then the resting check of its log. Returns the problems of the log.
     */
    static List<String> jtaRecoverAndCheckLog(Rig rig, String key, String where, PrintStream log) throws Exception {
        Path logDir = rig.work.resolve("jta-log");
        List<String> args = new ArrayList<>(List.of("none", logDir.toString(), key));
        args.addAll(List.of(dbArgs(rig)));
        Path childLog = rig.work.resolve("jta-recover.log");
        long from = size(childLog);
        ChildProcess recover = new ChildProcess("jta-recover", childLog);
        recover.start(List.of(), CrashMatrixPart.TOKEN, "RECOVERED", JtaMain.class.getName(),
                args.toArray(String[]::new));
        List<String> problems = new ArrayList<>();
        if (!recover.awaitExit(120)) {
            recover.kill();
            problems.add(where + ": the recovering child did not exit");
            return problems;
        }
        // the settling transactions, by the engine's id: the TX lines of this run whose key is a settling one
        Set<String> settling = new LinkedHashSet<>();
        Matcher m = SETTLE_TX.matcher(since(childLog, from));
        while (m.find()) {
            settling.add(m.group(1));
        }
        for (String w : notAtRest(logDir, settling)) {
            problems.add(where + ": JTA log: " + w);
        }
        log.println("crash: " + where + ": JTA log " + (problems.isEmpty() ? "at rest" : "NOT at rest"));
        return problems;
    }

    /**
     * Roll-over or clean-up on the JTA face: the child commits transactions on two threads with the smallest
     * segments and {@code -Ddtc.test.fault=halt-during-roll|halt-during-cleanup} until it halts in a roll; a restart
     * recovers; every transaction it began is checked.
     */
    static long jtaRollRound(Rig rig, String point, int round, List<String> problems, PrintStream log)
            throws Exception {
        String key = "jr-" + UUID.randomUUID().toString().substring(0, 18);
        Path logDir = rig.work.resolve("jta-log");
        Path childLog = rig.work.resolve("jta-" + point + "-" + round + ".log");
        List<String> args = new ArrayList<>(List.of(point, logDir.toString(), key));
        args.addAll(List.of(dbArgs(rig)));
        ChildProcess run = new ChildProcess("jta", childLog);
        run.start(List.of("-Ddtc.test.fault=halt-" + point), CrashMatrixPart.TOKEN, "STARTED",
                JtaMain.class.getName(), args.toArray(String[]::new));
        boolean halted = run.awaitExit(180);
        run.kill();
        String where = "jta " + point + " keys " + key + "-*";
        String said = Files.readString(childLog);
        if (!halted || !said.contains("halting during") || said.contains("NEVER HALTED")) {
            problems.add(where + ": the child did not halt at its point");
        }
        List<String> logProblems = jtaRecoverAndCheckLog(rig, key, where, log);
        Set<String> begun = new LinkedHashSet<>();
        Set<String> committed = new LinkedHashSet<>();
        for (String line : said.split("\n")) {
            if (line.startsWith("BEGIN ")) {
                begun.add(line.substring(6).trim());
            } else if (line.startsWith("COMMITTED ")) {
                committed.add(line.substring(10).trim());
            }
        }
        int both = 0;
        for (String k : begun) {
            long rowsA = rig.rows(rig.pg, "campaign_crash_a", k);
            long rowsB = rig.rows(rig.my, "campaign_crash_b", k);
            if (rowsA != rowsB) {
                problems.add(where + ": " + k + ": rows " + rowsA + " in PostgreSQL, " + rowsB
                        + " in MariaDB: not all or nothing");
            } else if (committed.contains(k) && rowsA != 1) {
                problems.add(where + ": " + k + ": reported committed but not committed everywhere");
            }
            both += rowsA == 1 && rowsB == 1 ? 1 : 0;
        }
        List<String> leftovers = rig.preparedJta();
        if (!leftovers.isEmpty()) {
            problems.add(where + ": left prepared after recovery: " + leftovers);
        }
        problems.addAll(logProblems);
        log.println("crash: " + where + ": " + begun.size() + " begun, " + committed.size() + " told committed, "
                + both + " committed in both" + (leftovers.isEmpty() ? "" : "; left: " + leftovers));
        return leftovers.size();
    }

    /**
     * Recovery halted half-way on the JTA face: the child halts after the decision force; a restart with
     * {@code -Ddtc.test.fault=halt-during-recovery} halts after recovery committed one of the two branches; a
     * normal restart finishes: committed in both, nothing prepared, the log at rest.
     */
    static long jtaRecoveryRound(Rig rig, int round, List<String> problems, PrintStream log) throws Exception {
        String key = "jv-" + UUID.randomUUID();
        Path logDir = rig.work.resolve("jta-log");
        List<String> args = new ArrayList<>(List.of("after-decision", logDir.toString(), key));
        args.addAll(List.of(dbArgs(rig)));
        ChildProcess run = new ChildProcess("jta", rig.work.resolve("jta.log"));
        run.start(List.of(), CrashMatrixPart.TOKEN, "HALT after-decision", JtaMain.class.getName(),
                args.toArray(String[]::new));
        boolean halted = run.awaitExit(60);
        run.kill();
        String where = "jta during-recovery key " + key;
        if (!halted) {
            problems.add(where + ": the child did not halt after the decision");
        }
        Path midLog = rig.work.resolve("jta-during-recovery-" + round + ".log");
        args.set(0, "none");
        ChildProcess mid = new ChildProcess("jta-recover-halt", midLog);
        mid.start(List.of("-Ddtc.test.fault=halt-during-recovery"), CrashMatrixPart.TOKEN, "STARTED",
                JtaMain.class.getName(), args.toArray(String[]::new));
        boolean midHalted = mid.awaitExit(120);
        mid.kill();
        String said = Files.readString(midLog);
        long midA = rig.rows(rig.pg, "campaign_crash_a", key);
        long midB = rig.rows(rig.my, "campaign_crash_b", key);
        if (!midHalted || !said.contains("halting in a recovery pass") || said.contains("RECOVERED")) {
            problems.add(where + ": the recovery pass did not halt half-way");
        } else if (midA + midB != 1) {
            problems.add(where + ": recovery halted with rows " + midA + " in PostgreSQL, " + midB
                    + " in MariaDB (one branch committed, the other prepared expected)");
        }
        List<String> logProblems = jtaRecoverAndCheckLog(rig, key, where, log);
        long rowsA = rig.rows(rig.pg, "campaign_crash_a", key);
        long rowsB = rig.rows(rig.my, "campaign_crash_b", key);
        List<String> leftovers = rig.preparedJta();
        String what = where + ": rows " + rowsA + " in PostgreSQL, " + rowsB + " in MariaDB (in the middle "
                + midA + ", " + midB + ")";
        if (rowsA != 1 || rowsB != 1) {
            problems.add(what + ": the commit decision was forced, yet it is not committed in both");
        }
        if (!leftovers.isEmpty()) {
            problems.add(what + ": left prepared after recovery: " + leftovers);
        }
        problems.addAll(logProblems);
        log.println("crash: " + what + (leftovers.isEmpty() ? "" : "; left: " + leftovers));
        return leftovers.size();
    }
}
