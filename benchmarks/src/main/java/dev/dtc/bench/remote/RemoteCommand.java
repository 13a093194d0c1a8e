package dev.dtc.bench.remote;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code java -jar dtc-benchmarks.jar remote}: the remote path, client → dtc-server → participants, over HTTP. */
@Command(name = "remote", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Transactions through dtc-server, a separate process, over HTTP to no-op participants (or yours),",
            "beside the floor: the same HTTP stack making the round trips alone. Committed tx/s, p50/p99 latency.",
            "Progress goes to stderr; the Markdown report to stdout."})
public final class RemoteCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-t", "--clients"}, split = ",", paramLabel = "N", defaultValue = "1,16,64",
            description = "Concurrent client counts (default: ${DEFAULT-VALUE}).")
    List<Integer> clients;

    @Option(names = {"-d", "--duration"}, paramLabel = "SECONDS", defaultValue = "10",
            description = "Measurement window per point (default: ${DEFAULT-VALUE} s).")
    double durationSeconds;

    @Option(names = {"-w", "--warmup"}, paramLabel = "SECONDS", defaultValue = "5",
            description = "Warm-up before each point, not recorded (default: ${DEFAULT-VALUE} s).")
    double warmupSeconds;

    @Option(names = "--jit-warmup", paramLabel = "SECONDS", defaultValue = "10",
            description = "Before the first point, run each workload this long at the largest client count, not"
                    + " recorded, so both JVMs are compiled (default: ${DEFAULT-VALUE} s; 0: none).")
    double jitWarmupSeconds;

    @Option(names = "--server-jar", paramLabel = "JAR",
            description = "dtc-server's runnable jar (default: dtc-server/target/dtc-server.jar, looked for from the"
                    + " current directory and from this jar's).")
    Path serverJar;

    @Option(names = "--server-jvm-option", paramLabel = "OPTION",
            description = "Option for the coordinator's JVM, repeatable (default: -Xms1g -Xmx1g).")
    List<String> serverJvmOptions;

    @Option(names = "--server-audit-log",
            description = "Keep the coordinator's own logging (the full audit trail, dev.dtc.audit at DEBUG) instead of WARN everywhere.")
    boolean serverAuditLog;

    @Option(names = {"-p", "--participant-count"}, paramLabel = "N", defaultValue = "3",
            description = "No-op participants per transaction (default: ${DEFAULT-VALUE}).")
    int participantCount;

    @Option(names = "--participants", split = ",", paramLabel = "URL",
            description = "Send dtc's transactions to these participant base URLs instead of the no-op ones (the"
                    + " floors still use no-op participants, as many as given here).")
    List<URI> participants;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "The bearer token the coordinator is started with and sends to participants; services given"
                    + " by --participants must accept it (default: a random one per run).")
    String token;

    @Option(names = "--payload-file", paramLabel = "FILE",
            description = "JSON array, one payload template per participant; $${seq} and $${uuid} are replaced per"
                    + " transaction (default: {\"seq\":N}).")
    Path payloadFile;

    @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "5000",
            description = "Each transaction's timeoutMs (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Option(names = "--no-floor", description = "Measure dtc only.")
    boolean noFloor;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Where the coordinator's data directory and log go (default: the directory holding this jar).")
    Path workDirectory;

    @Override
    public Integer call() throws Exception {
        RemoteBenchmark.Settings settings = settings();
        String loadBefore = loadAverage();
        RemoteBenchmark.Run run = new RemoteBenchmark(settings, System.err).run();
        String loadAfter = loadAverage();
        RemoteReport report = new RemoteReport(run.points());

        StringBuilder out = new StringBuilder("## dtc remote path — client → dtc-server → participants over HTTP\n\n");
        out.append("- run: ").append(OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS)).append('\n');
        out.append("- machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores shared by the")
                .append(" clients, the participants and the coordinator; ").append(System.getProperty("os.name"))
                .append(' ').append(System.getProperty("os.version")).append(", ")
                .append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append('\n');
        out.append("- load average (1 min) before ").append(loadBefore).append(", after ").append(loadAfter).append('\n');
        out.append("- before the first point: each workload ").append(settings.jitWarmup().toMillis() / 1000.0)
                .append(" s at the largest client count, not recorded (JIT warm-up)\n");
        out.append("- per point: ").append(settings.warmup().toMillis() / 1000.0).append(" s warm-up, then ")
                .append(settings.window().toMillis() / 1000.0).append(" s measured; clients: closed loop,")
                .append(" java.net.http.HttpClient HTTP/1.1, a new client object per workload and point\n");
        for (String line : run.description()) {
            out.append("- ").append(line).append('\n');
        }
        out.append("- floor: 1 call = the dtc request body POSTed straight to a no-op participant's /prepare;")
                .append(" floor: ").append(2 * settings.participants()).append(" calls = prepare to each no-op")
                .append(" participant, then commit to each, one blocking call after the other, from the client\n\n");
        System.out.println(out.append(report.render()));
        return report.clean() ? 0 : 1;
    }

    private RemoteBenchmark.Settings settings() throws IOException, URISyntaxException {
        if (clients.stream().anyMatch(n -> n < 1)) {
            throw new ParameterException(spec.commandLine(), "--clients: every count must be at least 1, got " + clients);
        }
        if (durationSeconds <= 0 || warmupSeconds < 0 || jitWarmupSeconds < 0) {
            throw new ParameterException(spec.commandLine(), "--duration must be above 0 and --warmup at least 0 seconds");
        }
        if (timeoutMs < 1) {
            throw new ParameterException(spec.commandLine(), "--timeout-ms must be at least 1");
        }
        List<URI> external = participants == null ? List.of() : List.copyOf(participants);
        int count = external.isEmpty() ? participantCount : external.size();
        if (count < 1 || count > 32) {
            throw new ParameterException(spec.commandLine(), "1 to 32 participants (the coordinator's default"
                    + " --max-participants), got " + count);
        }
        for (URI u : external) {
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
                throw new ParameterException(spec.commandLine(), "--participants: " + u + " is not an http(s) URL");
            }
        }
        if (token != null && !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new ParameterException(spec.commandLine(), "--token must be printable ASCII without spaces");
        }
        PayloadSource payloads;
        try {
            payloads = payloadFile == null ? PayloadSource.generator(count)
                    : PayloadSource.fromFile(payloadFile, count, new ObjectMapper());
        } catch (IllegalArgumentException | IOException e) {
            throw new ParameterException(spec.commandLine(), "--payload-file: " + e.getMessage());
        }
        Path jarDir = jarDirectory();
        Path jar = serverJar != null ? serverJar : findServerJar(jarDir);
        if (!Files.isRegularFile(jar)) {
            throw new ParameterException(spec.commandLine(), "no dtc-server jar at " + jar.toAbsolutePath()
                    + ": build it with ./mvnw -B -q -pl dtc-server -am package -DskipTests, or pass --server-jar");
        }
        return new RemoteBenchmark.Settings(CoordinatorProcess.Launch.jar(jar),
                serverJvmOptions != null ? serverJvmOptions : List.of("-Xms1g", "-Xmx1g"), !serverAuditLog,
                workDirectory != null ? workDirectory : jarDir, List.copyOf(clients),
                Duration.ofMillis(Math.round(jitWarmupSeconds * 1000)), Duration.ofMillis(Math.round(warmupSeconds * 1000)), Duration.ofMillis(Math.round(durationSeconds * 1000)),
                count, external, payloads, timeoutMs, !noFloor,
                token != null ? token : "bench-" + java.util.UUID.randomUUID());
    }

    /** dtc-server/target/dtc-server.jar under the current directory, else beside this jar's module (benchmarks/target/..). */
    static Path findServerJar(Path jarDir) {
        Path relative = Path.of("dtc-server", "target", "dtc-server.jar");
        List<Path> candidates = new ArrayList<>();
        candidates.add(relative.toAbsolutePath());
        if (jarDir.getParent() != null && jarDir.getParent().getParent() != null) {
            candidates.add(jarDir.getParent().getParent().resolve(relative));
        }
        return candidates.stream().filter(Files::isRegularFile).findFirst().orElse(candidates.get(0));
    }

    /** Next to the jar (target/), so a stray data directory after a kill -9 goes away with `mvn clean`. */
    static Path jarDirectory() throws URISyntaxException {
        Path codeSource = Path.of(RemoteCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path parent = codeSource.getParent();
        return parent != null ? parent : Path.of("").toAbsolutePath();
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return String.format(Locale.ROOT, "%.2f",
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }
}
