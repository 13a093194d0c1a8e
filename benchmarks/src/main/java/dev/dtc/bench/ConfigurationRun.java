package dev.dtc.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The child JVM's entry point: measures one configuration at every thread count, in this
 * process only, and prints one {@link PointResult} line per point on standard output.
 *
 * <p>Arguments: {@code <configuration> <log directory> <warm-up ms> <window ms> <threads,...>}.
 * It is started by {@link BenchmarkMain}; run it by hand only to look at one configuration.
 * Lines starting with {@code INFO } or {@code ERROR } are for the parent as well. The {@code db-} configurations
 * read their databases from the environment ({@link DatabaseSettings}).
 */
public final class ConfigurationRun {

    private ConfigurationRun() {
    }

    public static void main(String[] args) {
        if (args.length != 5) {
            System.err.println("usage: ConfigurationRun <" + Configuration.labels().replace(", ", "|")
                    + "> <log directory> <warm-up ms> <window ms> <threads,...>");
            System.exit(64);
        }
        int status;
        try {
            status = run(Configuration.byLabel(args[0]), Path.of(args[1]), Duration.ofMillis(Long.parseLong(args[2])),
                    Duration.ofMillis(Long.parseLong(args[3])), parseThreads(args[4]));
        } catch (Throwable t) {
            System.out.println("ERROR " + oneLine(t));
            t.printStackTrace();
            status = 2;
        }
        System.out.flush();
        // Narayana leaves non-daemon threads behind; the result is printed, so end here.
        System.exit(status);
    }

    private static int run(Configuration configuration, Path logDirectory, Duration warmup, Duration window,
            List<Integer> threadCounts) throws Exception {
        try (Workload workload = configuration.open(logDirectory, DatabaseSettings.fromEnvironment(System.getenv()))) {
            System.out.println("INFO " + configuration.label() + ": " + workload.describe());
            LoadRunner runner = new LoadRunner(workload, warmup, window);
            for (int threads : threadCounts) {
                // start each point from a collected heap, so one point's garbage is not billed to the next
                System.gc();
                PointResult result = runner.run(configuration.label(), threads);
                System.out.println(result.toLine());
                System.out.flush();
            }
        }
        return 0;
    }

    static List<Integer> parseThreads(String csv) {
        List<Integer> counts = new ArrayList<>();
        for (String part : csv.split(",")) {
            counts.add(Integer.parseInt(part.trim()));
        }
        return counts;
    }

    static String oneLine(Throwable t) {
        String message = t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        return message.replace('\n', ' ');
    }
}
