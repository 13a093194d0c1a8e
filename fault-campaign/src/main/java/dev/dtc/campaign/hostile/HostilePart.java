package dev.dtc.campaign.hostile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dtc.campaign.Part;
import dev.dtc.campaign.Size;
import dev.dtc.campaign.Tally;
import dev.dtc.server.HostileCoordinator;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * §5 Hostile input: every HTTP endpoint of the coordinator (transactions, operators' routes, registry, locks,
 * health) and of the participant kit (protocol endpoints and a joined endpoint, on a real PostgreSQL database) gets
 * seeded hostile requests: malformed JSON, wrong types, unknown and duplicate fields, oversize bodies, bad and
 * unknown ids, wrong and missing tokens, wrong methods, and protocol messages out of order. Each must get its 4xx
 * with an {@code error} (or the documented 2xx), and afterwards nothing may have changed and nothing leaked.
 */
public final class HostilePart implements Part {

    static final String NAME = "hostile";
    static final String TOKEN = "hostile-Token-7";
    static final String NODE = "hostile";
    static final int MAX_BODY = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * For checking the checks by hand only: {@code -Ddtc.campaign.hostile.sabotage=NAME[,NAME]} makes the run do
     * something that an invariant must catch ({@code valid-begin}, {@code valid-prepare}, {@code lock},
     * {@code registry}, {@code rollback}, {@code thread}, {@code connection}, {@code expect}).
     */
    /** {@code -Ddtc.campaign.hostile.trace=true}: every request and its answer on the log, to replay by hand. */
    static final boolean TRACE = Boolean.getBoolean("dtc.campaign.hostile.trace");

    static final String SABOTAGE = System.getProperty("dtc.campaign.hostile.sabotage", "");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "fuzzes every endpoint of the coordinator and the participant kit (malformed JSON, wrong types, "
                + "oversize, bad and unknown ids, wrong tokens and methods, out-of-order protocol messages): "
                + "4xx with an error each, nothing changed, nothing leaked";
    }

    @Override
    public List<Tally> run(Size size, long seed, PrintStream log) throws Exception {
        int requests = size.pick(10_000, 100_000);
        Path dir = Files.createTempDirectory("dtc-hostile-");
        try (HostileCoordinator coordinator = HostileCoordinator.start(dir.resolve("data"), NODE, TOKEN, MAX_BODY);
             HostileKit kit = new HostileKit(coordinator.url(), TOKEN, MAX_BODY)) {
            return new Run(size, seed, log, requests, coordinator, kit, dir.resolve("data")).go();
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: leave it
        }
    }

    /** One run: setup, the requests, the checks. */
    private static final class Run {
        private final long seed;
        private final PrintStream log;
        private final int requests;
        private final HostileCoordinator coordinator;
        private final HostileKit kit;
        private final Path dataDir;
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        private final Map<String, long[]> counts = new LinkedHashMap<>(); // family -> [requests, violations]
        private final Map<String, List<String>> details = new LinkedHashMap<>();
        private final Map<String, String> faces = new LinkedHashMap<>();

        Run(Size size, long seed, PrintStream log, int requests, HostileCoordinator coordinator, HostileKit kit,
            Path dataDir) {
            this.seed = seed;
            this.log = log;
            this.requests = requests;
            this.coordinator = coordinator;
            this.kit = kit;
            this.dataDir = dataDir;
            for (String f : Generator.FAMILIES) {
                counts.put(f, new long[2]);
                details.put(f, new ArrayList<>());
                faces.put(f, f.startsWith("kit") ? "kit http" : "coordinator http");
            }
        }

        List<Tally> go() throws Exception {
            awaitUp();
            // what the hostile requests aim at: a registration, a held lock, an open transaction rolled back
            must(call("PUT", "/v1/participants/hostile-known", "{\"url\":\"" + kit.url() + "/tx\"}"), 201);
            JsonNode lock = must(call("POST", "/v1/locks/hostile-held",
                    "{\"owner\":\"hostile-setup\",\"ttlMs\":3600000}"), 200);
            JsonNode open = must(call("POST", "/v1/transactions", "{\"open\":true,\"timeoutMs\":600000}"), 201);
            String rolledBack = open.get("id").asText();
            must(call("POST", "/v1/transactions/" + rolledBack + "/rollback", "{\"reason\":\"hostile setup\"}"), 200);
            Generator.Targets targets = new Generator.Targets(TOKEN, NODE, kit.url(), MAX_BODY, rolledBack,
                    "hostile-known", "hostile-held", "hostile-setup", lock.get("token").asLong());
            Generator gen = new Generator(seed, targets);

            Thread.sleep(1500); // let the rollback's history write and the first recovery pass settle
            Map<String, String> filesBefore = dataFiles();
            String registryBefore = call("GET", "/v1/participants", null).body();
            String lockBefore = call("GET", "/v1/locks/hostile-held", null).body();
            String rolledBackBefore = call("GET", "/v1/transactions/" + rolledBack, null).body();
            String listBefore = call("GET", "/v1/transactions", null).body();

            int baselineThreads = -1;
            int[] baselineSessions = null;
            long t0 = System.nanoTime();
            int index = 0;
            int nextProgress = 2000;
            sabotageBefore(targets);
            while (index < requests) {
                for (Probe p : gen.next()) {
                    send(index++, p);
                }
                if (baselineThreads < 0 && index >= requests / 20) {
                    // pools have grown to what this load needs: what leaks shows as growth from here
                    baselineThreads = threads();
                    baselineSessions = kit.sessions();
                    log.printf("hostile: baseline after %d requests: %d threads, %d kit sessions%n", index,
                            baselineThreads, baselineSessions[0]);
                }
                if (index >= nextProgress) {
                    nextProgress += 2000;
                    log.printf("hostile: %d requests, %.1f s%n", index, (System.nanoTime() - t0) / 1e9);
                }
            }
            log.printf("hostile: %d requests in %.1f s (%d answers lost to the known early close of a request"
                    + " refused unread)%n", index, (System.nanoTime() - t0) / 1e9, earlyCloses);
            sabotageAfter(targets);

            List<Tally> tallies = new ArrayList<>();
            for (String f : Generator.FAMILIES) {
                long[] c = counts.get(f);
                tallies.add(new Tally(NAME, f, faces.get(f), c[0], c[1], 0, details.get(f)));
            }
            tallies.add(kitUnchanged(gen));
            tallies.add(coordinatorUnchanged(gen, filesBefore, registryBefore, lockBefore, rolledBack,
                    rolledBackBefore, listBefore));
            tallies.add(noLeak(baselineThreads, baselineSessions));
            return tallies;
        }

        // ------------------------------------------------------------ sending and judging one request

        private void send(int index, Probe p) {
            if (SABOTAGE.contains("expect") && index % 500 == 0) {
                p = new Probe(p.family(), p.what(), p.kit(), p.method(), p.path(), p.headers(), p.body(),
                        s -> s == 299, "299 (sabotage)", p.vote());
            }
            String verdict;
            String got;
            try {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create((p.kit() ? kit.url() : coordinator.url())
                        + p.path())).timeout(Duration.ofSeconds(60)).method(p.method(), p.body() == null
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(p.body()));
                p.headers().forEach(b::header);
                HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                String body = new String(r.body(), StandardCharsets.UTF_8);
                got = r.statusCode() + " " + Probe.abbreviate(body, 200);
                verdict = judge(p, r, body);
            } catch (IllegalArgumentException e) {
                got = "not sendable: " + e.getMessage();
                verdict = "the generator made a request the client cannot send";
            } catch (java.net.http.HttpTimeoutException e) {
                got = "no answer within 60 s";
                verdict = "a hang";
            } catch (IOException e) {
                got = e.getClass().getSimpleName() + ": " + e.getMessage();
                verdict = "the connection was dropped without an answer";
                if (refusedUnread(p)) {
                    // known and intended: a request refused before its body is read (401, 413) is answered with
                    // Connection: close, and a client still sending a large body may lose that answer to the close
                    earlyCloses++;
                    log.println("hostile: answer lost to the early close of a request refused unread (known): #"
                            + index + " " + p.describe() + ": " + got);
                    verdict = null;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (TRACE) {
                log.println("hostile trace #" + index + ": " + p.describe() + " -> " + got);
            }
            long[] c = counts.get(p.family());
            c[0]++;
            if (verdict != null) {
                c[1]++;
                String d = "seed " + seed + " request #" + index + " (" + p.what() + "): " + verdict + "; sent "
                        + p.describe() + "; expected " + p.expectedText() + "; got " + got;
                log.println("hostile VIOLATION: " + d);
                List<String> ds = details.get(p.family());
                if (ds.size() < 20) {
                    ds.add(d);
                }
            }
        }


        private int earlyCloses;

        /** Refused before its body is read (401 or 413 expected) and large enough to be still on its way then. */
        private static boolean refusedUnread(Probe p) {
            return p.body() != null && p.body().length > 16 * 1024
                    && (p.expected().test(401) || p.expected().test(413)) && !p.expected().test(200);
        }

        /** null when the answer is right, else what is wrong. */
        private static String judge(Probe p, HttpResponse<byte[]> r, String body) {
            int s = r.statusCode();
            if (!p.expected().test(s)) {
                return s >= 500 ? "a server error" : "an unexpected status";
            }
            JsonNode json;
            try {
                json = JSON.readTree(body);
            } catch (IOException e) {
                return "the answer is not JSON";
            }
            if (json == null || !json.isObject()) {
                return "the answer is not a JSON object";
            }
            String type = r.headers().firstValue("Content-Type").orElse("");
            if (!type.startsWith("application/json")) {
                return "the answer's Content-Type is '" + type + "', not application/json";
            }
            if (s >= 400) {
                JsonNode e = json.get("error");
                if (e == null || !e.isTextual() || e.asText().isBlank()) {
                    return "a refusal without an \"error\" message";
                }
            }
            if (p.vote() != null && !p.vote().equals(json.path("vote").asText())) {
                return "the vote is not " + p.vote();
            }
            return null;
        }

        // ------------------------------------------------------------ checks after the run

        private Tally kitUnchanged(Generator gen) throws Exception {
            List<String> v = new ArrayList<>();
            int checks = 0;
            TreeMap<String, String> work = kit.workRows();
            checks++;
            if (!work.isEmpty()) {
                v.add("the work ran for " + work.size() + " hostile request(s) (rows in hostile_work): "
                        + Probe.abbreviate(work.toString(), 300));
            }
            TreeMap<String, String> records = kit.records();
            Map<String, String> expected = new TreeMap<>(gen.expectedRecords);
            checks += Math.max(1, expected.size());
            if (!records.equals(expected)) {
                List<String> diff = new ArrayList<>();
                for (Map.Entry<String, String> e : records.entrySet()) {
                    if (!Objects.equals(expected.get(e.getKey()), e.getValue())) {
                        diff.add(e.getKey() + ": recorded " + e.getValue() + ", expected " + expected.get(e.getKey()));
                    }
                }
                for (Map.Entry<String, String> e : expected.entrySet()) {
                    if (!records.containsKey(e.getKey())) {
                        diff.add(e.getKey() + ": not recorded, expected " + e.getValue());
                    }
                }
                v.add(diff.size() + " kit record(s) differ from what the documented answers write: "
                        + Probe.abbreviate(diff.toString(), 400));
            }
            List<String> prepared = kit.preparedBranches();
            checks++;
            if (!prepared.isEmpty()) {
                v.add(prepared.size() + " prepared branch(es) of the kit left in pg_prepared_xacts: " + prepared);
            }
            log.printf("hostile: kit database: %d work rows, %d records (%d expected), %d prepared branches%n",
                    work.size(), records.size(), expected.size(), prepared.size());
            return after("after the run: kit database unchanged", "kit", checks, v);
        }

        private Tally coordinatorUnchanged(Generator gen, Map<String, String> filesBefore, String registryBefore,
                                           String lockBefore, String rolledBack, String rolledBackBefore,
                                           String listBefore) throws Exception {
            List<String> v = new ArrayList<>();
            int checks = 0;
            HttpResponse<String> list = call("GET", "/v1/transactions", null);
            checks++;
            JsonNode listed = JSON.readTree(list.body()).path("transactions");
            if (list.statusCode() != 200 || !listed.isArray() || listed.size() != 0) {
                v.add("transactions pending, in doubt or heuristic after the run: " + Probe.abbreviate(list.body(), 400)
                        + " (before: " + listBefore + ")");
            }
            Map<String, String> filesAfter = dataFiles();
            checks++;
            if (!filesAfter.equals(filesBefore)) {
                List<String> diff = new ArrayList<>();
                for (String f : filesAfter.keySet()) {
                    if (!Objects.equals(filesBefore.get(f), filesAfter.get(f))) {
                        diff.add(f + (filesBefore.containsKey(f) ? " changed" : " created"));
                    }
                }
                for (String f : filesBefore.keySet()) {
                    if (!filesAfter.containsKey(f)) {
                        diff.add(f + " removed");
                    }
                }
                v.add("the data directory (log, outcomes, registry, fencing) changed: " + diff);
            }
            checks++;
            String registryAfter = call("GET", "/v1/participants", null).body();
            if (!registryAfter.equals(registryBefore)) {
                v.add("the registry changed: before " + registryBefore + ", after " + Probe.abbreviate(registryAfter, 400));
            }
            checks++;
            String lockAfter = call("GET", "/v1/locks/hostile-held", null).body();
            if (!lockAfter.equals(lockBefore)) {
                v.add("the held lock changed: before " + lockBefore + ", after " + lockAfter);
            }
            for (String name : gen.locksTouched) {
                checks++;
                HttpResponse<String> r = call("GET", "/v1/locks/" + name, null);
                JsonNode l = JSON.readTree(r.body());
                if (r.statusCode() != 200 || l.has("holder") || l.has("token")) {
                    v.add("lock " + name + ", touched only by hostile requests, is not free: " + r.statusCode() + " "
                            + r.body());
                }
            }
            checks++;
            String rolledBackAfter = call("GET", "/v1/transactions/" + rolledBack, null).body();
            if (!rolledBackAfter.equals(rolledBackBefore)) {
                v.add("the rolled-back open transaction's answer changed: before " + rolledBackBefore + ", after "
                        + rolledBackAfter);
            }
            log.printf("hostile: coordinator: %d listed, %d data files, %d locks checked free%n", listed.size(),
                    filesAfter.size(), gen.locksTouched.size());
            return after("after the run: coordinator log, registry and locks unchanged", "coordinator", checks, v);
        }

        private Tally noLeak(int baselineThreads, int[] baselineSessions) throws Exception {
            List<String> v = new ArrayList<>();
            int slackThreads = 8;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int threads;
            int[] sessions;
            while (true) {
                threads = threads();
                sessions = kit.sessions();
                boolean ok = threads <= baselineThreads + slackThreads && sessions[0] <= baselineSessions[0] + 2
                        && sessions[1] == 0;
                if (ok || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(500);
            }
            if (threads > baselineThreads + slackThreads) {
                v.add("threads: " + threads + " after the run, " + baselineThreads + " at the baseline (slack "
                        + slackThreads + ")");
            }
            if (sessions[0] > baselineSessions[0] + 2) {
                v.add("the kit's database sessions: " + sessions[0] + " after the run, " + baselineSessions[0]
                        + " at the baseline (slack 2)");
            }
            if (sessions[1] != 0) {
                v.add("the kit has " + sessions[1] + " session(s) idle in a transaction (a branch left open)");
            }
            log.printf("hostile: threads %d (baseline %d), kit sessions %d (baseline %d), idle in transaction %d%n",
                    threads, baselineThreads, sessions[0], baselineSessions[0], sessions[1]);
            return after("after the run: no thread or connection leaked", "jvm and database", 3, v);
        }

        private static Tally after(String point, String face, int checks, List<String> violations) {
            return new Tally(NAME, point, face, checks, violations.size(), 0, violations);
        }

        private static int threads() {
            return ManagementFactory.getThreadMXBean().getThreadCount();
        }

        /** Every file of the coordinator's data directory: relative path to size and SHA-256. */
        private Map<String, String> dataFiles() throws Exception {
            Map<String, String> files = new TreeMap<>();
            try (Stream<Path> s = Files.walk(dataDir)) {
                for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                    MessageDigest md = MessageDigest.getInstance("SHA-256");
                    try (InputStream in = Files.newInputStream(p)) {
                        md.update(in.readAllBytes());
                    }
                    files.put(dataDir.relativize(p).toString(), Files.size(p) + ":"
                            + HexFormat.of().formatHex(md.digest()));
                }
            }
            return files;
        }

        // ------------------------------------------------------------ setup helpers

        private void awaitUp() throws Exception {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(coordinator.url() + "/health"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the coordinator did not come up: " + r.body());
                }
                Thread.sleep(100);
            }
        }

        private HttpResponse<String> call(String method, String path, String body) throws Exception {
            return http.send(HttpRequest.newBuilder(URI.create(coordinator.url() + path))
                    .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        }

        private static JsonNode must(HttpResponse<String> r, int status) throws IOException {
            if (r.statusCode() != status) {
                throw new IllegalStateException("setup: " + r.request().method() + " " + r.request().uri()
                        + " answered " + r.statusCode() + " " + r.body());
            }
            return JSON.readTree(r.body());
        }

        // ------------------------------------------------------------ sabotage, to check the checks by hand

        private final List<Thread> leaked = new ArrayList<>();

        private void sabotageBefore(Generator.Targets t) throws Exception {
            if (SABOTAGE.contains("thread")) {
                for (int i = 0; i < 20; i++) {
                    Thread th = new Thread(() -> {
                        try {
                            Thread.sleep(Long.MAX_VALUE);
                        } catch (InterruptedException e) {
                            // ends
                        }
                    }, "hostile-sabotage-" + i);
                    th.setDaemon(true);
                    leaked.add(th);
                }
            }
        }

        private void sabotageAfter(Generator.Targets t) throws Exception {
            if (SABOTAGE.isEmpty()) {
                return;
            }
            log.println("hostile: SABOTAGE " + SABOTAGE + " (checking the checks)");
            if (SABOTAGE.contains("valid-begin")) {
                call("POST", "/v1/transactions", "{\"participants\":[{\"name\":\"s\",\"url\":\"" + kit.url()
                        + "/tx\",\"payload\":1}]}");
            }
            if (SABOTAGE.contains("valid-prepare")) {
                http.send(HttpRequest.newBuilder(URI.create(kit.url() + "/tx/prepare"))
                        .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString(
                                "{\"transactionId\":\"hostile~sabotage~1\",\"payload\":1}")).build(),
                        HttpResponse.BodyHandlers.ofString());
            }
            if (SABOTAGE.contains("rollback")) {
                http.send(HttpRequest.newBuilder(URI.create(kit.url() + "/tx/rollback"))
                        .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString(
                                "{\"transactionId\":\"hostile~sabotage~2\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
            }
            if (SABOTAGE.contains("lock")) {
                call("POST", "/v1/locks/" + t.heldLock() + "/renew", "{\"owner\":\"" + t.heldOwner() + "\",\"token\":"
                        + t.heldToken() + ",\"ttlMs\":3600000}");
            }
            if (SABOTAGE.contains("registry")) {
                call("PUT", "/v1/participants/sabotage", "{\"url\":\"http://127.0.0.1:9/tx\"}");
            }
            if (SABOTAGE.contains("thread")) {
                leaked.forEach(Thread::start);
            }
            if (SABOTAGE.contains("connection")) {
                kit.leakOneBranch();
            }
        }
    }
}
