package dev.dtc.bench.remote;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The remote path as one part of {@code dtc-benchmarks all}: the {@code remote} subcommand's harness with its
 * defaults (3 no-op participants, both floors, the coordinator at WARN from dtc-server's jar), its report, and its
 * points for the targets table. Public because {@code all} lives in the parent package.
 */
public final class RemotePath {

    /** The 6-call floor's label with the default 3 participants. */
    public static final String FLOOR_SIX_CALLS = "floor: 6 calls";
    public static final String DTC = "dtc";

    private static final int PARTICIPANTS = 3;

    private RemotePath() {
    }

    /** One workload at one client count; {@code clean}: committed something, nothing failed, the check passed. */
    public record Point(String workload, int clients, double transactionsPerSecond, long p50Nanos, boolean clean) {
    }

    /** What {@link #run} measured: the points, the remote report (Markdown) and what ran. */
    public record Result(List<Point> points, String report, List<String> description, boolean clean) {
    }

    /** dtc-server/target/dtc-server.jar from the current directory or beside this jar's module. */
    public static Path defaultServerJar() throws java.net.URISyntaxException {
        return RemoteCommand.findServerJar(RemoteCommand.jarDirectory());
    }

    public static Result run(Path serverJar, List<String> serverJvmOptions, Path workDir, List<Integer> clients,
            Duration jitWarmup, Duration warmup, Duration window, PrintStream progress) throws Exception {
        RemoteBenchmark.Settings settings = new RemoteBenchmark.Settings(CoordinatorProcess.Launch.jar(serverJar),
                serverJvmOptions, true, workDir, List.copyOf(clients), jitWarmup, warmup, window, PARTICIPANTS, List.of(),
                PayloadSource.generator(PARTICIPANTS), 5000, true, "bench-" + UUID.randomUUID());
        RemoteBenchmark.Run run = new RemoteBenchmark(settings, progress).run();
        RemoteReport report = new RemoteReport(run.points());
        List<Point> points = run.points().stream()
                .map(p -> new Point(p.workload(), p.clients(), p.transactionsPerSecond(), p.p50Nanos(),
                        p.committed() > 0 && p.rolledBack() == 0 && p.failed() == 0 && p.check() == null))
                .toList();
        return new Result(points, report.render(), run.description(), report.clean());
    }
}
