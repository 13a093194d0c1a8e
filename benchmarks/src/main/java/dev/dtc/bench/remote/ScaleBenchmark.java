package dev.dtc.bench.remote;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Several coordinators on one shared PostgreSQL store, against one coordinator on its file log: the same clients,
 * the same no-op participants (in this JVM), one configuration after the other, each on fresh coordinators (and a
 * fresh schema). Clients send their transactions to the coordinators in turn.
 *
 * <p>Per configuration: start the coordinators, warm their JIT up, let the store's counters settle, then one point
 * (warm-up + window) with the participants' check as in {@code remote}; then stop the coordinators, wait for their
 * database sessions to end (which flushes their counters), read the counters again, read what each table received,
 * and drop the schema.
 */
final class ScaleBenchmark {

    /** A configuration: one coordinator on its file log, or N on the shared store. */
    record Configuration(String label, int coordinators, boolean shared) {
        private static final Pattern SHARED = Pattern.compile("shared-([1-9])");

        /** {@code file} or {@code shared-N}, N from 1 to 9. */
        static Configuration parse(String label) {
            if ("file".equals(label)) {
                return new Configuration(label, 1, false);
            }
            Matcher m = SHARED.matcher(label);
            if (m.matches()) {
                return new Configuration(label, Integer.parseInt(m.group(1)), true);
            }
            throw new IllegalArgumentException("unknown configuration '" + label + "': write file or shared-N, N from"
                    + " 1 to 9 coordinators on the shared store");
        }
    }

    /** Everything a run needs; {@link ScaleCommand} builds it from the command line, tests directly. */
    record Settings(
            CoordinatorProcess.Launch launch,
            List<String> serverJvmOptions,
            boolean quietServer,
            Path workDir,
            List<Configuration> configurations,
            int clients,
            Duration jitWarmup,
            Duration statsSettle,
            Duration warmup,
            Duration window,
            int participants,
            StoreDatabase store,
            Duration commitProbe,
            long timeoutMs,
            String token) {
    }

    /** What a run measured: each configuration, and the database's commit rate measured before them (or none). */
    record Run(List<ScalePoint> points, List<CommitProbe.Result> commitProbe) {
    }

    /** Connections of the commit probe: one (one coordinator's writer), three (shared-3's writers), sixteen. */
    private static final List<Integer> PROBE_CONNECTIONS = List.of(1, 3, 16);

    /** How long a stopped coordinator's database sessions may take to end. */
    private static final Duration BACKENDS_GONE = Duration.ofSeconds(20);

    private final Settings settings;
    private final PrintStream progress;

    ScaleBenchmark(Settings settings, PrintStream progress) {
        this.settings = settings;
        this.progress = progress;
    }

    Run run() throws Exception {
        List<ScalePoint> points = new ArrayList<>();
        List<CommitProbe.Result> probe = List.of();
        if (settings.configurations().stream().anyMatch(Configuration::shared)) {
            settings.store().createIfMissing();
            if (!settings.commitProbe().isZero()) {
                progress.println("== commit probe: single-row INSERTs, auto-committed, " + PROBE_CONNECTIONS
                        + " connections, " + settings.commitProbe().toMillis() + " ms each");
                probe = CommitProbe.run(settings.store(), "bench_probe_" + ProcessHandle.current().pid(),
                        PROBE_CONNECTIONS, settings.commitProbe());
                probe.forEach(r -> progress.println("   " + r.describe()));
            }
        }
        try (NoOpParticipants noOps = NoOpParticipants.start(settings.participants(), settings.token())) {
            for (Configuration configuration : settings.configurations()) {
                points.add(measure(configuration, noOps));
            }
        }
        return new Run(points, probe);
    }

    private ScalePoint measure(Configuration configuration, NoOpParticipants noOps) throws Exception {
        StoreDatabase store = configuration.shared() ? settings.store() : null;
        String schema = "bench_" + configuration.coordinators() + "_" + ProcessHandle.current().pid();
        if (store != null) {
            store.dropSchema(schema); // left by a run that was killed, if any
        }
        List<CoordinatorProcess> coordinators = new ArrayList<>();
        try {
            for (int i = 1; i <= configuration.coordinators(); i++) {
                List<String> arguments = store == null ? List.of() : List.of("--store", store.serverArgument(schema));
                CoordinatorProcess c = CoordinatorProcess.start(settings.launch(), settings.serverJvmOptions(),
                        settings.workDir(), settings.token(), settings.quietServer(), Duration.ofSeconds(60),
                        store == null ? "bench" : "bench-" + i, store == null, arguments);
                coordinators.add(c);
                progress.println("== " + configuration.label() + ": coordinator " + i + " pid " + c.pid() + " at "
                        + c.url() + ", log " + c.logFile());
            }
            ObjectMapper json = new ObjectMapper();
            long sinceSchema = 0;
            if (!settings.jitWarmup().isZero()) {
                // per coordinator: each of N coordinators gets a N-th of the transactions, and the JIT compiles what
                // ran often enough, so N of them need N times as long to be as compiled as one
                Duration jit = settings.jitWarmup().multipliedBy(configuration.coordinators());
                progress.println("== " + configuration.label() + ": JIT warm-up, " + settings.clients() + " clients, "
                        + jit.toMillis() + " ms, not recorded");
                RemotePoint w = ClientLoad.run(workload(json, coordinators, noOps), settings.clients(), Duration.ZERO,
                        jit, () -> -1, () -> -1);
                sinceSchema += w.committedOverall() + w.rolledBackOverall() + w.failedOverall();
                if (w.failedOverall() > 0 || w.rolledBackOverall() > 0) {
                    progress.println("   during the JIT warm-up: " + w.rolledBackOverall() + " rolled back, "
                            + w.failedOverall() + " failed; first failure: " + w.firstFailure());
                }
            }
            StoreDatabase.Counters before = null;
            if (store != null) {
                // the coordinators are idle now but for lease renewals: let every backend add what it did so far
                Thread.sleep(settings.statsSettle().toMillis());
                before = store.counters();
            }

            progress.println("== " + configuration.label() + ", " + settings.clients() + " clients: "
                    + settings.warmup().toMillis() + " ms warm-up + " + settings.window().toMillis() + " ms");
            noOps.reset();
            List<CpuMeter> meters = coordinators.stream().map(c -> CpuMeter.of(c.handle())).toList();
            WindowSamples samples = new WindowSamples(store != null && store.local() ? store : null);
            RemotePoint p = ClientLoad.run(workload(json, coordinators, noOps), settings.clients(), settings.warmup(),
                    settings.window(), CpuMeter.sum(meters), CpuMeter.thisJvm(), samples);
            p = p.withCheck(RemoteBenchmark.check(p, noOps.counts(), settings.participants(), settings.participants()));
            for (CoordinatorProcess c : coordinators) {
                if (!c.alive()) {
                    throw new IllegalStateException("coordinator " + c.pid() + " exited during the run; its log: "
                            + c.logFile());
                }
            }
            long pointTransactions = p.committedOverall() + p.rolledBackOverall() + p.failedOverall();
            sinceSchema += pointTransactions;

            ScalePoint.StoreCost cost = null;
            if (store != null) {
                stop(coordinators);
                if (!store.awaitNoBackends(BACKENDS_GONE)) {
                    progress.println("   sessions on " + store.database() + " still open " + BACKENDS_GONE.toSeconds()
                            + " s after the coordinators stopped: the database counters may miss some");
                }
                StoreDatabase.Counters delta = store.counters().minus(before);
                Map<String, StoreDatabase.TableRows> rows = store.tableRows(schema);
                cost = new ScalePoint.StoreCost(pointTransactions, delta, samples.postgresNanos(), samples.sessionNanos(), sinceSchema,
                        rows);
            }
            ScalePoint result = new ScalePoint(configuration.label(), configuration.coordinators(), p,
                    samples.machineNanos(), cost);
            progress.println(progressLine(result));
            return result;
        } finally {
            stop(coordinators);
            if (store != null) {
                store.awaitNoBackends(BACKENDS_GONE);
                store.dropSchema(schema);
            }
        }
    }

    private Workload workload(ObjectMapper json, List<CoordinatorProcess> coordinators, NoOpParticipants noOps) {
        // one HttpClient per point, as one calling service would have; it keeps a connection pool per coordinator
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        List<DtcTransactions> each = new ArrayList<>();
        for (CoordinatorProcess c : coordinators) {
            each.add(new DtcTransactions(client, json, c.url(), settings.token(), noOps.urls(),
                    PayloadSource.generator(settings.participants()), settings.timeoutMs()));
        }
        return new RoundRobin(each);
    }

    private static void stop(List<CoordinatorProcess> coordinators) throws Exception {
        for (CoordinatorProcess c : coordinators) {
            c.close();
        }
    }

    private static String progressLine(ScalePoint s) {
        RemotePoint p = s.point();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "   %,.0f tx/s, p50 %.3f ms, p99 %.3f ms, %d rolled back, %d failed; CPU per tx: coordinators %.0f us,"
                        + " this JVM %.0f us", p.transactionsPerSecond(), p.p50Nanos() / 1e6, p.p99Nanos() / 1e6,
                p.rolledBack(), p.failed(), p.cpuMicrosPerTransaction(p.coordinatorCpuNanos()),
                p.cpuMicrosPerTransaction(p.localCpuNanos())));
        if (s.store() != null) {
            line.append(String.format(Locale.ROOT, ", PostgreSQL %.0f us; database transactions per tx %.3f,"
                            + " WAL fsyncs per tx %.3f", p.cpuMicrosPerTransaction(s.store().postgresCpuNanos()),
                    s.store().commitsPerTransaction(), s.store().walSyncsPerTransaction()));
        }
        if (p.check() != null) {
            line.append("; CHECK: ").append(p.check());
        }
        if (p.firstFailure() != null) {
            line.append("; first failure: ").append(p.firstFailure());
        }
        return line.toString();
    }

    /**
     * The whole machine's CPU over the window, and the PostgreSQL server's: all of its processes, and the sessions
     * of the store's database alone (other databases of the same server may be busy with other work), sampled at
     * the window's edges from /proc.
     */
    private static final class WindowSamples implements ClientLoad.Edges {
        private final StoreDatabase store;
        private final AtomicReference<Map<Long, Long>> postgresStart = new AtomicReference<>(Map.of());
        private final AtomicReference<Set<Long>> sessionsStart = new AtomicReference<>(Set.of());
        private volatile long postgresNanos = -1;
        private volatile long sessionNanos = -1;
        private volatile long machineStart = -1;
        private volatile long machineNanos = -1;

        /** @param store null: the machine only */
        WindowSamples(StoreDatabase store) {
            this.store = store;
        }

        @Override
        public void windowStarts() {
            machineStart = MachineCpu.busyNanos();
            if (store != null) {
                postgresStart.set(PostgresCpu.sample());
                sessionsStart.set(sessions());
            }
        }

        @Override
        public void windowEnds() {
            long machine = MachineCpu.busyNanos();
            machineNanos = machine < 0 || machineStart < 0 ? -1 : machine - machineStart;
            if (store != null) {
                Map<Long, Long> end = PostgresCpu.sample();
                Set<Long> sessions = new HashSet<>(sessionsStart.get());
                sessions.addAll(sessions());
                postgresNanos = PostgresCpu.nanosBetween(postgresStart.get(), end);
                sessionNanos = PostgresCpu.nanosBetween(postgresStart.get(), end, sessions);
            }
        }

        private Set<Long> sessions() {
            try {
                return store.sessionPids();
            } catch (SQLException e) {
                return Set.of();
            }
        }

        long postgresNanos() {
            return postgresNanos;
        }

        long sessionNanos() {
            return sessionNanos;
        }

        long machineNanos() {
            return machineNanos;
        }
    }
}
