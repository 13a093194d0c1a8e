package dev.dtc.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dtc.testdb.DatabaseServer;
import dev.dtc.testdb.TestDatabases;
import dev.dtc.xa.XaDataSources;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The db- configurations against the test databases, for under a second each: no timing is asserted, only that
 * transactions were counted and that the check found each committed transaction's row in both databases and no
 * branch left prepared; and that the check fails when a database holds something else.
 */
class DatabaseWorkloadTest {

    private static final String DATABASE = "dtc_bench_xa";

    private static DatabaseSettings settings;

    @TempDir
    Path logDirectory;

    @BeforeAll
    static void databases() {
        DatabaseServer pg = TestDatabases.postgres();
        DatabaseServer my = TestDatabases.mysql();
        pg.createDatabase(DATABASE);
        my.createDatabase(DATABASE);
        settings = new DatabaseSettings(pg.jdbcUrl(DATABASE), pg.user(), pg.password(), my.jdbcUrl(DATABASE), my.user(),
                my.password());
    }

    @Test
    void theXaCallsByHandCommitEveryCountedTransactionInBothDatabases() throws Exception {
        try (Workload workload = new DatabaseWorkload(settings, null)) {
            PointResult point = new LoadRunner(workload, Duration.ofMillis(200), Duration.ofMillis(800))
                    .run("db-xa-by-hand", 2);

            assertThat(point.committed()).isPositive();
            assertThat(point.failed()).isZero();
            assertThat(point.checked()).isTrue();
            assertThat(point.allocatedBytesPerTx()).isPositive();
        }
    }

    @Test
    void dtcCommitsEveryCountedTransactionInBothDatabases() throws Exception {
        try (Workload workload = new DatabaseWorkload(settings, new DtcSystem(logDirectory))) {
            PointResult point = new LoadRunner(workload, Duration.ofMillis(200), Duration.ofMillis(800))
                    .run("db-dtc", 2);

            assertThat(point.committed()).isPositive();
            assertThat(point.failed()).isZero();
            assertThat(point.checked()).isTrue();
        }
    }

    @Test
    void theCheckFailsOnABranchLeftPreparedAndRollsItBack() throws Exception {
        XADataSource pg = XaDataSources.postgres(settings.postgresUrl(), settings.postgresUser(), settings.postgresPassword());
        XADataSource my = XaDataSources.mysql(settings.mysqlUrl(), settings.mysqlUser(), settings.mysqlPassword());
        try (DatabaseCheck check = new DatabaseCheck(pg, my, Duration.ofMillis(200))) {
            check.beforePoint();
            Xid xid = BenchXid.of("bench-test/" + System.nanoTime(), "pg");
            XAConnection connection = pg.getXAConnection();
            try {
                XAResource resource = connection.getXAResource();
                resource.start(xid, XAResource.TMNOFLAGS);
                try (PreparedStatement insert = connection.getConnection()
                        .prepareStatement("INSERT INTO " + DatabaseCheck.TABLE + " (id, payload) VALUES (1, 'left')")) {
                    insert.executeUpdate();
                }
                resource.end(xid, XAResource.TMSUCCESS);
                resource.prepare(xid);
            } finally {
                connection.close();
            }

            assertThat(check.afterPoint("test", 1, 0, 0)).isFalse();
            assertThat(preparedInPostgres(pg)).isZero(); // the check rolled it back
            assertThat(check.afterPoint("test", 1, 0, 0)).isTrue();
        }
    }

    @Test
    void theCheckFailsWhenATableLacksACommittedRow() throws Exception {
        XADataSource pg = XaDataSources.postgres(settings.postgresUrl(), settings.postgresUser(), settings.postgresPassword());
        XADataSource my = XaDataSources.mysql(settings.mysqlUrl(), settings.mysqlUser(), settings.mysqlPassword());
        try (DatabaseCheck check = new DatabaseCheck(pg, my, Duration.ofMillis(200))) {
            check.beforePoint();
            try (Connection c = ((org.postgresql.xa.PGXADataSource) pg).getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO " + DatabaseCheck.TABLE + " (id, payload) VALUES (1, 'one side only')");
            }

            assertThat(check.afterPoint("test", 1, 1, 0)).isFalse();
        }
    }

    private static long preparedInPostgres(XADataSource pg) throws Exception {
        try (Connection c = ((org.postgresql.xa.PGXADataSource) pg).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM pg_prepared_xacts WHERE database = current_database()")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
