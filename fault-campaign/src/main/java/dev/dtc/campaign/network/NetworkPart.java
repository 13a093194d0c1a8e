package dev.dtc.campaign.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dtc.campaign.Part;
import dev.dtc.campaign.Size;
import dev.dtc.campaign.Tally;
import dev.dtc.campaign.network.FaultProxy.Fault;
import dev.dtc.testdb.TestDatabases;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * §3 of the campaign, network faults, all on this machine: a real coordinator (dtc-server in its own JVM) runs
 * transactions over three real kit participants, each on its own database (PostgreSQL, MariaDB/MySQL,
 * PostgreSQL), each behind a {@link FaultProxy}; one of them is faulted at prepare, commit or rollback (black hole,
 * delay, reset, garbage, 500, duplicate delivery, dropped answer). The participants ask the coordinator through a
 * proxy too, which can black-hole them, and the coordinator is also crashed before and after its decision while
 * the participants recover.
 *
 * <p>Checked for every transaction once the fault is lifted and retries and recovery have finished: the outcome
 * is the expected one (a fault before the decision rolls back, unless the participant's vote got through; after
 * the decision the coordinator retries until the participant commits), the coordinator's phase 2 is COMPLETE (its
 * decision ended in the log), every database holds exactly one business row for a committed transaction and none
 * for a rolled-back one, and no database server lists the transaction's branch as prepared.
 */
public final class NetworkPart implements Part {

    static final String TOKEN = "network-campaign-token";
    /** The transaction's deadline where a fault must run into it (a black hole or a delay at prepare). */
    static final int TIMEOUT_MS = 1500;
    /**
     * The deadline of every other transaction: long, so that a loaded machine does not turn a transaction that
     * must commit into a timeout.
     */
    static final int RELAXED_TIMEOUT_MS = 15000;
    static final long SETTLE_SECONDS = 60;
    static final String STILL_PREPARED = ": branch still prepared";
    static final List<String> POINTS = List.of("prepare", "commit", "rollback");

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "network";
    }

    @Override
    public String description() {
        return "participants that black-hole, delay, reset, garble, 500, duplicate or drop at prepare, commit and"
                + " rollback; a coordinator unreachable or crashed while participants recover";
    }

    /** One row of the table, filled as its transactions run. */
    static final class Row {
        final String point;
        long iterations;
        long violations;
        long inDoubt;
        final List<String> details = new ArrayList<>();

        Row(String point) {
            this.point = point;
        }

        void violation(String detail) {
            violations++;
            details.add(detail);
        }

        void inDoubt(String detail) {
            inDoubt++;
            details.add(detail);
        }

        Tally tally() {
            return new Tally("network", point, "kit", iterations, violations, inDoubt, details);
        }
    }

    @Override
    public List<Tally> run(Size size, long seed, PrintStream log) throws Exception {
        Random random = new Random(seed);
        List<Tally> tallies = new ArrayList<>();
        try (Rig rig = new Rig(seed, log)) {
            int per = size.pick(1, 4);
            int rowIndex = 0;
            for (String point : POINTS) {
                for (Fault fault : Fault.values()) {
                    Row row = new Row(fault.label + " / " + point);
                    long t0 = System.nanoTime();
                    for (int i = 0; i < per; i++) {
                        int faulted = size == Size.CI ? rowIndex % rig.sides.size() : random.nextInt(rig.sides.size());
                        long delay = delayFor(size, point, random);
                        rig.faultedTransaction(row, point, fault, faulted, delay);
                    }
                    rowIndex++;
                    log.printf(Locale.ROOT, "network: %s: %d transaction(s), %d violation(s), %d ms%n", row.point,
                            row.iterations, row.violations, (System.nanoTime() - t0) / 1_000_000);
                    tallies.add(row.tally());
                }
            }
            if (size == Size.FULL) {
                Row row = new Row("random fault / random point");
                for (int i = 0; i < 20; i++) {
                    String point = POINTS.get(random.nextInt(POINTS.size()));
                    Fault fault = Fault.values()[random.nextInt(Fault.values().length)];
                    rig.faultedTransaction(row, point, fault, random.nextInt(rig.sides.size()),
                            delayFor(size, point, random));
                }
                tallies.add(row.tally());
            }
            int recoveries = size.pick(1, 3);
            List<Row> coordinatorRows = new ArrayList<>();
            for (Fault f : List.of(Fault.BLACK_HOLE, Fault.HTTP_500, Fault.GARBAGE)) {
                Row r = new Row("coordinator " + (f == Fault.BLACK_HOLE ? "unreachable" : "answers " + f.label)
                        + " / recovery");
                for (int i = 0; i < recoveries; i++) {
                    rig.coordinatorUnreachable(r, f);
                }
                tallies.add(r.tally());
                coordinatorRows.add(r);
            }
            Row crashAfter = new Row("coordinator down after decision / recovery");
            Row crashBefore = new Row("coordinator down before decision / recovery");
            for (int i = 0; i < recoveries; i++) {
                rig.coordinatorDown(crashAfter, true);
                rig.coordinatorDown(crashBefore, false);
            }
            tallies.add(crashAfter.tally());
            tallies.add(crashBefore.tally());
            coordinatorRows.add(crashAfter);
            coordinatorRows.add(crashBefore);
            for (Row r : coordinatorRows) {
                log.printf(Locale.ROOT, "network: %s: %d transaction(s), %d violation(s)%n", r.point, r.iterations,
                        r.violations);
            }
        }
        return tallies;
    }

    /**
     * The delay of a {@link Fault#DELAY}: at prepare past the transaction's deadline at CI size (the late prepare
     * must not take effect), at commit and rollback past the phase-2 timeout; at full size drawn from the seed on
     * both sides of them.
     */
    static long delayFor(Size size, String point, Random random) {
        long limit = point.equals("prepare") ? TIMEOUT_MS : 1000;
        return size == Size.CI ? limit + 1000 : random.nextInt((int) (2 * limit + 1000));
    }

    /**
     * What a transaction must end as: a fault at prepare rolls back unless the vote still got through (duplicate
     * delivery, an answer sent twice), where it commits; null when either is right (a delay within or close to
     * the deadline: on a loaded machine the other participants may be that slow too). Commit-point faults
     * commit, rollback-point faults roll back (another participant refuses).
     */
    static String expectedOutcome(String point, Fault fault, long delayMs) {
        if (point.equals("commit")) {
            return "COMMITTED";
        }
        if (point.equals("rollback")) {
            return "ROLLED_BACK";
        }
        if (fault == Fault.DUPLICATE || fault == Fault.ANSWER_TWICE) {
            return "COMMITTED";
        }
        if (fault == Fault.DELAY && delayMs < TIMEOUT_MS + 300) {
            return null; // within or close to the deadline: either, as long as everything agrees
        }
        return "ROLLED_BACK";
    }

    /** The coordinator, its proxy on the participants' side, and the three participants with their proxies. */
    static final class Rig implements AutoCloseable {
        final long seed;
        final PrintStream log;
        final Path dataDir;
        final String node;
        final FaultProxy coordinatorPath;
        final List<KitSide> sides = new ArrayList<>();
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        Coordinator coordinator;
        int counter;

        Rig(long seed, PrintStream log) throws Exception {
            this.seed = seed;
            this.log = log;
            this.dataDir = Files.createTempDirectory("dtc-network-");
            this.node = "net" + Long.toString(System.currentTimeMillis(), 36);
            try {
                this.coordinator = Coordinator.start(dataDir, node, TOKEN);
            } catch (Exception e) {
                deleteDataDir();
                throw e;
            }
            this.coordinatorPath = new FaultProxy("coordinator", URI.create(coordinator.url), seed);
            try {
                URI c = coordinatorPath.uri();
                sides.add(new KitSide("net-a", TestDatabases.postgres(), "dtc_net_a", c, TOKEN, seed + 1));
                sides.add(new KitSide("net-b", TestDatabases.mysql(), "dtc_net_b", c, TOKEN, seed + 2));
                sides.add(new KitSide("net-c", TestDatabases.postgres(), "dtc_net_c", c, TOKEN, seed + 3));
            } catch (Exception e) {
                close();
                throw e;
            }
            log.println("network: coordinator " + coordinator.url + " (node " + node + ", data " + dataDir
                    + "), participants " + sides.stream().map(KitSide::describe).toList());
        }

        String newKey() {
            return "nk-" + node + "-" + (++counter);
        }

        ObjectNode request(String key, int refuser, int timeoutMs) {
            ObjectNode body = JSON.createObjectNode();
            ArrayNode ps = body.putArray("participants");
            for (int i = 0; i < sides.size(); i++) {
                ObjectNode p = ps.addObject();
                p.put("name", sides.get(i).name);
                p.put("url", sides.get(i).proxy.uri().toString());
                ObjectNode payload = p.putObject("payload");
                payload.put("key", key);
                if (i == refuser) {
                    payload.put("refuse", "network campaign: this transaction must roll back");
                }
            }
            body.put("timeoutMs", timeoutMs);
            return body;
        }

        record Answer(int status, JsonNode body) {
        }

        Answer post(JsonNode body) throws IOException, InterruptedException {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(coordinator.url + "/v1/transactions"))
                    .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body()));
        }

        Answer get(String id) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                                URI.create(coordinator.url + "/v1/transactions/" + id)).timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer " + TOKEN).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                return new Answer(r.statusCode(), r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body()));
            } catch (IOException e) {
                return new Answer(-1, JSON.createObjectNode().put("error", e.toString()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Answer(-1, JSON.createObjectNode().put("error", "interrupted"));
            }
        }

        /** One transaction with one participant faulted at one point, then the checks. */
        void faultedTransaction(Row row, String point, Fault fault, int faulted, long delayMs) throws Exception {
            String key = newKey();
            KitSide side = sides.get(faulted);
            int refuser = point.equals("rollback") ? (faulted + 1) % sides.size() : -1;
            String replay = String.format(Locale.ROOT, "seed %d, key %s, %s faulted (%s%s at %s)", seed, key,
                    side.describe(), fault.label, fault == Fault.DELAY ? " " + delayMs + " ms" : "", point);
            side.proxy.resetCounts();
            side.proxy.set(point, fault, delayMs);
            Answer a;
            try {
                boolean deadlineMatters = point.equals("prepare")
                        && (fault == Fault.BLACK_HOLE || fault == Fault.DELAY);
                a = post(request(key, refuser, deadlineMatters ? TIMEOUT_MS : RELAXED_TIMEOUT_MS));
            } catch (IOException e) {
                a = new Answer(-1, JSON.createObjectNode().put("error", e.toString()));
            } finally {
                if (!point.equals("prepare")) {
                    Thread.sleep(300); // let a retry run into the fault too
                }
                side.proxy.lift();
            }
            row.iterations++;
            String id = a.body().path("id").asText(null);
            if (a.status() != 200 || id == null) {
                row.violation(replay + ": POST answered " + a.status() + " " + a.body());
                return;
            }
            replay = replay + ", tx " + id;
            if (side.proxy.faulted(point) == 0) {
                row.violation(replay + ": the fault was never hit (no " + point + " reached the proxy)");
            }
            String expected = expectedOutcome(point, fault, delayMs);
            String outcome = a.body().path("outcome").asText();
            if (expected != null && !expected.equals(outcome)) {
                row.violation(replay + ": POST answered outcome " + outcome + ", expected " + expected + ": " + a.body());
            }
            settle(row, replay, id, key, expected == null ? outcome : expected);
            int reached = side.proxy.forwarded(point);
            int needed = fault == Fault.DUPLICATE ? 2 : fault.forwards ? 1 : 0;
            if (reached < needed) {
                row.violation(replay + ": the fault did not do what it says: " + reached + " " + point
                        + " call(s) reached the participant, expected at least " + needed);
            }
        }

        /**
         * Waits (generously) until the coordinator's outcome is final and complete and every database agrees
         * with it, then reports whatever still disagrees.
         */
        void settle(Row row, String replay, String id, String key, String expected) throws Exception {
            long deadline = System.nanoTime() + Duration.ofSeconds(SETTLE_SECONDS).toNanos();
            while (true) {
                boolean idle = sides.stream().allMatch(s -> s.proxy.idle());
                List<String> problems = problems(id, key, expected);
                if (idle && problems.isEmpty()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    String prefix = replay + ": after " + SETTLE_SECONDS + " s, expected " + expected + ": ";
                    List<String> prepared = problems.stream().filter(p -> p.endsWith(STILL_PREPARED)).toList();
                    List<String> wrong = new ArrayList<>(problems);
                    wrong.removeAll(prepared);
                    if (!idle) {
                        wrong.add("a proxy still handles a request");
                    }
                    if (!prepared.isEmpty()) {
                        row.inDoubt(prefix + String.join("; ", prepared));
                    }
                    if (!wrong.isEmpty()) {
                        row.violation(prefix + String.join("; ", wrong));
                    }
                    return;
                }
                Thread.sleep(200);
            }
        }

        /** What disagrees with the expected outcome, in the coordinator and in each database. */
        List<String> problems(String id, String key, String expected) throws Exception {
            List<String> problems = new ArrayList<>();
            Answer a = get(id);
            boolean presumedAbort = a.status() == 404 && a.body().path("presumed").asBoolean();
            if (expected.equals("ROLLED_BACK") && presumedAbort) {
                // no decision: presumed abort, nothing more to finish on the coordinator's side
            } else if (a.status() != 200) {
                problems.add("coordinator: GET answered " + a.status() + " " + a.body());
            } else {
                String outcome = a.body().path("outcome").asText();
                String phase2 = a.body().path("phase2").asText();
                if (!outcome.equals(expected)) {
                    problems.add("coordinator: outcome " + outcome);
                }
                if (!phase2.equals("COMPLETE")) {
                    problems.add("coordinator: phase2 " + phase2 + " (participants "
                            + a.body().path("participants") + ")");
                }
            }
            int want = expected.equals("COMMITTED") ? 1 : 0;
            for (KitSide s : sides) {
                int rows = s.rows(key);
                if (rows != want) {
                    problems.add(s.describe() + ": " + rows + " business row(s), expected " + want);
                }
                if (s.prepared().contains(id)) {
                    problems.add(s.describe() + STILL_PREPARED);
                }
            }
            return problems;
        }

        /**
         * The participants' way to the coordinator faulted (black hole, 500, garbage) while their branches wait for
         * a commit that the coordinator cannot deliver (their commit calls black-holed): they must keep the branch
         * prepared; once the coordinator answers again, their own recovery asks it and commits.
         */
        void coordinatorUnreachable(Row row, Fault onTheWay) throws Exception {
            String key = newKey();
            String replay = "seed " + seed + ", key " + key + ", every commit black-holed, every question to the"
                    + " coordinator faulted (" + onTheWay.label + ")";
            coordinatorPath.resetCounts();
            coordinatorPath.set("*", onTheWay, 0);
            for (KitSide s : sides) {
                s.proxy.set("commit", Fault.BLACK_HOLE, 0);
            }
            row.iterations++;
            try {
                Answer a = post(request(key, -1, RELAXED_TIMEOUT_MS));
                String id = a.body().path("id").asText(null);
                if (a.status() != 200 || id == null || !a.body().path("outcome").asText().equals("COMMITTED")) {
                    row.violation(replay + ": POST answered " + a.status() + " " + a.body());
                    return;
                }
                replay += ", tx " + id;
                long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (coordinatorPath.seen() < sides.size() && System.nanoTime() < until) {
                    Thread.sleep(200); // every participant's recovery has asked (and heard nothing)
                }
                Thread.sleep(2500); // more passes, each asking and hearing nothing usable
                if (coordinatorPath.seen() < sides.size()) {
                    row.violation(replay + ": the participants never asked the coordinator ("
                            + coordinatorPath.seen() + " question(s))");
                }
                checkStillPrepared(row, replay, id, key);
                coordinatorPath.lift(); // the commit calls stay black-holed: the participants' recovery must act
                until = System.nanoTime() + Duration.ofSeconds(SETTLE_SECONDS).toNanos();
                List<KitSide> open = new ArrayList<>(sides);
                while (System.nanoTime() < until) {
                    open.removeIf(s -> {
                        try {
                            return !s.prepared().contains(id);
                        } catch (Exception e) {
                            return false;
                        }
                    });
                    if (open.isEmpty()) {
                        break;
                    }
                    Thread.sleep(200);
                }
                if (!open.isEmpty()) {
                    row.violation(replay + ": with the coordinator reachable again, still prepared in "
                            + open.stream().map(KitSide::describe).toList() + " (their recovery did not finish)");
                }
                for (KitSide s : sides) {
                    s.proxy.lift();
                }
                settle(row, replay, id, key, "COMMITTED");
            } finally {
                coordinatorPath.lift();
                for (KitSide s : sides) {
                    s.proxy.lift();
                }
            }
        }

        /** Every participant holds the branch prepared, and no database shows its row: nobody decided alone. */
        void checkStillPrepared(Row row, String replay, String id, String key) throws Exception {
            for (KitSide s : sides) {
                List<String> prepared = s.prepared();
                int rows = s.rows(key);
                if (!prepared.contains(id) || rows != 0) {
                    row.violation(replay + ": " + s.describe() + " decided without the coordinator: prepared "
                            + prepared + ", " + rows + " business row(s)");
                }
            }
        }

        /**
         * The coordinator halts (as kill -9 would) after its decision is forced, or just before, with every
         * participant prepared; the participants ask and get nothing (connections refused) and must keep their
         * branches; a coordinator restarted on the same data directory finishes the decision (commit), or the
         * participants learn of the presumed abort and roll back.
         */
        void coordinatorDown(Row row, boolean afterDecision) throws Exception {
            String key = newKey();
            String expected = afterDecision ? "COMMITTED" : "ROLLED_BACK";
            String replay = "seed " + seed + ", key " + key + ", coordinator halted "
                    + (afterDecision ? "after" : "before") + " its decision";
            coordinator.close();
            coordinator = Coordinator.start(dataDir, node, TOKEN, "--test-fault",
                    afterDecision ? "halt-after-decision" : "halt-before-decision");
            coordinatorPath.upstream(URI.create(coordinator.url));
            coordinatorPath.resetCounts();
            row.iterations++;
            try {
                try {
                    Answer a = post(request(key, -1, RELAXED_TIMEOUT_MS));
                    row.violation(replay + ": the coordinator answered instead of halting: " + a.status() + " "
                            + a.body());
                } catch (IOException expectedHalt) {
                    // the coordinator halted while the request was in flight
                }
                if (!coordinator.awaitExit(30)) {
                    row.violation(replay + ": the coordinator did not halt");
                }
                coordinator.close(); // gone already (or made to go): its process and its stderr file
                String id = null;
                for (String p : sides.get(0).prepared()) {
                    if (p.startsWith(node + "~")) {
                        id = p;
                    }
                }
                if (id == null) {
                    row.violation(replay + ": no branch prepared in " + sides.get(0).describe()
                            + " after the halt");
                    return;
                }
                replay += ", tx " + id;
                long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (coordinatorPath.seen() < sides.size() && System.nanoTime() < until) {
                    Thread.sleep(200);
                }
                Thread.sleep(1500);
                if (coordinatorPath.seen() < sides.size()) {
                    row.violation(replay + ": the participants never asked the coordinator ("
                            + coordinatorPath.seen() + " question(s))");
                }
                checkStillPrepared(row, replay, id, key);
                coordinator = Coordinator.start(dataDir, node, TOKEN); // the same data directory: its log
                coordinatorPath.upstream(URI.create(coordinator.url));
                settle(row, replay, id, key, expected);
            } finally {
                if (!coordinator.process.isAlive()) {
                    coordinator = Coordinator.start(dataDir, node, TOKEN);
                    coordinatorPath.upstream(URI.create(coordinator.url));
                }
            }
        }

        @Override
        public void close() throws Exception {
            for (KitSide s : sides) {
                s.close();
            }
            if (coordinatorPath != null) {
                coordinatorPath.close();
            }
            coordinator.close();
            deleteDataDir();
        }

        private void deleteDataDir() throws IOException {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
