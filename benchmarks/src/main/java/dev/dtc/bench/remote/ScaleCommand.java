package dev.dtc.bench.remote;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code java -jar dtc-benchmarks.jar scale}: one coordinator on its file log, and 1..N on a shared PostgreSQL store. */
@Command(name = "scale", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Throughput of dtc-server with one coordinator on its file log and with 1, 2, 3 coordinators sharing one",
            "PostgreSQL store (clients spread over them in turn), no-op participants; what the store costs per",
            "transaction: database transactions, WAL fsyncs, PostgreSQL CPU. Progress to stderr, Markdown to stdout."})
public final class ScaleCommand implements Callable<Integer> {

    static final String DEFAULT_DATABASE = "dtc_bench_store";

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--configurations"}, split = ",", paramLabel = "NAME",
            defaultValue = "file,shared-1,shared-2,shared-3",
            description = "Configurations in this order: file, or shared-N for N coordinators on the store"
                    + " (default: ${DEFAULT-VALUE}).")
    List<String> configurations;

    @Option(names = {"-t", "--clients"}, paramLabel = "N", defaultValue = "64",
            description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = {"-d", "--duration"}, paramLabel = "SECONDS", defaultValue = "10",
            description = "Measurement window per configuration (default: ${DEFAULT-VALUE} s).")
    double durationSeconds;

    @Option(names = {"-w", "--warmup"}, paramLabel = "SECONDS", defaultValue = "5",
            description = "Warm-up right before the window, not recorded (default: ${DEFAULT-VALUE} s).")
    double warmupSeconds;

    @Option(names = "--jit-warmup", paramLabel = "SECONDS", defaultValue = "10",
            description = "Run this long per coordinator first on each configuration's fresh coordinators, not"
                    + " recorded, so their JIT has compiled: shared-3 runs three times as long, each of its coordinators"
                    + " getting a third of the transactions (default: ${DEFAULT-VALUE} s; 0: none).")
    double jitWarmupSeconds;

    @Option(names = "--store-url", paramLabel = "URL",
            description = "PostgreSQL database for the shared configurations: postgresql://USER[:PASSWORD]@HOST[:PORT]/DB;"
                    + " created if missing; each configuration gets a fresh schema, dropped at the end (default: the"
                    + " server of DTC_TEST_POSTGRES_URL/USER/PASSWORD if set, else postgres@127.0.0.1:5432, database "
                    + DEFAULT_DATABASE + ").")
    String storeUrl;

    @Option(names = "--stats-settle", paramLabel = "SECONDS", defaultValue = "11",
            description = "Idle time before reading PostgreSQL's counters at the start of a point: a backend adds its"
                    + " counts at most 10 s after it went idle (default: ${DEFAULT-VALUE} s).")
    double statsSettleSeconds;

    @Option(names = "--commit-probe", paramLabel = "SECONDS", defaultValue = "3",
            description = "Before the configurations, measure the database's commits/s with 1, 3 and 16 connections"
                    + " inserting a row per commit, this long each (default: ${DEFAULT-VALUE} s; 0: none).")
    double commitProbeSeconds;

    @Option(names = {"-p", "--participant-count"}, paramLabel = "N", defaultValue = "3",
            description = "No-op participants per transaction (default: ${DEFAULT-VALUE}).")
    int participantCount;

    @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "5000",
            description = "Each transaction's timeoutMs (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Option(names = "--server-jar", paramLabel = "JAR",
            description = "dtc-server's runnable jar (default: dtc-server/target/dtc-server.jar, looked for from the"
                    + " current directory and from this jar's).")
    Path serverJar;

    @Option(names = "--server-jvm-option", paramLabel = "OPTION",
            description = "Option for every coordinator's JVM, repeatable (default: -Xms1g -Xmx1g).")
    List<String> serverJvmOptions;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Where the coordinators' data directories and logs go (default: the directory holding this jar).")
    Path workDirectory;

    @Override
    public Integer call() throws Exception {
        ScaleBenchmark.Settings settings = settings();
        String loadBefore = RemoteCommand.loadAverage();
        String database = null;
        if (settings.configurations().stream().anyMatch(ScaleBenchmark.Configuration::shared)) {
            settings.store().createIfMissing();
            database = settings.store().settings();
        }
        ScaleBenchmark.Run run = new ScaleBenchmark(settings, System.err).run();
        List<ScalePoint> points = run.points();
        String loadAfter = RemoteCommand.loadAverage();
        ScaleReport report = new ScaleReport(points, Runtime.getRuntime().availableProcessors(), run.commitProbe());

        StringBuilder out = new StringBuilder("## dtc-server: one coordinator on its file log, several on a shared"
                + " PostgreSQL store\n\n");
        out.append("- run: ").append(OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS)).append('\n');
        out.append("- machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores shared by the")
                .append(" clients, the participants, the coordinators and PostgreSQL; ").append(System.getProperty("os.name"))
                .append(' ').append(System.getProperty("os.version")).append(", ")
                .append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append('\n');
        out.append("- load average (1 min) before ").append(loadBefore).append(", after ").append(loadAfter).append('\n');
        out.append(String.format(Locale.ROOT, "- per configuration: fresh coordinators, %.3g s JIT warm-up per coordinator"
                + " (not recorded),"
                + " then %.3g s warm-up + %.3g s measured; %d clients spread over the coordinators in turn,"
                + " java.net.http.HttpClient HTTP/1.1; %d no-op participants (Jetty, this JVM)%n",
                settings.jitWarmup().toMillis() / 1000.0, settings.warmup().toMillis() / 1000.0,
                settings.window().toMillis() / 1000.0, settings.clients(), settings.participants()));
        out.append("- coordinators: separate JVMs, ").append(settings.launch().description()).append(", JVM options ")
                .append(String.join(" ", settings.serverJvmOptions())).append(", logging at WARN; file: --data-dir")
                .append(" (decision log and outcome history forced on the disk under ").append(settings.workDir())
                .append("); shared-N: N nodes bench-1..N with --store on a fresh schema (everything in the database,"
                        + " no --data-dir)\n");
        if (database != null) {
            out.append("- store: ").append(settings.store().describe()).append("; ").append(database).append('\n');
            out.append(String.format(Locale.ROOT, "- database transactions = xact_commit + xact_rollback of the store's"
                    + " database in pg_stat_database (read-only transactions included), WAL fsyncs = wal_sync of"
                    + " pg_stat_wal (whole server), both from %.3g s of idle before the point (PostgreSQL adds a"
                    + " backend's counts when it goes idle, at most 10 s late) to after the coordinators stopped and their"
                    + " sessions ended, divided by every transaction of the point (warm-up included); PostgreSQL CPU ="
                    + " all postgres processes of this machine, from /proc, over the window%n",
                    settings.statsSettle().toMillis() / 1000.0));
        }
        if (!run.commitProbe().isEmpty()) {
            out.append("- the database's commit rate before the run (single-row INSERT of 100 bytes per auto-committed"
                    + " transaction, back to back): ").append(run.commitProbe().stream().map(CommitProbe.Result::describe)
                    .collect(java.util.stream.Collectors.joining("; "))).append('\n');
        }
        out.append('\n').append(report.render());
        System.out.println(out);
        return report.clean() ? 0 : 1;
    }

    private ScaleBenchmark.Settings settings() throws URISyntaxException {
        List<ScaleBenchmark.Configuration> parsed = new ArrayList<>();
        for (String label : configurations) {
            try {
                parsed.add(ScaleBenchmark.Configuration.parse(label.trim()));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--configurations: " + e.getMessage());
            }
        }
        if (clients < 1) {
            throw new ParameterException(spec.commandLine(), "--clients must be at least 1, got " + clients);
        }
        if (durationSeconds <= 0 || warmupSeconds < 0 || jitWarmupSeconds < 0 || statsSettleSeconds < 0
                || commitProbeSeconds < 0) {
            throw new ParameterException(spec.commandLine(), "--duration must be above 0; --warmup, --jit-warmup and"
                    + " --stats-settle, --commit-probe at least 0 seconds");
        }
        if (participantCount < 1 || participantCount > 32) {
            throw new ParameterException(spec.commandLine(), "--participant-count: 1 to 32, got " + participantCount);
        }
        if (timeoutMs < 1) {
            throw new ParameterException(spec.commandLine(), "--timeout-ms must be at least 1");
        }
        StoreDatabase store;
        try {
            store = StoreDatabase.parse(storeUrl != null ? storeUrl : StoreDatabase.defaultUrl(System.getenv(), DEFAULT_DATABASE));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--store-url: " + e.getMessage());
        }
        Path jarDir = RemoteCommand.jarDirectory();
        Path jar = serverJar != null ? serverJar : RemoteCommand.findServerJar(jarDir);
        if (!Files.isRegularFile(jar)) {
            throw new ParameterException(spec.commandLine(), "no dtc-server jar at " + jar.toAbsolutePath()
                    + ": build it with ./mvnw -B -q -pl dtc-server -am package -DskipTests, or pass --server-jar");
        }
        return new ScaleBenchmark.Settings(CoordinatorProcess.Launch.jar(jar),
                serverJvmOptions != null ? serverJvmOptions : List.of("-Xms1g", "-Xmx1g"), true,
                workDirectory != null ? workDirectory : jarDir, List.copyOf(parsed), clients,
                millis(jitWarmupSeconds), millis(statsSettleSeconds), millis(warmupSeconds), millis(durationSeconds),
                participantCount, store, millis(commitProbeSeconds), timeoutMs, "bench-" + UUID.randomUUID());
    }

    private static Duration millis(double seconds) {
        return Duration.ofMillis(Math.round(seconds * 1000));
    }
}
