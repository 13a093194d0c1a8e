package dev.dtc.campaign.scaleout;

import dev.dtc.campaign.CoordinatorCalls;
import dev.dtc.campaign.Tally;
import dev.dtc.campaign.random.Rows;
import dev.dtc.testdb.DatabaseServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** The rounds of one fault: the load, the fault, the wait for the takeover (timed), and the checks. */
final class Rounds {

    private final Coordinators coordinators;
    private final StoreProbe store;
    private final Branches branches;
    private final DatabaseServer pg;
    private final DatabaseServer my;
    private final Duration ttl;
    private final int clients;
    private final String body;
    private final PrintStream log;

    Rounds(Coordinators coordinators, StoreProbe store, Branches branches, DatabaseServer pg, DatabaseServer my,
           Duration ttl, int clients, String body, PrintStream log) {
        this.coordinators = coordinators;
        this.store = store;
        this.branches = branches;
        this.pg = pg;
        this.my = my;
        this.ttl = ttl;
        this.clients = clients;
        this.body = body;
        this.log = log;
    }

    /**
     * Runs {@code count} rounds of the fault, the victims taken in turn from the first {@code victims} coordinators.
     *
     * @param first the number of the first round (round numbers key the transactions, so they must not repeat)
     */
    Tally run(TakeoverPart.Fault fault, int count, int first, int victims, String run, Random random, String part) {
        List<String> problems = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        List<Long> storeTimes = new ArrayList<>();
        long inDoubt = 0;
        long transactions = 0;
        long refused = 0;
        for (int r = first; r < first + count; r++) {
            int victim = r % victims;
            String where = "round " + r + " (" + fault.name().toLowerCase(Locale.ROOT) + " "
                    + coordinators.node(victim) + ")";
            try {
                Outcome o = round(fault, victim, run + "-" + r + "-", where, random.nextLong(), problems);
                inDoubt += o.inDoubt;
                transactions += o.transactions;
                refused += o.refusedWrites;
                if (o.takeoverMillis >= 0) {
                    times.add(o.takeoverMillis);
                    storeTimes.add(o.settledMillis);
                }
            } catch (Exception e) {
                problems.add(where + ": " + e);
                log.println("takeover: " + where + " broke: " + e);
                e.printStackTrace(log);
                restart(victim, problems, where);
            }
        }
        String label = (fault == TakeoverPart.Fault.KILL ? "kill -9 of one of " + coordinators.count()
                + " coordinators, decisions of it pending" : "SIGSTOP of one of " + coordinators.count()
                + " coordinators past its lease, then SIGCONT (" + refused + " late decision writes refused)")
                + ", under " + clients + " clients; " + transactions
                + " transactions; from the fault (min / median / max): to its last transaction finished "
                + Times.describe(times) + ", to its lease settled in the store " + Times.describe(storeTimes);
        log.println("takeover: " + label);
        return new Tally(part, label, "http one-shot, shared store, lease " + ttl.toSeconds() + " s", count,
                problems.size(), inDoubt, problems);
    }

    private record Outcome(long takeoverMillis, long settledMillis, long inDoubt, long transactions,
                           long refusedWrites) {
    }

    private Outcome round(TakeoverPart.Fault fault, int victim, String prefix, String where, long seed,
                          List<String> problems) throws Exception {
        Random random = new Random(seed);
        String node = coordinators.node(victim);
        Load load = new Load(coordinators, body, Duration.ofSeconds(30));
        load.start(clients, prefix);
        // let the victim run some transactions to the end first (warm JVMs, a real mix in flight)
        long warm = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (load.committedBy(victim) < 10 && System.nanoTime() < warm) {
            Thread.sleep(20);
        }
        Thread.sleep(random.nextInt(500));
        StoreProbe.Lease before = store.lease(node);
        int[] logged = tookOverCounts(node);
        // then strike at the moment wanted: kill when the store holds decisions of the node that are not ended;
        // pause when the node has branches prepared and no decision for them (10 s at most, then strike anyway)
        long aim = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < aim && !ripe(fault, node)) {
            Thread.sleep(1);
        }
        long t0 = System.nanoTime();
        if (fault == TakeoverPart.Fault.KILL) {
            coordinators.kill(victim);
        } else {
            coordinators.process(victim).signal("STOP");
        }
        // where it struck: the node's decided transactions not yet ended, and its prepared branches with no decision
        Set<String> decided = store.pendingTransactions(node);
        List<String> prepared = branches.of(node);
        long undecided = prepared.stream().filter(p -> !decided.contains(p.substring(p.indexOf(": ") + 2))).count();
        log.printf(Locale.ROOT, "takeover: %s: struck at epoch %d with %d decided transaction(s) of it not ended and"
                        + " %d prepared branch(es) with no decision (%d committed by it before)%n", where,
                before == null ? -1 : before.epoch(), decided.size(), undecided, load.committedBy(victim));
        Finish finish = awaitFinished(node, before, t0, where, problems);
        if (finish.takeoverMillis >= 0) {
            log.printf(Locale.ROOT, "takeover: %s: taken over by %s and finished %d ms after the %s (lease released"
                            + " settled with no record left after %d ms; the rest is the participants' recovery"
                            + " rolling back branches never decided); lease now %s%n", where, tookOverBy(node, logged),
                    finish.takeoverMillis, fault == TakeoverPart.Fault.KILL ? "kill" : "pause", finish.settledMillis,
                    finish.lease);
        }
        StoreProbe.Lease after = finish.lease;
        long refusedBefore = refusedWrites(victim);
        if (fault == TakeoverPart.Fault.STOP) {
            coordinators.process(victim).signal("CONT");
            resumed(victim, where, problems);
        }
        Thread.sleep(1000); // the survivors under load a little longer, after the takeover
        if (!load.stop(Duration.ofSeconds(90))) {
            problems.add(where + ": a client did not come back from its request in 90 s");
        }
        long inDoubt = settle(victim, where, problems);
        long refused = 0;
        if (fault == TakeoverPart.Fault.STOP && finish.takeoverMillis >= 0) {
            if ("late-write".equals(System.getProperty("dtc.campaign.takeover.break"))) {
                store.forgeRecord(node, after.epoch() - 1, node + "~forged~1"); // the check must catch this
            }
            lateWrites(node, after, where, problems);
            refused = refusedWrites(victim) - refusedBefore;
            log.printf(Locale.ROOT, "takeover: %s: the resumed node's log shows %d decision write(s) refused by the"
                    + " store (transactions it went on with after SIGCONT; their branches are rolled back on a"
                    + " survivor's word)%n", where, refused);
        }
        List<Load.Tx> txs = load.transactions();
        check(where, victim, prefix, txs, problems);
        restart(victim, problems, where);
        return new Outcome(finish.takeoverMillis, finish.settledMillis, inDoubt, txs.size(), refused);
    }

    /** When the node's work was finished, in ms from the fault (-1 if not in time), and its lease then. */
    private record Finish(long takeoverMillis, long settledMillis, StoreProbe.Lease lease) {
    }

    /**
     * Waits until the survivors took the node over and finished its work: lease released settled at a later
     * epoch than {@code before}, no record of the node left (the store's part), and no branch of it prepared.
     */
    private Finish awaitFinished(String node, StoreProbe.Lease before, long t0, String where, List<String> problems)
            throws Exception {
        long deadline = t0 + ttl.plus(Duration.ofSeconds(120)).toNanos();
        long settled = -1;
        StoreProbe.Lease after = null;
        while (System.nanoTime() < deadline) {
            after = store.lease(node);
            boolean storeDone = after != null && after.takenOverSince(before == null ? 0 : before.epoch())
                    && store.records(node).isEmpty();
            if (storeDone && settled < 0) {
                settled = (System.nanoTime() - t0) / 1_000_000;
            }
            if (storeDone && branches.of(node).isEmpty()) {
                return new Finish((System.nanoTime() - t0) / 1_000_000, settled, after);
            }
            Thread.sleep(20);
        }
        problems.add(where + ": not taken over and finished within " + ttl.plus(Duration.ofSeconds(120)).toSeconds()
                + " s: lease " + after + ", records " + store.records(node) + ", branches " + branches.of(node));
        return new Finish(-1, settled, after);
    }

    /** Checks every transaction of the round ({@link Verdicts}) against the rows and each survivor's answers. */
    private void check(String where, int victim, String prefix, List<Load.Tx> txs, List<String> problems)
            throws Exception {
        Map<String, String> rowsA = Rows.read(pg, TakeoverPart.DB_A, "random_rows", prefix);
        Map<String, String> rowsB = Rows.read(my, TakeoverPart.DB_B, "random_rows", prefix);
        List<CoordinatorCalls> survivors = new ArrayList<>();
        for (int i = 0; i < coordinators.count(); i++) {
            if (i != victim) {
                survivors.add(coordinators.calls(i));
            }
        }
        Verdicts.Result v = Verdicts.check(where, txs, rowsA, rowsB, survivors);
        log.printf(Locale.ROOT, "takeover: %s: %d transactions: told committed %d, rolled back %d, refused %d, no"
                        + " answer %d (of these committed %d); rows %d/%d; %d answers of survivors compared; %s%n", where,
                txs.size(), v.committed(), v.rolledBack(), v.refused(), v.noAnswer(), v.noAnswerCommitted(),
                rowsA.size(), rowsB.size(), v.asked(), v.violations().isEmpty() ? "ok"
                        : v.violations().size() + " violations");
        v.violations().forEach(x -> log.println("takeover: VIOLATION " + x));
        problems.addAll(v.violations().size() > 5 ? v.violations().subList(0, 5) : v.violations());
        if (v.violations().size() > 5) {
            problems.add(where + ": and " + (v.violations().size() - 5) + " more violations (see the log)");
        }
        if (v.committed() == 0) {
            problems.add(where + ": no transaction was told COMMITTED: the round proves nothing");
        }
    }

    /** Whether now is the moment to strike (see {@link #round}). */
    private boolean ripe(TakeoverPart.Fault fault, String node) throws Exception {
        Set<String> decided = store.pendingTransactions(node);
        if (fault == TakeoverPart.Fault.KILL) {
            return !decided.isEmpty();
        }
        for (String p : branches.of(node)) {
            if (!decided.contains(p.substring(p.indexOf(": ") + 2))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The resumed node must see it lost its lease: {@code /health} 503 with LEASE_LOST, and a new transaction
     * refused with 503; and it must not take its lease back.
     */
    private void resumed(int victim, String where, List<String> problems) throws Exception {
        long deadline = System.nanoTime() + ttl.multipliedBy(2).plus(Duration.ofSeconds(10)).toNanos();
        Object[] health;
        do {
            health = coordinators.health(victim);
            if ((int) health[0] == 503 && String.valueOf(health[1]).contains("LEASE_LOST")) {
                break;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        if (!((int) health[0] == 503 && String.valueOf(health[1]).contains("LEASE_LOST"))) {
            problems.add(where + ": after SIGCONT, /health of the resumed node answers " + health[0] + " "
                    + health[1] + ", not 503 LEASE_LOST");
        }
        String[] r = coordinators.calls(victim).oneShot(TakeoverPart.A, 1, TakeoverPart.B, 1, "refused-probe");
        log.printf(Locale.ROOT, "takeover: %s: resumed node: /health %s %s; a new transaction: %s%n", where,
                health[0], health[1], r[1]);
        if (!r[1].equals("HTTP 503")) {
            problems.add(where + ": the resumed node answered a new transaction with " + r[1] + ", not 503");
        }
    }

    /** After the resumed node ran on: no record of it under an older epoch, and its lease still the survivors'. */
    private void lateWrites(String node, StoreProbe.Lease taken, String where, List<String> problems)
            throws Exception {
        StoreProbe.Lease now = store.lease(node);
        List<StoreProbe.Row> rows = store.records(node);
        log.printf(Locale.ROOT, "takeover: %s: after the resume, lease %s, %d record(s) of the node%n", where, now,
                rows.size());
        for (StoreProbe.Row r : rows) {
            if (r.epoch() < now.epoch()) {
                problems.add(where + ": a late write of the paused node: record of " + r.txId() + " at epoch "
                        + r.epoch() + " < " + now.epoch());
            } else {
                problems.add(where + ": a record of " + r.txId() + " at epoch " + r.epoch()
                        + " after the takeover settled the node");
            }
        }
        if (now.epoch() != taken.epoch() || now.holder() != null) {
            problems.add(where + ": the lease changed after the takeover: " + taken + " -> " + now);
        }
    }

    /**
     * Waits until nothing of the run is prepared in either database and no survivor lists a transaction needing
     * attention; what is left after 120 s is in doubt, each reported.
     */
    private long settle(int victim, String where, List<String> problems) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        List<String> left;
        while (true) {
            left = new ArrayList<>(branches.all());
            for (int i = 0; i < coordinators.count(); i++) {
                if (i == victim) {
                    continue;
                }
                CoordinatorCalls.Listed listed = coordinators.calls(i).listed();
                if (listed.status != 200) {
                    left.add(coordinators.node(i) + "'s list answered HTTP " + listed.status);
                } else {
                    for (String t : listed.entries()) {
                        left.add(coordinators.node(i) + " lists " + t);
                    }
                }
            }
            if (left.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(250);
        }
        for (String l : left) {
            problems.add(where + ": still in doubt after 120 s: " + l);
            log.println("takeover: IN DOUBT " + where + ": " + l);
        }
        return left.size();
    }

    /** Starts the victim again (killing what is left of it) and waits until it answers /health 200. */
    private void restart(int victim, List<String> problems, String where) {
        try {
            coordinators.kill(victim);
            coordinators.start(victim);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while ((int) coordinators.health(victim)[0] != 200 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Object[] h = coordinators.health(victim);
            if ((int) h[0] != 200) {
                problems.add(where + ": restarted, " + coordinators.node(victim) + " answers /health " + h[0] + " "
                        + h[1]);
            }
        } catch (Exception e) {
            problems.add(where + ": restarting " + coordinators.node(victim) + " failed: " + e);
        }
    }

    /**
     * How many decision writes of coordinator {@code i} the store refused, as its log counts them (one WARN line
     * per transaction whose decision could not be written because another coordinator took the node over).
     */
    private long refusedWrites(int i) throws IOException {
        if (!Files.exists(coordinators.log(i))) {
            return 0;
        }
        return Files.readString(coordinators.log(i)).split(java.util.regex.Pattern.quote(
                "its commit decision was refused, this coordinator lost its lease"), -1).length - 1;
    }

    /** How many times each coordinator's log says it took {@code node} over. */
    private int[] tookOverCounts(String node) throws IOException {
        int[] counts = new int[coordinators.count()];
        for (int i = 0; i < counts.length; i++) {
            if (Files.exists(coordinators.log(i))) {
                String text = Files.readString(coordinators.log(i));
                counts[i] = text.split(java.util.regex.Pattern.quote("took over node " + node + " in"), -1).length - 1;
            }
        }
        return counts;
    }

    /** The coordinator whose log says it took {@code node} over once more than {@code before}. */
    private String tookOverBy(String node, int[] before) throws IOException {
        int[] now = tookOverCounts(node);
        List<String> who = new ArrayList<>();
        for (int i = 0; i < now.length; i++) {
            if (now[i] > before[i]) {
                who.add(coordinators.node(i));
            }
        }
        return who.isEmpty() ? "(no log line yet)" : String.join(" and ", who);
    }
}
