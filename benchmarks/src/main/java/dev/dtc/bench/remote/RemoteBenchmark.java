package dev.dtc.bench.remote;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The remote-path harness: no-op participants in this JVM, dtc-server in its own process, and for each client
 * count the dtc point followed by the floor points, one after the other (never side by side: they would share
 * the same cores). The coordinator runs for the whole run, on one fresh data directory.
 *
 * <p>After every point it checks what the no-op participants received: each committed dtc transaction must have
 * reached prepare and commit on every participant, no rollback, no refused call. A row that fails the check is
 * marked in the report.
 */
final class RemoteBenchmark {

    /** Everything a run needs; {@link RemoteCommand} builds it from the command line, tests directly. */
    record Settings(
            CoordinatorProcess.Launch launch,
            List<String> serverJvmOptions,
            boolean quietServer,
            Path workDir,
            List<Integer> clientCounts,
            Duration jitWarmup,
            Duration warmup,
            Duration window,
            int participants,
            List<URI> externalParticipants,
            PayloadSource payloads,
            long timeoutMs,
            boolean floors,
            String token) {

        boolean noOpParticipants() {
            return externalParticipants.isEmpty();
        }
    }

    /** What a run measured and what it ran on. */
    record Run(List<RemotePoint> points, List<String> description) {
    }

    /** Wait for phase 2's last calls to land before counting them; the coordinator answers after them, so rarely needed. */
    private static final Duration SETTLE = Duration.ofSeconds(2);

    private final Settings settings;
    private final PrintStream progress;

    RemoteBenchmark(Settings settings, PrintStream progress) {
        this.settings = settings;
        this.progress = progress;
    }

    Run run() throws Exception {
        String token = settings.token();
        ObjectMapper json = new ObjectMapper();
        List<RemotePoint> points = new ArrayList<>();
        List<String> description = new ArrayList<>();
        try (NoOpParticipants noOps = NoOpParticipants.start(settings.participants(), token);
             CoordinatorProcess coordinator = CoordinatorProcess.start(settings.launch(), settings.serverJvmOptions(),
                     settings.workDir(), token, settings.quietServer(), Duration.ofSeconds(60))) {
            List<URI> dtcParticipants = settings.noOpParticipants() ? noOps.urls() : settings.externalParticipants();
            progress.println("== coordinator pid " + coordinator.pid() + " at " + coordinator.url() + ", log "
                    + coordinator.logFile() + "; participants " + dtcParticipants);
            description.add("coordinator: separate JVM, " + settings.launch().description() + ", JVM options "
                    + (settings.serverJvmOptions().isEmpty() ? "(none)" : String.join(" ", settings.serverJvmOptions()))
                    + (settings.quietServer() ? ", logging at WARN (audit lines off)" : ", its own logging (full audit trail)"));
            description.add("participants for dtc: " + (settings.noOpParticipants()
                    ? settings.participants() + " no-op (Jetty 12 core handler, this JVM, one port each)"
                    : dtcParticipants + " (given by --participants)") + "; payloads " + settings.payloads().describe());

            CpuMeter coordinatorCpu = CpuMeter.of(coordinator.handle());
            if (!settings.jitWarmup().isZero()) {
                warmUpOnce(json, token, coordinator, noOps, dtcParticipants);
            }
            for (int clients : settings.clientCounts()) {
                // a new HttpClient per point, as one calling service would have, warming its own connection pool:
                // none reuses a connection left idle through the other points (which a server may have closed)
                DtcTransactions dtc = new DtcTransactions(newClient(), json, coordinator.url(), token,
                        dtcParticipants, settings.payloads(), settings.timeoutMs());
                List<Workload> floors = new ArrayList<>();
                if (settings.floors()) {
                    floors.add(new DirectCall(newClient(), noOps.urls().get(0), token, dtc));
                    floors.add(new ParticipantPattern(newClient(), noOps.urls(), token,
                            PayloadSource.generator(settings.participants())));
                }
                points.add(measure(dtc, clients, coordinatorCpu, noOps, settings.noOpParticipants() ? settings.participants() : -1,
                        settings.participants()));
                if (!coordinator.alive()) {
                    throw new IllegalStateException("the coordinator exited during the run; its log: "
                            + coordinator.logFile());
                }
                for (Workload floor : floors) {
                    int perTx = floor instanceof DirectCall ? 1 : settings.participants();
                    points.add(measure(floor, clients, coordinatorCpu, noOps, perTx, floor instanceof DirectCall ? 0 : perTx));
                }
            }
        }
        return new Run(points, description);
    }

    /**
     * Before the first point, every workload once at the largest client count, nothing recorded. On two busy cores
     * the JIT compilers of both JVMs need tens of seconds: with only the per-point warm-up, C2 still took 29-47 %
     * of the coordinator's CPU inside the first windows, and a 1-client point measured 145 tx/s after 5 s of
     * warm-up but 506 tx/s after 20 s.
     */
    private void warmUpOnce(ObjectMapper json, String token, CoordinatorProcess coordinator, NoOpParticipants noOps,
            List<URI> dtcParticipants) throws InterruptedException {
        int clients = settings.clientCounts().stream().max(Integer::compare).orElse(1);
        DtcTransactions dtc = new DtcTransactions(newClient(), json, coordinator.url(), token, dtcParticipants,
                settings.payloads(), settings.timeoutMs());
        List<Workload> all = new ArrayList<>(List.of(dtc));
        if (settings.floors()) {
            all.add(new DirectCall(newClient(), noOps.urls().get(0), token, dtc));
            all.add(new ParticipantPattern(newClient(), noOps.urls(), token, PayloadSource.generator(settings.participants())));
        }
        for (Workload w : all) {
            progress.println("== JIT warm-up: " + w.label() + ", " + clients + " client(s), "
                    + settings.jitWarmup().toMillis() + " ms, not recorded");
            RemotePoint p = ClientLoad.run(w, clients, Duration.ZERO, settings.jitWarmup(), () -> -1, () -> -1);
            if (p.failed() > 0 || p.rolledBack() > 0) {
                progress.println("   during the JIT warm-up: " + p.rolledBack() + " rolled back, " + p.failed()
                        + " failed; first failure: " + p.firstFailure());
            }
        }
    }

    /**
     * One point, then the participants' check.
     *
     * @param prepares prepares each committed transaction must have made on the no-op participants; -1: no check
     * @param commits  commits each must have made
     */
    private RemotePoint measure(Workload workload, int clients, CpuMeter coordinatorCpu, NoOpParticipants noOps,
            long prepares, long commits) throws InterruptedException {
        progress.println("== " + workload.label() + ", " + clients + " client(s): " + settings.warmup().toMillis()
                + " ms warm-up + " + settings.window().toMillis() + " ms");
        noOps.reset();
        RemotePoint p = ClientLoad.run(workload, clients, settings.warmup(), settings.window(), coordinatorCpu,
                CpuMeter.thisJvm());
        if (prepares >= 0) {
            p = p.withCheck(check(p, noOps.counts(), prepares, commits));
        }
        progress.println(String.format(Locale.ROOT, "   %,.0f tx/s, p50 %.3f ms, p99 %.3f ms, %d rolled back, %d failed;"
                + " CPU per tx: coordinator %.0f us, this JVM %.0f us%s%s",
                p.transactionsPerSecond(), p.p50Nanos() / 1e6, p.p99Nanos() / 1e6, p.rolledBack(), p.failed(),
                p.cpuMicrosPerTransaction(p.coordinatorCpuNanos()), p.cpuMicrosPerTransaction(p.localCpuNanos()),
                p.check() == null ? "" : "; CHECK: " + p.check(),
                p.firstFailure() == null ? "" : "; first failure: " + p.firstFailure()));
        return p;
    }

    /** Null if the participants saw exactly {@code prepares} and {@code commits} per committed transaction. */
    static String check(RemotePoint p, NoOpParticipants.Counts counts, long prepares, long commits)
            throws InterruptedException {
        long expectedPrepares = prepares * p.committedOverall();
        long expectedCommits = commits * p.committedOverall();
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (counts.commits.sum() < expectedCommits && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        boolean clean = p.rolledBackOverall() == 0 && p.failedOverall() == 0
                && counts.prepares.sum() == expectedPrepares && counts.commits.sum() == expectedCommits
                && counts.rollbacks.sum() == 0 && counts.refused.sum() == 0;
        return clean ? null : "participants saw " + counts + " for " + p.committedOverall() + " committed, "
                + p.rolledBackOverall() + " rolled back, " + p.failedOverall() + " failed (warm-up included)";
    }

    private static HttpClient newClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }
}
