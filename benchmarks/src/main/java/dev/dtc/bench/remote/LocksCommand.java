package dev.dtc.bench.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar dtc-benchmarks.jar locks}: acquire + release per second of the coordinator's lock service, one
 * hot lock (every client waits for it) and many locks (clients spread over them), against dtc-server in a process of
 * its own, over HTTP.
 */
@Command(name = "locks", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "The lock service of dtc-server (a separate process) over HTTP: each client, in a closed loop,",
            "POST /v1/locks/{name} (waiting with waitMs while it is held) then DELETE with the token.",
            "Measured: completed acquire+release pairs per second, p50/p99 of a pair. Workloads: one hot lock,",
            "and --locks locks picked at random. Progress goes to stderr; the Markdown report to stdout."})
public final class LocksCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = {"-t", "--clients"}, paramLabel = "N", defaultValue = "64",
            description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = {"-d", "--seconds"}, paramLabel = "SECONDS", defaultValue = "10",
            description = "Measurement window per workload (default: ${DEFAULT-VALUE} s).")
    double seconds;

    @Option(names = {"-w", "--warmup"}, paramLabel = "SECONDS", defaultValue = "5",
            description = "Warm-up before each workload, not recorded (default: ${DEFAULT-VALUE} s).")
    double warmupSeconds;

    @Option(names = "--locks", paramLabel = "N", defaultValue = "1000",
            description = "Locks of the spread workload (default: ${DEFAULT-VALUE}).")
    int locks;

    @Option(names = "--ttl-ms", paramLabel = "MS", defaultValue = "10000",
            description = "Each acquire's ttlMs (default: ${DEFAULT-VALUE}).")
    long ttlMs;

    @Option(names = "--wait-ms", paramLabel = "MS", defaultValue = "60000",
            description = "Each acquire's waitMs (default: ${DEFAULT-VALUE}).")
    long waitMs;

    @Option(names = "--server-jar", paramLabel = "JAR",
            description = "dtc-server's runnable jar (default: dtc-server/target/dtc-server.jar).")
    Path serverJar;

    @Option(names = "--server-jvm-option", paramLabel = "OPTION",
            description = "Option for the coordinator's JVM, repeatable (default: -Xms1g -Xmx1g).")
    List<String> serverJvmOptions;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Where the coordinator's data directory and log go (default: the directory holding this jar).")
    Path workDirectory;

    /** One workload's result. */
    record Result(String workload, int locks, long pairs, double perSecond, double p50Ms, double p99Ms, long refused,
                  long errors, String firstError) {
    }

    @Override
    public Integer call() throws Exception {
        if (clients < 1 || seconds <= 0 || warmupSeconds < 0 || locks < 1 || ttlMs < 100 || waitMs < 0
                || waitMs > 600_000) {
            throw new ParameterException(spec.commandLine(), "--clients and --locks at least 1, --seconds above 0,"
                    + " --warmup at least 0, --ttl-ms at least 100, --wait-ms 0 to 600000");
        }
        Path jarDir = RemoteCommand.jarDirectory();
        Path jar = serverJar != null ? serverJar : RemoteCommand.findServerJar(jarDir);
        if (!Files.isRegularFile(jar)) {
            throw new ParameterException(spec.commandLine(), "no dtc-server jar at " + jar.toAbsolutePath()
                    + ": build it with ./mvnw -B -q -pl dtc-server -am package -DskipTests, or pass --server-jar");
        }
        String token = "bench-" + java.util.UUID.randomUUID();
        String loadBefore = RemoteCommand.loadAverage();
        List<Result> results = new ArrayList<>();
        try (CoordinatorProcess server = CoordinatorProcess.start(CoordinatorProcess.Launch.jar(jar),
                serverJvmOptions != null ? serverJvmOptions : List.of("-Xms1g", "-Xmx1g"),
                workDirectory != null ? workDirectory : jarDir, token, true, Duration.ofMinutes(2))) {
            System.err.println("coordinator at " + server.url() + " (pid " + server.pid() + ")");
            results.add(run(server.url(), token, "one hot lock", 1));
            results.add(run(server.url(), token, locks + " locks", locks));
        }
        String loadAfter = RemoteCommand.loadAverage();

        StringBuilder out = new StringBuilder("## dtc lock service — acquire + release over HTTP\n\n");
        out.append("- run: ").append(OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS)).append('\n');
        out.append("- machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores shared by the")
                .append(" clients and the coordinator; ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append('\n');
        out.append("- load average (1 min) before ").append(loadBefore).append(", after ").append(loadAfter).append('\n');
        out.append("- ").append(clients).append(" clients, closed loop, java.net.http HTTP/1.1; each pair: POST")
                .append(" /v1/locks/{name} {ttlMs ").append(ttlMs).append(", waitMs ").append(waitMs)
                .append("}, then DELETE with the token; ").append(warmupSeconds).append(" s warm-up, ")
                .append(seconds).append(" s measured per workload\n\n");
        out.append("| workload | locks | acquire+release/s | p50 ms | p99 ms | refused (409) | errors |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            out.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.2f | %.2f | %d | %d |%n", r.workload(),
                    r.locks(), r.perSecond(), r.p50Ms(), r.p99Ms(), r.refused(), r.errors()));
        }
        for (Result r : results) {
            if (r.firstError() != null) {
                out.append("\n").append(r.workload()).append(": first error: ").append(r.firstError()).append('\n');
            }
        }
        System.out.println(out);
        return results.stream().allMatch(r -> r.errors() == 0 && r.pairs() > 0) ? 0 : 1;
    }

    private Result run(URI base, String token, String workload, int lockCount) throws InterruptedException {
        System.err.println("== " + workload + ", " + clients + " clients: " + warmupSeconds + " s warm-up, " + seconds
                + " s measured");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        long start = System.nanoTime() + 200_000_000L;
        long measureFrom = start + Math.round(warmupSeconds * 1e9);
        long measureTo = measureFrom + Math.round(seconds * 1e9);
        AtomicBoolean stop = new AtomicBoolean();
        List<Client> all = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(clients);
        String prefix = lockCount == 1 ? "bench-hot" : "bench-" + lockCount + "-";
        for (int i = 0; i < clients; i++) {
            Client c = new Client(http, base, token, "bench-client-" + i, prefix, lockCount, measureFrom, measureTo, stop,
                    done);
            all.add(c);
            Thread t = new Thread(c, "locks-client-" + i);
            t.setDaemon(true);
            t.start();
        }
        long now;
        while ((now = System.nanoTime()) < measureTo) {
            Thread.sleep(Math.max(1, Math.min(1000, (measureTo - now) / 1_000_000)));
        }
        stop.set(true);
        done.await();
        Histogram merged = new Histogram(3);
        long pairs = 0;
        long refused = 0;
        long errors = 0;
        String firstError = null;
        for (Client c : all) {
            merged.add(c.latencies);
            pairs += c.pairs;
            refused += c.refused;
            errors += c.errors;
            if (firstError == null) {
                firstError = c.firstError;
            }
        }
        Result r = new Result(workload, lockCount, pairs, pairs / seconds, merged.getValueAtPercentile(50) / 1e6,
                merged.getValueAtPercentile(99) / 1e6, refused, errors, firstError);
        System.err.printf(Locale.ROOT, "   %.0f acquire+release/s, p50 %.2f ms, p99 %.2f ms, %d refused, %d errors%n",
                r.perSecond(), r.p50Ms(), r.p99Ms(), refused, errors);
        return r;
    }

    /** One client: acquire, release, again, until told to stop; records pairs that ended inside the window. */
    private final class Client implements Runnable {
        final HttpClient http;
        final URI base;
        final String authorization;
        final String owner;
        final String prefix;
        final int lockCount;
        final long measureFrom;
        final long measureTo;
        final AtomicBoolean stop;
        final CountDownLatch done;
        final Histogram latencies = new Histogram(3);
        long pairs;
        long refused;
        long errors;
        String firstError;

        Client(HttpClient http, URI base, String token, String owner, String prefix, int lockCount, long measureFrom,
               long measureTo, AtomicBoolean stop, CountDownLatch done) {
            this.http = http;
            this.base = base;
            this.authorization = "Bearer " + token;
            this.owner = owner;
            this.prefix = prefix;
            this.lockCount = lockCount;
            this.measureFrom = measureFrom;
            this.measureTo = measureTo;
            this.stop = stop;
            this.done = done;
        }

        @Override
        public void run() {
            try {
                String acquire = "{\"owner\":\"" + owner + "\",\"ttlMs\":" + ttlMs + ",\"waitMs\":" + waitMs + "}";
                while (!stop.get()) {
                    URI lock = URI.create(base + "/v1/locks/" + (lockCount == 1 ? prefix
                            : prefix + ThreadLocalRandom.current().nextInt(lockCount)));
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<String> a = http.send(request(lock, "POST", acquire, waitMs + 30_000),
                                HttpResponse.BodyHandlers.ofString());
                        if (a.statusCode() == 409) {
                            refused++;
                            continue;
                        }
                        if (a.statusCode() != 200) {
                            error("acquire: " + a.statusCode() + " " + a.body());
                            continue;
                        }
                        JsonNode granted = JSON.readTree(a.body());
                        HttpResponse<String> r = http.send(request(lock, "DELETE", "{\"owner\":\"" + owner
                                + "\",\"token\":" + granted.get("token").asLong() + "}", 30_000),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 204) {
                            error("release: " + r.statusCode() + " " + r.body());
                            continue;
                        }
                    } catch (Exception e) {
                        error(e.toString());
                        continue;
                    }
                    long t1 = System.nanoTime();
                    if (t0 >= measureFrom && t1 <= measureTo) {
                        pairs++;
                        latencies.recordValue(t1 - t0);
                    }
                }
            } finally {
                done.countDown();
            }
        }

        private HttpRequest request(URI uri, String method, String body, long timeoutMs) {
            return HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(timeoutMs)).header("Authorization", authorization)
                    .header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
        }

        private void error(String what) {
            errors++;
            if (firstError == null) {
                firstError = what;
            }
        }
    }
}
