package dev.dtc.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dtc.TransactionService;
import dev.dtc.testdb.DatabaseServer;
import dev.dtc.testdb.TestDatabases;
import dev.dtc.xa.TransactionalDataSource;
import dev.dtc.xa.XaDataSources;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real pooled PostgreSQL data source: its pool gauges move while a transaction holds a connection, and the
 * transaction's row is in the database when the counters say it committed.
 */
class PooledDataSourceMetricsTest {

    private static final String DB = "dtc_micrometer_pool";

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void poolGaugesMoveWhileATransactionHoldsAConnection() throws Exception {
        DatabaseServer pg = TestDatabases.postgres();
        pg.createDatabase(DB);
        try (Connection c = pg.connect(DB); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS metered (id text PRIMARY KEY)");
        }
        String id = "row-" + System.nanoTime();
        try (TransactionService dtc = TransactionService.builder().nodeName("micrometer-pool").logDirectory(dir)
                .recoveryInterval(Duration.ZERO).build();
             TransactionalDataSource orders = XaDataSources.postgres(dtc, pg.jdbcUrl(DB), pg.user(), pg.password());
             DtcMetrics metrics = new DtcMetrics(dtc).dataSource(orders)) {
            metrics.bindTo(registry);
            assertThat(gauge("dtc.pool.connections.active")).isZero();
            assertThat(counter("dtc.pool.connections.acquired")).isZero();

            TransactionManager tm = dtc.transactionManager();
            tm.begin();
            try (Connection c = orders.getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO metered VALUES ('" + id + "')");
            }
            assertThat(gauge("dtc.pool.connections.active")).as("held by the transaction").isEqualTo(1);
            assertThat(gauge("dtc.pool.connections.max.used")).isGreaterThanOrEqualTo(1);
            assertThat(counter("dtc.pool.connections.created")).isGreaterThanOrEqualTo(1);
            assertThat(counter("dtc.pool.connections.acquired")).isEqualTo(1);
            tm.commit();

            assertThat(gauge("dtc.pool.connections.active")).as("back after the commit").isZero();
            assertThat(gauge("dtc.pool.connections.available")).isGreaterThanOrEqualTo(1);
            assertThat(gauge("dtc.pool.connections.pending")).isZero();
            assertThat(registry.get("dtc.transactions.finished").tag("outcome", "committed").counter().count())
                    .isEqualTo(1);
            assertThat(registry.get("dtc.commit").tag("outcome", "committed").timer().count())
                    .as("a one-phase commit is timed too").isEqualTo(1);
            assertThat(registry.get("dtc.decision.force").timer().count()).as("one phase: no decision").isZero();
            assertThat(registry.get("dtc.pool.connections.active").tag("pool", orders.name())
                    .tag("node", "micrometer-pool").gauge()).isNotNull();
        }
        try (Connection c = pg.connect(DB); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM metered WHERE id = '" + id + "'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("the committed row").isEqualTo(1);
        }
        try (Connection c = pg.connect(DB); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_prepared_xacts WHERE database = '" + DB + "'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("nothing left prepared").isZero();
        }
    }

    @Test
    void twoDataSourcesWithOneNameAreRefused() throws Exception {
        DatabaseServer pg = TestDatabases.postgres();
        pg.createDatabase(DB);
        try (TransactionService dtc = TransactionService.builder().nodeName("micrometer-names").logDirectory(dir)
                .recoveryInterval(Duration.ZERO).build();
             TransactionalDataSource one = XaDataSources.postgres(dtc, pg.jdbcUrl(DB), pg.user(), pg.password())) {
            DtcMetrics metrics = new DtcMetrics(dtc).dataSource(one);
            assertThatThrownBy(() -> metrics.dataSource(one)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(one.name()).hasMessageContaining("its own name");
        }
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    private double counter(String name) {
        return registry.get(name).functionCounter().count();
    }
}
