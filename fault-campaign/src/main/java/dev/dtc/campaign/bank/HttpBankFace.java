package dev.dtc.campaign.bank;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dtc.campaign.Size;
import dev.dtc.campaign.Tally;
import dev.dtc.campaign.bank.Ledger.Outcome;
import dev.dtc.testdb.DatabaseServer;
import dev.dtc.testdb.TestDatabases;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The HTTP face of the bank: dtc-server and two participant-kit processes ({@link HttpBankParticipant}, one per
 * database), each in a JVM of its own; {@value #CLIENTS} clients in this JVM run one-shot transactions
 * ({@code POST /v1/transactions} naming both participants, each with its side of the transfer). Every few seconds
 * one of the three processes, drawn from the seed, is killed with {@code kill -9} and restarted on its port and data.
 * After the load, recovery is given time to settle everything (nothing prepared, nothing the coordinator holds),
 * then {@link BankCheck}.
 */
final class HttpBankFace {

    static final String FACE = "http one-shot";
    static final int CLIENTS = 16;
    static final List<String> PROCESSES = List.of("coordinator", "pg", "my");

    private final ObjectMapper json = new ObjectMapper();
    private final StringBuffer lines = new StringBuffer();
    private final Map<String, ChildJvm> running = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, Integer> starts = new LinkedHashMap<>();
    private Path dir;
    private String node;
    private String token;
    private BankDatabases dbs;

    static List<Tally> run(Size size, long seed, PrintStream log) throws Exception {
        return new HttpBankFace().runIt(size, seed, log);
    }

    private void emit(String line) {
        lines.append(line + "\n"); // one append: the clients' lines must not interleave
    }

    private List<Tally> runIt(Size size, long seed, PrintStream log) throws Exception {
        Duration load = Duration.ofSeconds(size.pick(40, 15 * 60)); // with the JTA face: about 2 min at CI size, 30 min of load at full size
        int minDelayMs = size.pick(3_000, 2_000);
        int maxDelayMs = size.pick(7_000, 10_000);
        Random random = new Random(seed ^ 0x6874747062616e6bL);
        String runId = Long.toString(System.currentTimeMillis(), 36) + Integer.toString(random.nextInt(36 * 36), 36);
        node = "bank-http-" + runId;
        token = "bank-" + runId;
        DatabaseServer pgServer = TestDatabases.postgres();
        DatabaseServer myServer = TestDatabases.mysql();
        dbs = new BankDatabases(pgServer, myServer, "bankh_" + runId, JtaBankFace.ACCOUNTS, JtaBankFace.INITIAL_BALANCE);
        dbs.create();
        dir = Files.createTempDirectory("dtc-bank-http-");
        Files.writeString(dir.resolve("token"), token);
        for (String p : PROCESSES) {
            try (ServerSocket s = new ServerSocket(0)) {
                ports.put(p, s.getLocalPort());
            }
        }
        log.printf(Locale.ROOT, "bank http: seed %d, node %s, databases %s, ports %s, files in %s%n", seed, node,
                dbs.database, ports, dir);
        List<String> harness = new ArrayList<>();
        int kills = 0;
        Map<String, Integer> killsOf = new LinkedHashMap<>();
        long started = System.nanoTime();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        try {
            for (String p : PROCESSES) {
                String problem = start(p);
                if (problem != null) {
                    harness.add("seed " + seed + ": " + problem);
                }
            }
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2)).build();
            if (harness.isEmpty()) {
                for (int t = 0; t < CLIENTS; t++) {
                    int thread = t;
                    Random r = new Random(seed * 1_000_003L + 7_919L * thread + 1);
                    Thread client = new Thread(() -> clientLoop(http, r, "h" + thread + "n", stop), "bank-http-" + t);
                    client.setDaemon(true);
                    client.start();
                    clients.add(client);
                }
                long loadEnd = System.nanoTime() + load.toNanos();
                while (System.nanoTime() < loadEnd) {
                    Thread.sleep(minDelayMs + random.nextInt(maxDelayMs - minDelayMs + 1));
                    String victim = PROCESSES.get(random.nextInt(PROCESSES.size()));
                    running.get(victim).kill();
                    kills++;
                    killsOf.merge(victim, 1, Integer::sum);
                    long committed = lines.toString().lines().filter(l -> l.startsWith("C ")).count();
                    long t0 = System.nanoTime();
                    String problem = start(victim);
                    log.printf(Locale.ROOT, "bank http: kill %d: %s, restarted in %d ms (%d transfers reported committed"
                            + " before the kill)%n", kills, victim, Duration.ofNanos(System.nanoTime() - t0).toMillis(),
                            committed);
                    if (problem != null) {
                        harness.add("seed " + seed + ": " + problem);
                        break;
                    }
                }
            }
            stop.set(true);
            for (Thread c : clients) {
                c.join(Duration.ofSeconds(60).toMillis());
            }
            long loadNanos = System.nanoTime() - started;

            // let recovery settle: nothing prepared for this run, nothing the coordinator holds
            long inDoubt = 0;
            List<String> inDoubtDetails = new ArrayList<>();
            long settleEnd = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            List<String> left;
            do {
                Thread.sleep(1_000);
                left = leftovers(http);
            } while (!left.isEmpty() && System.nanoTime() < settleEnd);
            inDoubt += left.size();
            left.forEach(l -> inDoubtDetails.add("seed " + seed + ": " + l));

            Ledger ledger = new Ledger();
            ledger.read("clients", lines.toString());
            BankCheck check = new BankCheck(dbs.expectedTotal(), JtaBankFace.INITIAL_BALANCE, ledger,
                    dbs.postgresState(), dbs.mysqlState());
            long attempted = ledger.transfers.size();
            long committed = ledger.count(Outcome.COMMITTED);
            if (committed == 0) {
                harness.add("seed " + seed + ": no transfer was reported committed: the run proves nothing");
            }
            long rolledBack = ledger.count(Outcome.ROLLED_BACK);
            long funds = ledger.transfers.values().stream()
                    .filter(t -> t.outcome == Outcome.ROLLED_BACK && t.reason.contains("funds")).count();
            long refused = ledger.transfers.values().stream()
                    .filter(t -> t.outcome == Outcome.ROLLED_BACK && t.reason.startsWith("refused")).count();
            long inFlight = ledger.count(Outcome.IN_FLIGHT);
            long unknown = ledger.count(Outcome.UNKNOWN);
            List<String> bankViolations = new ArrayList<>(harness);
            check.bankViolations.forEach(v -> bankViolations.add("seed " + seed + ": " + v));
            List<String> transferViolations = new ArrayList<>();
            check.transferViolations.forEach(v -> transferViolations.add("seed " + seed + ": " + v));
            boolean holds = bankViolations.isEmpty() && transferViolations.isEmpty() && inDoubt == 0;
            log.printf(Locale.ROOT, "bank http: %d kills %s, %d s of load, %d s in all; transfers attempted %d /"
                            + " committed %d / rolled back %d (%d for want of funds, %d refused before they began) /"
                            + " failed before decision %d (in flight at a kill, reported to nobody: %d found committed,"
                            + " %d rolled back) / outcome unknown to the client %d (%d found committed); total balance"
                            + " %d (expected %d); invariant %s%n",
                    kills, killsOf, Duration.ofNanos(loadNanos).toSeconds(),
                    Duration.ofNanos(System.nanoTime() - started).toSeconds(), attempted, committed, rolledBack, funds,
                    refused, inFlight, check.inFlightCommitted, check.inFlightRolledBack, unknown,
                    check.unknownCommitted, check.total, dbs.expectedTotal(), holds ? "HOLDS" : "VIOLATED");
            ledger.transfers.values().stream().filter(t -> t.outcome == Outcome.UNKNOWN).limit(5)
                    .forEach(t -> log.println("bank http: outcome unknown to its client: " + t));
            ledger.transfers.values().stream().filter(t -> t.outcome == Outcome.ROLLED_BACK)
                    .collect(java.util.stream.Collectors.groupingBy(t -> t.reason.replaceAll("[0-9]+", "#"),
                            java.util.stream.Collectors.counting()))
                    .entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                    .forEach(e -> log.println("bank http: rolled back " + e.getValue() + " times: " + e.getKey()));
            bankViolations.forEach(v -> log.println("bank http: VIOLATION " + v));
            transferViolations.forEach(v -> log.println("bank http: VIOLATION " + v));
            inDoubtDetails.forEach(v -> log.println("bank http: IN DOUBT " + v));
            stopAll();
            if (holds && !Boolean.getBoolean("dtc.campaign.bank.keep")) {
                dbs.drop();
                JtaBankFace.deleteQuietly(dir);
            } else {
                log.println("bank http: kept databases " + dbs.database + " and files " + dir + " for a look");
            }
            List<String> rowOne = new ArrayList<>(JtaBankFace.capped(bankViolations));
            rowOne.addAll(JtaBankFace.capped(inDoubtDetails));
            return List.of(
                    new Tally("bank", "kill -9 of coordinator or participant under " + CLIENTS + " clients, restart,"
                            + " recovery", FACE, kills, bankViolations.size(), inDoubt, rowOne),
                    new Tally("bank", "transfers PostgreSQL <-> MySQL: atomic, reported outcomes kept", FACE, attempted,
                            transferViolations.size(), 0, JtaBankFace.capped(transferViolations)));
        } finally {
            stop.set(true);
            stopAll();
        }
    }

    private void stopAll() throws InterruptedException {
        for (ChildJvm c : running.values()) {
            c.kill();
        }
    }

    private String coordinatorUrl() {
        return "http://127.0.0.1:" + ports.get("coordinator");
    }

    /** Starts (or restarts) one process on its port; null when it is ready, else what went wrong. */
    private String start(String name) throws IOException, InterruptedException {
        int n = starts.merge(name, 1, Integer::sum);
        Path out = dir.resolve(name + "-" + n + ".out");
        Path err = dir.resolve(name + "-" + n + ".err");
        ChildJvm child;
        String ready;
        if (name.equals("coordinator")) {
            child = ChildJvm.start("dev.dtc.server.ServerMain", out, err, List.of("--port",
                    Integer.toString(ports.get(name)), "--data-dir", dir.resolve("coordinator").toString(), "--node-name",
                    node, "--token-file", dir.resolve("token").toString(), "--recovery-interval", "1s",
                    "--phase2-timeout", "5s"));
            ready = "dtc-server listening on ";
        } else {
            DatabaseServer server = name.equals("pg") ? dbs.postgres : dbs.mysql;
            child = ChildJvm.start(HttpBankParticipant.class, out, err, List.of("name=bank-" + name + "-"
                            + node.substring("bank-http-".length()), "kind=" + name, "url=" + server.jdbcUrl(dbs.database),
                    "user=" + server.user(), "password=" + server.password(), "coordinator=" + coordinatorUrl(),
                    "port=" + ports.get(name), "token=" + token, "connections=" + (name.equals("pg") ? 12 : CLIENTS)));
            ready = "LISTENING";
        }
        running.put(name, child);
        if (!child.awaitLine(l -> l.startsWith(ready), Duration.ofSeconds(120))) {
            return name + " (start " + n + ") did not get ready (alive " + child.process.isAlive() + "): "
                    + child.errTail();
        }
        return null;
    }

    private void clientLoop(HttpClient http, Random random, String idPrefix, AtomicBoolean stop) {
        for (long n = 0; !stop.get(); n++) {
            String id = idPrefix + n;
            int pgAccount = 1 + random.nextInt(JtaBankFace.ACCOUNTS);
            int myAccount = 1 + random.nextInt(JtaBankFace.ACCOUNTS);
            boolean pgToMy = random.nextBoolean();
            long amount = 1 + random.nextInt(JtaBankFace.MAX_AMOUNT);
            long pgDelta = pgToMy ? -amount : amount;
            emit("S " + id + " " + (pgToMy ? "pg2my" : "my2pg") + " " + pgAccount + " " + myAccount + " " + amount);
            ObjectNode body = json.createObjectNode();
            body.put("timeoutMs", 10_000);
            var participants = body.putArray("participants");
            participants.add(side("pg", id, pgAccount, pgDelta));
            participants.add(side("my", id, myAccount, -pgDelta));
            HttpRequest request = HttpRequest.newBuilder(URI.create(coordinatorUrl() + "/v1/transactions"))
                    .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                    .build();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status == 200) {
                    JsonNode answer = json.readTree(response.body());
                    String outcome = answer.path("outcome").asText();
                    if (outcome.equals("COMMITTED")) {
                        emit("C " + id);
                    } else if (outcome.equals("ROLLED_BACK")) {
                        emit("R " + id + " " + reasons(answer));
                    } else {
                        emit("U " + id + " outcome:" + outcome);
                    }
                } else if (status == 500) {
                    emit("U " + id + " http500:" + oneLine(response.body()));
                } else {
                    // 4xx and 503: refused, nothing changed
                    emit("R " + id + " refused:" + status + ":" + oneLine(response.body()));
                    Thread.sleep(100);
                }
            } catch (ConnectException e) {
                emit("R " + id + " refused:connect");
                sleepQuietly();
            } catch (IOException e) {
                // the answer was lost (a kill mid-request): reported to nobody
                sleepQuietly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ObjectNode side(String name, String id, int account, long delta) {
        ObjectNode p = json.createObjectNode();
        p.put("name", name);
        p.put("url", "http://127.0.0.1:" + ports.get(name) + "/tx");
        ObjectNode payload = p.putObject("payload");
        payload.put("id", id);
        payload.put("account", account);
        payload.put("delta", delta);
        return p;
    }

    private static String reasons(JsonNode answer) {
        StringBuilder b = new StringBuilder();
        for (JsonNode p : answer.path("participants")) {
            b.append(p.path("name").asText()).append(':').append(p.path("vote").asText());
            if (p.has("reason")) {
                b.append(':').append(p.path("reason").asText());
            }
            b.append(',');
        }
        return oneLine(b.toString());
    }

    private static String oneLine(String s) {
        String t = s.replaceAll("\\s+", "_");
        return t.length() > 200 ? t.substring(0, 200) : t;
    }

    /** What is still in doubt: prepared branches of this run in either database, transactions the coordinator holds. */
    private List<String> leftovers(HttpClient http) {
        List<String> left = new ArrayList<>();
        try {
            dbs.preparedInPostgres().forEach(g -> left.add("still prepared in PostgreSQL: " + g));
            dbs.preparedInMysql(List.of(node)).forEach(g -> left.add("still prepared in MySQL/MariaDB: " + g));
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(coordinatorUrl() + "/v1/transactions"))
                    .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                left.add("the coordinator answers GET /v1/transactions with " + r.statusCode());
            } else {
                for (JsonNode t : json.readTree(r.body()).path("transactions")) {
                    left.add("the coordinator holds " + t.path("id").asText() + " " + t.path("state").asText());
                }
            }
        } catch (Exception e) {
            left.add("cannot look for leftovers: " + e);
        }
        return left;
    }
}
