package dev.dtc.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Runs every configuration in its own child JVM, one after the other, and prints one table.
 *
 * <p>Children run sequentially, never side by side: they would compete for the same two
 * cores and the same disk. Each gets a fresh log directory under the work directory (so on
 * the same disk the project lives on), deleted when the child has exited, whatever happened.
 */
@Command(name = "dtc-benchmarks", mixinStandardHelpOptions = true, sortOptions = false,
        subcommands = {AllCommand.class, dev.dtc.bench.remote.RemoteCommand.class, dev.dtc.bench.remote.LocksCommand.class,
            dev.dtc.bench.remote.ScaleCommand.class},
        description = {
            "Two-phase commit of two no-op XA resources per transaction, durable logging on:",
            "committed tx/s and p50/p99 latency of begin -> enlist x2 -> commit, for dtc and Narayana.",
            "Progress goes to stderr; the Markdown report to stdout.",
            "Everything at once, with the databases and the remote path, and the targets: dtc-benchmarks all --help;",
            "the remote path (dtc-server over HTTP): dtc-benchmarks remote --help;",
            "the lock service: dtc-benchmarks locks --help; several coordinators on a shared store: dtc-benchmarks scale --help."})
public final class BenchmarkMain implements Callable<Integer> {

    static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xms1g", "-Xmx1g");

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--configurations"}, split = ",", paramLabel = "NAME",
            defaultValue = "narayana-file,narayana-journal,narayana-volatile,dtc",
            description = "Configurations to run, in this order (default: ${DEFAULT-VALUE}; also floor-disk,"
                    + " db-xa-by-hand, db-dtc, db-narayana).")
    List<String> configurations;

    @Option(names = {"-t", "--threads"}, split = ",", paramLabel = "N", defaultValue = "1,8,64",
            description = "Client thread counts (default: ${DEFAULT-VALUE}).")
    List<Integer> threads;

    @Option(names = {"-d", "--duration"}, paramLabel = "SECONDS", defaultValue = "10",
            description = "Measurement window per point (default: ${DEFAULT-VALUE} s).")
    double durationSeconds;

    @Option(names = {"-w", "--warmup"}, paramLabel = "SECONDS", defaultValue = "5",
            description = "Warm-up before each point, not recorded (default: ${DEFAULT-VALUE} s).")
    double warmupSeconds;

    @Option(names = {"-r", "--rounds"}, paramLabel = "N", defaultValue = "1",
            description = "Repeat all configurations N times, interleaved; each row shows the median round (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Where the fresh log directories are made (default: the directory holding this jar).")
    Path workDirectory;

    @Option(names = "--jvm-option", paramLabel = "OPTION",
            description = "Option for every child JVM, repeatable (default: -Xms1g -Xmx1g).")
    List<String> jvmOptions;

    @Mixin
    DatabaseOptions databaseOptions;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchmarkMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        validate();
        Path workDir = workDirectory != null ? workDirectory : defaultWorkDirectory();
        Files.createDirectories(workDir);
        List<String> childJvmOptions = jvmOptions != null ? jvmOptions : DEFAULT_JVM_OPTIONS;
        Duration warmup = Duration.ofMillis(Math.round(warmupSeconds * 1000));
        Duration window = Duration.ofMillis(Math.round(durationSeconds * 1000));
        Map<String, String> childEnvironment = childEnvironment(spec, configurations, databaseOptions);
        ChildJvm children = new ChildJvm(workDir, childJvmOptions, warmup, window, childEnvironment);

        List<PointResult> results = new ArrayList<>();
        List<String> diskProbes = new ArrayList<>();
        Map<String, String> descriptions = new LinkedHashMap<>();
        Map<String, String> failures = new LinkedHashMap<>();
        // Rounds run the configurations interleaved, so a disk that slows down for a while
        // (this one is shared) hurts every configuration alike instead of one of them.
        for (int round = 1; round <= rounds; round++) {
            System.err.println("== round " + round + " of " + rounds + ": probing the disk under " + workDir);
            String disk = DiskProbe.measure(workDir);
            diskProbes.add(disk);
            System.err.println(disk);
            for (String configuration : configurations) {
                ChildJvm.Outcome outcome = children.run(configuration, threads);
                results.addAll(outcome.results);
                if (outcome.description != null) {
                    descriptions.put(configuration, outcome.description);
                }
                if (outcome.failure != null) {
                    failures.putIfAbsent(configuration, outcome.failure);
                }
            }
        }

        boolean databases = !childEnvironment.isEmpty();
        System.out.println(databases
                ? "## dtc vs Narayana — two-phase commit of two no-op XA resources, or of one insert on each of two databases\n"
                : "## dtc vs Narayana — two-phase commit of two no-op XA resources\n");
        System.out.println(header(workDir, diskProbes, warmup, window, rounds, childJvmOptions, descriptions));
        System.out.println(new ResultTable(configurations, threads, results, failures).render());
        return failures.isEmpty() ? 0 : 1;
    }

    private void validate() {
        for (String configuration : configurations) {
            try {
                Configuration.byLabel(configuration);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        if (threads.stream().anyMatch(n -> n < 1)) {
            throw new ParameterException(spec.commandLine(), "--threads: every count must be at least 1, got " + threads);
        }
        if (rounds < 1) {
            throw new ParameterException(spec.commandLine(), "--rounds must be at least 1, got " + rounds);
        }
        validateTimes(spec, durationSeconds, warmupSeconds);
    }

    static void validateTimes(CommandSpec spec, double durationSeconds, double warmupSeconds) {
        if (durationSeconds <= 0 || warmupSeconds < 0) {
            throw new ParameterException(spec.commandLine(),
                    "--duration must be above 0 and --warmup at least 0 seconds");
        }
    }

    /** The databases for the children when a db- configuration runs; refused with what to set when none is named. */
    static Map<String, String> childEnvironment(CommandSpec spec, List<String> configurations, DatabaseOptions options) {
        boolean needed = configurations.stream()
                .anyMatch(c -> Configuration.byLabel(c).family() == Configuration.Family.DATABASE);
        if (!needed) {
            return Map.of();
        }
        return options.resolve(System.getenv())
                .orElseThrow(() -> new ParameterException(spec.commandLine(), DatabaseSettings.missingMessage()))
                .toEnvironment();
    }

    static String header(Path workDir, List<String> diskProbes, Duration warmup, Duration window, int rounds,
            List<String> childJvmOptions, Map<String, String> descriptions) throws IOException {
        StringBuilder out = new StringBuilder();
        out.append("- run: ").append(OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS)).append('\n');
        out.append("- machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
                .append(", ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append('\n');
        out.append("- logs under ").append(workDir.toAbsolutePath().normalize()).append(" (")
                .append(Files.getFileStore(workDir).type()).append(")\n");
        for (String disk : diskProbes) {
            out.append("- ").append(disk).append('\n');
        }
        out.append("- per point: ").append(seconds(warmup)).append(" s warm-up, then ").append(seconds(window))
                .append(" s measured").append(rounds > 1 ? "; " + rounds + " rounds, each row the round with the median tx/s" : "")
                .append("; child JVM options: ").append(String.join(" ", childJvmOptions)).append('\n');
        descriptions.forEach((configuration, description) ->
                out.append("- ").append(configuration).append(": ").append(description).append('\n'));
        return out.toString();
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.3g", duration.toMillis() / 1000.0);
    }

    /** Next to the jar (target/), so a stray directory after a kill -9 goes away with `mvn clean`. */
    static Path defaultWorkDirectory() throws URISyntaxException {
        Path codeSource = Path.of(BenchmarkMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path parent = codeSource.getParent();
        return parent != null ? parent : Path.of("").toAbsolutePath();
    }
}
