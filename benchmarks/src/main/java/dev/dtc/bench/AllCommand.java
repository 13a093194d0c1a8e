package dev.dtc.bench;

import dev.dtc.bench.remote.RemotePath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar dtc-benchmarks.jar all}: every row the targets need, in one run, one after the other — the disk
 * floor, dtc and the three Narayana stores with no-op resources, the three database configurations, and the remote
 * path with its floors — then the targets table. The local configurations each run in a child JVM of their own as
 * in the default command; the remote path starts dtc-server from its jar.
 */
@Command(name = "all", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Everything in one run, then the targets table:",
            "  floor-disk at 1 thread;",
            "  dtc, narayana-file, narayana-journal, narayana-volatile (--threads);",
            "  db-xa-by-hand, db-dtc, db-narayana on PostgreSQL + MySQL/MariaDB (--db-threads);",
            "  the remote path: dtc-server over HTTP beside its two floors (--remote-clients).",
            "Needs the databases (options or DTC_TEST_* variables) and dtc-server's jar",
            "(./mvnw -q -pl benchmarks -am package -DskipTests builds it).",
            "Progress goes to stderr; the Markdown report to stdout."})
public final class AllCommand implements Callable<Integer> {

    /** The local configurations, in the order they run and are shown. */
    static final List<String> NO_OP = List.of("dtc", "narayana-file", "narayana-journal", "narayana-volatile");
    static final List<String> DATABASE = List.of("db-xa-by-hand", "db-dtc", "db-narayana");

    @Spec
    CommandSpec spec;

    @Option(names = {"-t", "--threads"}, split = ",", paramLabel = "N", defaultValue = "1,8,64",
            description = "Client threads of dtc and the Narayana stores (default: ${DEFAULT-VALUE}).")
    List<Integer> threads;

    @Option(names = "--db-threads", split = ",", paramLabel = "N", defaultValue = "16",
            description = "Client threads of the db- configurations (default: ${DEFAULT-VALUE}).")
    List<Integer> dbThreads;

    @Option(names = "--remote-clients", split = ",", paramLabel = "N", defaultValue = "64",
            description = "Clients of the remote path (default: ${DEFAULT-VALUE}).")
    List<Integer> remoteClients;

    @Option(names = {"-d", "--duration"}, paramLabel = "SECONDS", defaultValue = "10",
            description = "Measurement window per point, local and remote (default: ${DEFAULT-VALUE} s).")
    double durationSeconds;

    @Option(names = {"-w", "--warmup"}, paramLabel = "SECONDS", defaultValue = "5",
            description = "Warm-up before each point, not recorded (default: ${DEFAULT-VALUE} s).")
    double warmupSeconds;

    @Option(names = "--jit-warmup", paramLabel = "SECONDS", defaultValue = "30",
            description = "Remote path: before its first point, each workload this long, not recorded (default:"
                    + " ${DEFAULT-VALUE} s).")
    double jitWarmupSeconds;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Where the fresh log directories are made (default: the directory holding this jar).")
    Path workDirectory;

    @Option(names = "--jvm-option", paramLabel = "OPTION",
            description = "Option for every local child JVM, repeatable (default: -Xms1g -Xmx1g).")
    List<String> jvmOptions;

    @Option(names = "--server-jar", paramLabel = "JAR",
            description = "dtc-server's runnable jar (default: dtc-server/target/dtc-server.jar, looked for from the"
                    + " current directory and from this jar's).")
    Path serverJar;

    @Option(names = "--server-jvm-option", paramLabel = "OPTION",
            description = "Option for the coordinator's JVM, repeatable (default: -Xms1g -Xmx1g).")
    List<String> serverJvmOptions;

    @Mixin
    DatabaseOptions databaseOptions;

    @Override
    public Integer call() throws Exception {
        for (List<Integer> counts : List.of(threads, dbThreads, remoteClients)) {
            if (counts.stream().anyMatch(n -> n < 1)) {
                throw new ParameterException(spec.commandLine(), "every thread or client count must be at least 1, got "
                        + counts);
            }
        }
        BenchmarkMain.validateTimes(spec, durationSeconds, warmupSeconds);
        if (jitWarmupSeconds < 0) {
            throw new ParameterException(spec.commandLine(), "--jit-warmup must be at least 0 seconds");
        }
        Path jar = serverJar != null ? serverJar : RemotePath.defaultServerJar();
        if (!Files.isRegularFile(jar)) {
            throw new ParameterException(spec.commandLine(), "no dtc-server jar at " + jar.toAbsolutePath()
                    + ": build it with ./mvnw -q -pl benchmarks -am package -DskipTests, or pass --server-jar");
        }
        Map<String, List<Integer>> plan = new LinkedHashMap<>();
        plan.put("floor-disk", List.of(1));
        NO_OP.forEach(c -> plan.put(c, List.copyOf(threads)));
        DATABASE.forEach(c -> plan.put(c, List.copyOf(dbThreads)));
        Map<String, String> environment = BenchmarkMain.childEnvironment(spec, DATABASE, databaseOptions);

        Path workDir = workDirectory != null ? workDirectory : BenchmarkMain.defaultWorkDirectory();
        Files.createDirectories(workDir);
        List<String> childJvmOptions = jvmOptions != null ? jvmOptions : BenchmarkMain.DEFAULT_JVM_OPTIONS;
        Duration warmup = Duration.ofMillis(Math.round(warmupSeconds * 1000));
        Duration window = Duration.ofMillis(Math.round(durationSeconds * 1000));
        ChildJvm children = new ChildJvm(workDir, childJvmOptions, warmup, window, environment);

        System.err.println("== probing the disk under " + workDir);
        String disk = DiskProbe.measure(workDir);
        System.err.println(disk);
        List<PointResult> results = new ArrayList<>();
        Map<String, String> descriptions = new LinkedHashMap<>();
        Map<String, String> failures = new LinkedHashMap<>();
        for (Map.Entry<String, List<Integer>> entry : plan.entrySet()) {
            ChildJvm.Outcome outcome = children.run(entry.getKey(), entry.getValue());
            results.addAll(outcome.results);
            if (outcome.description != null) {
                descriptions.put(entry.getKey(), outcome.description);
            }
            if (outcome.failure != null) {
                failures.put(entry.getKey(), outcome.failure);
            }
        }

        System.err.println("== the remote path: dtc-server from " + jar);
        RemotePath.Result remote = null;
        String remoteFailure = null;
        try {
            remote = RemotePath.run(jar, serverJvmOptions != null ? serverJvmOptions : BenchmarkMain.DEFAULT_JVM_OPTIONS,
                    workDir, remoteClients, Duration.ofMillis(Math.round(jitWarmupSeconds * 1000)), warmup, window,
                    System.err);
        } catch (Exception e) {
            remoteFailure = ConfigurationRun.oneLine(e);
            System.err.println("[remote] failed:");
            e.printStackTrace();
        }

        StringBuilder out = new StringBuilder("## dtc — every configuration and the targets, one run\n\n");
        out.append(BenchmarkMain.header(workDir, List.of(disk), warmup, window, 1, childJvmOptions, descriptions));
        out.append('\n').append(new ResultTable(plan, results, failures).render());
        out.append("\n### The remote path: client → dtc-server → 3 no-op participants over HTTP\n\n");
        if (remote != null) {
            for (String line : remote.description()) {
                out.append("- ").append(line).append('\n');
            }
            out.append("- JIT warm-up ").append(jitWarmupSeconds).append(" s per workload, then per point as above\n\n");
            out.append(remote.report());
        } else {
            out.append("- failed: ").append(remoteFailure).append('\n');
        }
        out.append("\n### Targets\n\n")
                .append(new TargetTable(results, remote == null ? List.of() : remote.points()).render());
        System.out.println(out);
        return failures.isEmpty() && remote != null && remote.clean() ? 0 : 1;
    }
}
