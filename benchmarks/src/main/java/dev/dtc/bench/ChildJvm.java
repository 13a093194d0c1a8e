package dev.dtc.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One configuration in a child JVM of its own ({@link ConfigurationRun}), on a fresh directory under the work
 * directory that is deleted when the child has ended, whatever happened. Narayana is configured through JVM-wide
 * property beans read once, so no two configurations may share a JVM.
 */
final class ChildJvm {

    /** Time a child may need beyond its points: JVM start, store set-up, the check's settle time. */
    private static final Duration CHILD_SLACK = Duration.ofMinutes(2);

    private final Path workDir;
    private final List<String> jvmOptions;
    private final Duration warmup;
    private final Duration window;
    private final Map<String, String> environment;

    /** @param environment added to the child's (the db- configurations' databases) */
    ChildJvm(Path workDir, List<String> jvmOptions, Duration warmup, Duration window, Map<String, String> environment) {
        this.workDir = workDir;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.warmup = warmup;
        this.window = window;
        this.environment = Map.copyOf(environment);
    }

    Outcome run(String configuration, List<Integer> threads) throws IOException, InterruptedException {
        Path logDirectory = Files.createTempDirectory(workDir, "dtc-bench-" + configuration + "-");
        try {
            return run(configuration, logDirectory, threads);
        } finally {
            deleteRecursively(logDirectory);
        }
    }

    private Outcome run(String configuration, Path logDirectory, List<Integer> threads)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ConfigurationRun.class.getName());
        command.add(configuration);
        command.add(logDirectory.toString());
        command.add(Long.toString(warmup.toMillis()));
        command.add(Long.toString(window.toMillis()));
        command.add(threads.stream().map(String::valueOf).collect(Collectors.joining(",")));
        System.err.println("== " + configuration + ": " + threads.size() + " point(s) of " + warmup.toSeconds()
                + " s warm-up + " + window.toSeconds() + " s, threads " + threads + ", directory " + logDirectory);

        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(environment);
        Process child = builder.start();
        Outcome outcome = new Outcome();
        Thread reader = new Thread(() -> outcome.read(child, configuration), configuration + "-output");
        reader.start();
        Duration budget = warmup.plus(window).plus(Duration.ofSeconds(10)).multipliedBy(threads.size()).plus(CHILD_SLACK);
        if (!child.waitFor(budget.toMillis(), TimeUnit.MILLISECONDS)) {
            child.destroyForcibly().waitFor();
            outcome.failIfFirst("did not finish within " + budget.toSeconds() + " s and was killed");
        }
        reader.join();
        if (child.exitValue() != 0) {
            outcome.failIfFirst("child JVM exited with status " + child.exitValue());
        } else if (outcome.results.size() < threads.size()) {
            outcome.failIfFirst("child JVM reported " + outcome.results.size() + " of " + threads.size() + " points");
        }
        return outcome;
    }

    /** What one child reported on its standard output. */
    static final class Outcome {
        final List<PointResult> results = new ArrayList<>();
        String description;
        String failure;

        void read(Process child, String configuration) {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (PointResult.isResultLine(line)) {
                        PointResult result = PointResult.parse(line);
                        synchronized (this) {
                            results.add(result);
                        }
                        System.err.println(String.format(Locale.ROOT,
                                "[%s] %d threads: %.0f tx/s, p50 %.3f ms, p99 %.3f ms, %d failed, %d B/tx allocated%s",
                                configuration, result.threads(), result.transactionsPerSecond(), result.p50Nanos() / 1e6,
                                result.p99Nanos() / 1e6, result.failed(), result.allocatedBytesPerTx(),
                                result.checked() ? "" : ", CHECK FAILED"));
                    } else if (line.startsWith("INFO ")) {
                        synchronized (this) {
                            description = line.substring("INFO ".length() + configuration.length() + 2);
                        }
                        System.err.println("[" + configuration + "] " + line.substring("INFO ".length()));
                    } else if (line.startsWith("ERROR ")) {
                        failIfFirst(line.substring("ERROR ".length()));
                        System.err.println("[" + configuration + "] " + line);
                    } else {
                        System.err.println("[" + configuration + "] " + line);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        synchronized void failIfFirst(String reason) {
            if (failure == null) {
                failure = reason;
            }
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.delete(path);
            }
        }
    }
}
