package dev.dtc.bench.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dtc.testdb.DatabaseServer;
import dev.dtc.testdb.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale harness end to end, briefly: one real coordinator process on a shared store in the test PostgreSQL
 * (from dtc-server's classes on this test's class path), three no-op participants, two clients. No timing is
 * asserted: only that transactions were counted, that the participants saw what they imply, and that the counts
 * read from PostgreSQL match what the coordinator must have written.
 */
class ScaleBenchmarkTest {

    @TempDir
    Path work;

    @Test
    void countsTransactionsOnASharedStoreAndWhatTheDatabaseDidForThem() throws Exception {
        DatabaseServer pg = TestDatabases.postgres();
        String jdbc = pg.jdbcUrl("dtc_bench_test");
        String url = jdbc + (jdbc.contains("?") ? "&" : "?") + "user=" + pg.user()
                + (pg.password() == null || pg.password().isEmpty() ? "" : "&password=" + pg.password());
        ScaleBenchmark.Settings settings = new ScaleBenchmark.Settings(
                CoordinatorProcess.Launch.classPath(System.getProperty("java.class.path")),
                List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), true, work,
                List.of(ScaleBenchmark.Configuration.parse("shared-1")), 2, Duration.ZERO, Duration.ZERO,
                Duration.ofMillis(200), Duration.ofMillis(700), 3, StoreDatabase.parse(url), Duration.ofMillis(300), 5000,
                "test-token");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        ScaleBenchmark.Run run = new ScaleBenchmark(settings, new PrintStream(progress, true, StandardCharsets.UTF_8)).run();
        List<ScalePoint> points = run.points();

        String log = progress.toString(StandardCharsets.UTF_8);
        assertThat(points).as(log).hasSize(1);
        assertThat(run.commitProbe()).extracting(CommitProbe.Result::connections).containsExactly(1, 3, 16);
        assertThat(run.commitProbe()).allSatisfy(r -> assertThat(r.commitsPerSecond()).isPositive());
        ScalePoint shared = points.get(0);
        RemotePoint p = shared.point();
        assertThat(p.committed()).as(log).isPositive();
        assertThat(p.rolledBackOverall() + p.failedOverall()).as(log).isZero();
        assertThat(p.check()).as(log).isNull(); // 3 prepares and 3 commits reached the participants per commit

        ScalePoint.StoreCost store = shared.store();
        assertThat(store).as(log).isNotNull();
        assertThat(store.transactions()).isEqualTo(p.committedOverall());
        // every transaction wrote its decision in at least one database transaction (groups may carry several)
        assertThat(store.counters().transactions()).as(log).isPositive();
        // a decision is forced alone and its END comes after phase 2, so each committed transaction's decision is
        // one row of dtc_record, deleted again at its END: what PostgreSQL counted for the schema's table
        StoreDatabase.TableRows records = store.rows().get("dtc_record");
        assertThat(records).as(store.rows().toString()).isNotNull();
        assertThat(records.inserted()).as(log).isEqualTo(store.rowsTransactions());
        assertThat(records.deleted()).isLessThanOrEqualTo(records.inserted());
        assertThat(new ScaleReport(points, 2).clean()).isTrue();

        // and the schema is gone
        try (var c = pg.connect("dtc_bench_test"); var rs = c.createStatement().executeQuery(
                "SELECT count(*) FROM information_schema.schemata WHERE schema_name LIKE 'bench\\_1\\_"
                        + ProcessHandle.current().pid() + "'")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }

    @Test
    void theReportShowsTheStoresCostPerTransactionAndWhatOnePostgresCoreCarries() {
        RemotePoint file = point(10_000, 3_000_000_000L, 1_000_000_000L, null);
        RemotePoint shared = point(8_000, 2_400_000_000L, 800_000_000L, null);
        // 8,000 committed in the window, 10,000 in the whole point; 2,500 database transactions; 0.8 s of PostgreSQL
        ScalePoint.StoreCost cost = new ScalePoint.StoreCost(10_000, new StoreDatabase.Counters(2_500, 2_000, 0, 5_000_000),
                800_000_000L, 600_000_000L, 12_000, Map.of("dtc_record", new StoreDatabase.TableRows(12_000, 0, 12_000),
                        "dtc_schema", new StoreDatabase.TableRows(1, 0, 0)));

        ScaleReport report = new ScaleReport(List.of(new ScalePoint("file", 1, file, 18_000_000_000L, null),
                new ScalePoint("shared-1", 1, shared, 8_000_000_000L, cost)), 2,
                List.of(new CommitProbe.Result(1, 4_000, 0.25)));
        String table = report.render();

        assertThat(table)
                .contains("| file | 1 | 1,000 | 1.000 | 2.000 | 0 | 0 | 300 | 100 | — | — | — | — |")
                .contains("| shared-1 | 1 | 800 | 1.000 | 2.000 | 0 | 0 | 300 | 100 | 100 | 75 | 0.250 | 0.200 |")
                // PostgreSQL counted by its store sessions, 75 µs: 475 µs per tx at 800 tx/s = 0.38 cores;
                // 0.25 × 800 = 200 database tx/s; 75 µs / 0.25 = 300 µs per database transaction;
                // 10^6 / 75 µs = 13,333 tx/s per PostgreSQL core; 300 / 75 = 4
                .contains("| shared-1 | 475 | 0.38 | 0.80 | 200 | 300 | 13,333 | 4.0 |")
                .contains("file: the machine was 90 % busy, 1.80 of 2 cores, 0.40 of them the benchmark's processes (bound by the CPU)")
                .contains("shared-1: the machine was 40 % busy")
                .contains("committed at most 200 database transactions a second, where it commits 4,000 a second on 1"
                        + " connection alone (commit probe): its commit rate was not the limit")
                .contains("dtc_record 1.000 inserted, 1.000 deleted")
                .doesNotContain("dtc_schema"); // one row in 12,000 transactions is no cost per transaction
        assertThat(report.clean()).isTrue();
        assertThat(new ScaleReport(List.of(new ScalePoint("file", 1, point(1, 1, 1, "participants saw 1 prepare"), -1, null)), 2)
                .clean()).isFalse();
    }

    @Test
    void configurationsAndStoreUrlsAreCheckedWithMessagesThatSayWhatToWrite() {
        assertThat(ScaleBenchmark.Configuration.parse("shared-3")).isEqualTo(new ScaleBenchmark.Configuration("shared-3", 3, true));
        assertThat(ScaleBenchmark.Configuration.parse("file").shared()).isFalse();
        assertThatThrownBy(() -> ScaleBenchmark.Configuration.parse("shared-0")).hasMessageContaining("shared-N");

        StoreDatabase store = StoreDatabase.parse("postgresql://bench:s%40cret@127.0.0.1:5432/dtc_bench_store");
        assertThat(store.local()).isTrue();
        assertThat(store.serverArgument("bench_2_7")).isEqualTo(
                "jdbc:postgresql://127.0.0.1:5432/dtc_bench_store?schema=bench_2_7&user=bench&password=s%40cret");
        assertThatThrownBy(() -> StoreDatabase.parse("postgresql://u@h/db?schema=x")).hasMessageContaining("leave it out");
        assertThat(StoreDatabase.defaultUrl(Map.of("DTC_TEST_POSTGRES_URL", "jdbc:postgresql://db:5433/dtc",
                "DTC_TEST_POSTGRES_USER", "dtc", "DTC_TEST_POSTGRES_PASSWORD", "pw"), "dtc_bench_store"))
                .isEqualTo("postgresql://dtc:pw@db:5433/dtc_bench_store");
        assertThat(StoreDatabase.defaultUrl(Map.of(), "dtc_bench_store")).isEqualTo("postgresql://postgres@127.0.0.1:5432/dtc_bench_store");
    }

    private static RemotePoint point(long committed, long coordinatorCpuNanos, long localCpuNanos, String check) {
        return new RemotePoint("dtc", 64, committed, 0, 0, 10.0, 1_000_000, 2_000_000, 3_000_000, committed, 0, 0,
                coordinatorCpuNanos, localCpuNanos, check, null);
    }
}
