package dev.dtc.campaign.random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dtc.campaign.ChildProcess;
import dev.dtc.campaign.CoordinatorCalls;
import dev.dtc.campaign.Size;
import dev.dtc.campaign.Tally;
import dev.dtc.testdb.DatabaseServer;
import dev.dtc.testdb.TestDatabases;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The HTTP face of the randomized mode: dtc-server and two kit participants ({@link RandomParticipantMain}, one on
 * PostgreSQL, one on MySQL/MariaDB) as processes of their own; {@value #CLIENTS} client threads post one-shot
 * transactions; in each iteration one of the three processes, drawn from the seed, is killed with {@code kill -9}
 * at a moment drawn from the seed, the clients go on for a moment drawn from the seed, then stop; the process is
 * started again, recovery is awaited, and every transaction of the iteration is checked.
 */
final class HttpRandomFace {

    static final String FACE = "http one-shot";
    static final int CLIENTS = 8;
    static final String TOKEN = "campaign-random-token";
    static final String NODE = "random-http";
    static final String A = "random_a";
    static final String B = "random_b";
    static final String DB_A = "campaign_random_a";
    static final String DB_B = "campaign_random_b";
    static final List<String> VICTIMS = List.of("coordinator", "participant A (PostgreSQL)",
            "participant B (MySQL/MariaDB)");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One transaction a client posted, and what it was told. */
    static final class Tx {
        final String key;
        String told; // COMMITTED, ROLLED_BACK, REFUSED (nothing started), NO_ANSWER (lost, or 500, or other)
        String detail = "";
        String id;

        Tx(String key) {
            this.key = key;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final DatabaseServer pg = TestDatabases.postgres();
    private final DatabaseServer my = TestDatabases.mysql();
    private Path work;
    private int coordinatorPort;
    private CoordinatorCalls calls;
    private int portA;
    private int portB;
    private final ChildProcess[] processes = new ChildProcess[3];
    private int starts;
    private long reportedCommitted; // a kill may land before the first commit; a face where none ever does is broken

    List<Tally> run(Size size, long seed, PrintStream log) throws Exception {
        int iterations = size.pick(3, 60);
        pg.createDatabase(DB_A);
        my.createDatabase(DB_B);
        work = Files.createTempDirectory("dtc-campaign-random-http");
        coordinatorPort = freePort();
        calls = new CoordinatorCalls(http, "http://127.0.0.1:" + coordinatorPort, TOKEN);
        portA = freePort();
        portB = freePort();
        // the keys of this run: one run never sees another's rows
        String run = "h" + Long.toString(System.currentTimeMillis(), 36);
        Random master = new Random(seed ^ 0x72616e646f6d68L);
        log.printf(Locale.ROOT, "random http: seed %d, run %s, %d iterations, files in %s%n", seed, run, iterations,
                work);
        List<String> problems = new ArrayList<>();
        long inDoubt = 0;
        long done = 0;
        long t0 = System.nanoTime();
        try {
            for (int p = 0; p < 3; p++) {
                start(p);
            }
            // warm-up, so that the first kill lands in load and not in three JVMs' first requests
            long warmEnd = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            for (int n = 0, ok = 0; ok < 8 && System.nanoTime() < warmEnd; n++) {
                Tx warm = new Tx(run + "-warm-" + n);
                post(warm);
                ok += warm.told.equals("COMMITTED") ? 1 : 0;
            }
            for (int i = 0; i < iterations; i++) {
                long iterationSeed = master.nextLong();
                try {
                    inDoubt += iteration(i, iterationSeed, seed, run + "-" + i + "-", problems, log);
                } catch (Exception e) {
                    problems.add("seed " + seed + " iteration " + i + ": " + e);
                    log.println("random http: iteration " + i + " broke: " + e);
                    for (int p = 0; p < 3; p++) { // start whatever is down, for the next iteration
                        if (processes[p] == null || !processes[p].alive()) {
                            start(p);
                        }
                    }
                }
                done++;
            }
        } finally {
            for (ChildProcess p : processes) {
                if (p != null) {
                    p.kill();
                }
            }
        }
        if (reportedCommitted == 0) {
            problems.add("seed " + seed + ": no transaction was reported committed in any iteration: the face proves"
                    + " nothing");
        }
        log.printf(Locale.ROOT, "random http: %d iterations in %d s%n", done,
                Duration.ofNanos(System.nanoTime() - t0).toSeconds());
        return List.of(new Tally("random", "kill -9 of a random process (coordinator, participant A or B) at a random"
                + " moment under " + CLIENTS + " clients, restart, recovery", FACE, done, problems.size(), inDoubt,
                problems));
    }

    private void start(int p) throws Exception {
        starts++;
        String coordinatorUrl = "http://127.0.0.1:" + coordinatorPort;
        if (p == 0) {
            processes[0] = new ChildProcess("coordinator", work.resolve("coordinator.log")).start(List.of(), TOKEN,
                    "dtc-server listening on", "dev.dtc.server.ServerMain", "--port",
                    Integer.toString(coordinatorPort), "--data-dir", work.resolve("coordinator").toString(),
                    "--node-name", NODE, "--recovery-interval", "1s", "--phase2-timeout", "3s");
            return;
        }
        boolean isA = p == 1;
        DatabaseServer server = isA ? pg : my;
        String name = isA ? A : B;
        String broken = System.getProperty("dtc.campaign.random.break");
        List<String> jvm = !isA && "skip-insert".equals(broken) ? List.of("-Ddtc.campaign.random.break=skip-insert")
                : List.of();
        processes[p] = new ChildProcess(name, work.resolve(name + ".log")).start(jvm, TOKEN,
                "participant listening on", RandomParticipantMain.class.getName(), name,
                Integer.toString(isA ? portA : portB), isA ? "postgres" : "mysql",
                server.jdbcUrl(isA ? DB_A : DB_B), server.user(), server.password(), coordinatorUrl);
    }

    /** One kill and its checks; returns how many things were left in doubt. */
    private long iteration(int i, long iterationSeed, long seed, String prefix, List<String> problems,
                           PrintStream log) throws Exception {
        Random r = new Random(iterationSeed);
        int delayMs = 200 + r.nextInt(3_801);
        int victim = r.nextInt(3);
        int tailMs = 200 + r.nextInt(801);
        String where = "seed " + seed + " iteration " + i;
        log.printf(Locale.ROOT, "random http: iteration %d (seed %d): kill -9 %s %d ms after the clients start,"
                + " clients stop %d ms later%n", i, seed, VICTIMS.get(victim), delayMs, tailMs);
        ConcurrentLinkedQueue<Tx> txs = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < CLIENTS; t++) {
            String keyPrefix = prefix + t + "-";
            Thread c = new Thread(() -> {
                for (int n = 0; !stop.get(); n++) {
                    Tx tx = new Tx(keyPrefix + n);
                    txs.add(tx);
                    post(tx);
                    if (!tx.told.equals("COMMITTED") && !tx.told.equals("ROLLED_BACK")) {
                        sleep(100);
                    }
                }
            }, "random-client-" + t);
            c.setDaemon(true);
            c.start();
            clients.add(c);
        }
        Thread.sleep(delayMs);
        processes[victim].kill(); // destroyForcibly: SIGKILL
        Thread.sleep(tailMs);
        stop.set(true);
        for (Thread c : clients) {
            c.join(Duration.ofSeconds(90).toMillis());
            if (c.isAlive()) {
                problems.add(where + ": a client did not come back from its request in 90 s");
            }
        }
        start(victim);
        // recovery: nothing prepared of ours in either database, nothing the coordinator lists
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        List<String> left;
        while (true) {
            left = leftovers();
            if (left.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(500);
        }
        Map<String, String> rowsA = Rows.read(pg, DB_A, "random_rows", prefix);
        Map<String, String> rowsB = Rows.read(my, DB_B, "random_rows", prefix);
        // told committed, rolled back, refused, no answer; of the no answers: found committed, not found committed, key
        // unknown to the coordinator (the request started nothing)
        int[] counts = new int[7];
        List<String> found = new ArrayList<>();
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (Tx tx : txs) {
            keys.add(tx.key);
            boolean inA = rowsA.containsKey(tx.key);
            boolean inB = rowsB.containsKey(tx.key);
            String id = tx.id != null ? tx.id : rowsA.containsKey(tx.key) ? rowsA.get(tx.key) : rowsB.get(tx.key);
            String replayed = "";
            if (tx.told.equals("NO_ANSWER") && tx.id == null) {
                // the lost answer: ask the coordinator through the Idempotency-Key
                String[] again = replay(tx);
                replayed = ", replay: " + again[0] + " " + again[1];
                if (again[0] != null) {
                    if (id != null && !id.equals(again[0])) {
                        found.add(where + " key " + tx.key + ": the rows name " + id + ", the key's replay "
                                + again[0]);
                    }
                    id = again[0];
                } else if (again[1].equals("not recorded")) {
                    counts[6]++;
                    if (inA || inB) {
                        found.add(where + " key " + tx.key + ": rows of " + id + " in PostgreSQL " + inA
                                + ", in MySQL/MariaDB " + inB + ", but the coordinator does not know the key");
                    }
                } else {
                    found.add(where + " key " + tx.key + ": " + again[1]);
                }
            }
            String outcome = id == null ? null : outcome(id);
            String what = where + " key " + tx.key + " tx " + id + ": told " + tx.told + tx.detail
                    + ", coordinator says " + outcome + replayed + ", row in PostgreSQL " + inA
                    + ", in MySQL/MariaDB " + inB;
            switch (tx.told) {
                case "COMMITTED" -> counts[0]++;
                case "ROLLED_BACK" -> counts[1]++;
                case "REFUSED" -> counts[2]++;
                default -> {
                    counts[3]++;
                    counts[inA && inB ? 4 : 5]++;
                }
            }
            if (inA != inB) {
                found.add(what + ": not all or nothing");
            } else if (inA && !rowsA.get(tx.key).equals(rowsB.get(tx.key))) {
                found.add(what + ": the two rows name different transactions (" + rowsA.get(tx.key) + ", "
                        + rowsB.get(tx.key) + ")");
            } else if (tx.told.equals("COMMITTED") && !inA) {
                found.add(what + ": reported committed but not committed everywhere");
            } else if ((tx.told.equals("ROLLED_BACK") || tx.told.equals("REFUSED")) && inA) {
                found.add(what + ": reported " + tx.told + " but committed");
            } else if (tx.id != null && inA && !tx.id.equals(rowsA.get(tx.key))) {
                found.add(what + ": its rows name another transaction " + rowsA.get(tx.key));
            } else if (id != null && !outcome.equals("COMMITTED") && !outcome.equals("ROLLED_BACK")) {
                found.add(what + ": the coordinator has no final outcome");
            } else if (id != null && outcome.equals("COMMITTED") != inA) {
                found.add(what + ": the databases disagree with the coordinator's outcome");
            }
        }
        for (Map<String, String> rows : List.of(rowsA, rowsB)) {
            for (String k : rows.keySet()) {
                if (!keys.contains(k)) {
                    found.add(where + " key " + k + ": a row for a key no client posted");
                }
            }
        }
        log.printf(Locale.ROOT, "random http: iteration %d: %d transactions: told committed %d, rolled back %d,"
                        + " refused %d, no answer %d (found committed %d, not %d; of these never started %d); rows %d/%d;"
                        + " %s%n", i, txs.size(), counts[0], counts[1], counts[2], counts[3], counts[4], counts[5],
                counts[6], rowsA.size(),
                rowsB.size(), found.isEmpty() && left.isEmpty() ? "ok" : found.size() + " violations, "
                        + left.size() + " left in doubt");
        reportedCommitted += counts[0];
        found.forEach(v -> log.println("random http: VIOLATION " + v));
        left.forEach(l -> log.println("random http: IN DOUBT " + where + ": " + l));
        problems.addAll(found.size() > 5 ? found.subList(0, 5) : found);
        if (found.size() > 5) {
            problems.add(where + ": and " + (found.size() - 5) + " more violations (see the log)");
        }
        for (String l : left) {
            problems.add(where + ": still in doubt after 120 s: " + l);
        }
        return left.size();
    }

    private String body(Tx tx) {
        return CoordinatorCalls.oneShotBody(A, portA, B, portB, tx.key);
    }

    /**
     * Asks the coordinator about a request whose answer was lost, by sending it again with the same Idempotency-Key
     * and body: a key the coordinator recorded answers {@code "replayed": true} with the first transaction's id and
     * outcome and starts nothing; an unknown key means the first request started nothing (the key is forced before
     * the first prepare), and starts a new transaction, which is none of this check's business.
     *
     * @return {id, outcome} of the replayed transaction, {null, "not recorded"} if the key was unknown, or
     *         {null, what went wrong}
     */
    private String[] replay(Tx tx) {
        try {
            HttpResponse<String> r = calls.post("/v1/transactions", body(tx), Duration.ofSeconds(60),
                    "Content-Type", "application/json", "Idempotency-Key", tx.key);
            JsonNode j = JSON.readTree(r.body());
            if (r.statusCode() == 200 && j.path("replayed").asBoolean(false)) {
                return new String[] {j.path("id").asText(null), j.path("outcome").asText()};
            }
            if (r.statusCode() == 200) {
                return new String[] {null, "not recorded"};
            }
            return new String[] {null, "replay answered HTTP " + r.statusCode() + " " + r.body()};
        } catch (IOException e) {
            return new String[] {null, "replay got no answer: " + e};
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new String[] {null, "interrupted"};
        }
    }

    private void post(Tx tx) {
        String body = body(tx);
        try {
            HttpResponse<String> r = calls.post("/v1/transactions", body, Duration.ofSeconds(60),
                    "Content-Type", "application/json", "Idempotency-Key", tx.key);
            int status = r.statusCode();
            if (status == 200) {
                JsonNode j = JSON.readTree(r.body());
                tx.id = j.path("id").asText(null);
                String outcome = j.path("outcome").asText();
                tx.told = outcome.equals("COMMITTED") || outcome.equals("ROLLED_BACK") ? outcome : "NO_ANSWER";
                tx.detail = tx.told.equals("NO_ANSWER") ? " (outcome " + outcome + ")" : "";
            } else if (status == 503 || (status >= 400 && status < 500)) {
                tx.told = "REFUSED"; // documented to start nothing
                tx.detail = " (HTTP " + status + ")";
            } else {
                tx.told = "NO_ANSWER";
                tx.detail = " (HTTP " + status + ")";
                tx.id = JSON.readTree(r.body()).path("id").asText(null);
            }
        } catch (ConnectException e) {
            tx.told = "REFUSED";
            tx.detail = " (connection refused)";
        } catch (IOException e) {
            tx.told = "NO_ANSWER";
            tx.detail = " (" + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            tx.told = "NO_ANSWER";
        }
    }

    /** The coordinator's outcome of a transaction; a 404 with {@code presumed} is a rollback (presumed abort). */
    private String outcome(String id) {
        try {
            HttpResponse<String> r = calls.get("/v1/transactions/" + id);
            JsonNode j = JSON.readTree(r.body());
            if (r.statusCode() == 404 && j.path("presumed").asBoolean(false)) {
                return "ROLLED_BACK";
            }
            return j.path("outcome").asText("HTTP " + r.statusCode());
        } catch (IOException e) {
            return "no answer: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private List<String> leftovers() {
        List<String> left = new ArrayList<>();
        try {
            left.addAll(Rows.preparedInPostgres(pg, DB_A));
            left.addAll(Rows.preparedInMysql(my, DB_B, NODE + "~", B));
            CoordinatorCalls.Listed listed = calls.listed();
            if (listed.status != 200) {
                left.add("the coordinator's list answered HTTP " + listed.status);
            } else {
                for (String t : listed.entries()) {
                    left.add("the coordinator lists " + t);
                }
            }
        } catch (Exception e) {
            left.add("cannot look for leftovers: " + e);
        }
        return left;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
