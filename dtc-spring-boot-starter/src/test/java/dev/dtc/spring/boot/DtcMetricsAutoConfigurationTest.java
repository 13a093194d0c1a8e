package dev.dtc.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dtc.micrometer.DtcMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The starter adds dtc's meters by itself: with the actuator's metrics, the registry Boot makes counts the
 * transactions run through the starter's beans and shows each data source's pool; without Micrometer the starter
 * still starts.
 */
class DtcMetricsAutoConfigurationTest {

    static StarterDatabases dbs;

    @TempDir
    Path logs;

    @BeforeAll
    static void databases() throws SQLException {
        dbs = new StarterDatabases();
    }

    private ApplicationContextRunner runner(String node) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DtcAutoConfiguration.class, TransactionAutoConfiguration.class,
                        MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
                        SimpleMetricsExportAutoConfiguration.class))
                .withPropertyValues("dtc.node-name=" + node, "dtc.log-directory=" + logs.resolve(node))
                .withPropertyValues(dbs.twoDataSources());
    }

    @Test
    void theRegistryCountsTheTransactionsAndShowsEveryPool() {
        runner("starter-metrics").run(context -> {
            assertThat(context).hasSingleBean(DtcMetrics.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            TransactionTemplate tx = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
            JdbcTemplate orders = new JdbcTemplate(context.getBean("orders", DataSource.class));
            JdbcTemplate stock = new JdbcTemplate(context.getBean("stock", DataSource.class));

            String committed = "m-" + UUID.randomUUID();
            tx.executeWithoutResult(s -> {
                orders.update("INSERT INTO items (id) VALUES (?)", committed);
                stock.update("INSERT INTO items (id) VALUES (?)", committed);
            });
            String rolledBack = "m-" + UUID.randomUUID();
            assertThatThrownBy(() -> tx.executeWithoutResult(s -> {
                orders.update("INSERT INTO items (id) VALUES (?)", rolledBack);
                stock.update("INSERT INTO items (id) VALUES (?)", rolledBack);
                throw new IllegalStateException("refused");
            })).hasMessage("refused");

            assertThat(dbs.inOrders(committed)).isTrue();
            assertThat(dbs.inStock(committed)).isTrue();
            assertThat(dbs.inOrders(rolledBack)).isFalse();
            assertThat(registry.get("dtc.transactions.finished").tag("node", "starter-metrics")
                    .tag("outcome", "committed").counter().count()).isEqualTo(1.0);
            assertThat(registry.get("dtc.transactions.finished").tag("outcome", "rolled_back").counter().count())
                    .isEqualTo(1.0);
            assertThat(registry.get("dtc.commit").tag("outcome", "committed").timer().count()).isEqualTo(1);
            assertThat(registry.get("dtc.decision.force").timer().count()).isEqualTo(1);
            assertThat(registry.get("dtc.pool.connections.created").tag("pool", "orders").functionCounter().count())
                    .isGreaterThanOrEqualTo(1.0);
            assertThat(registry.get("dtc.pool.connections.created").tag("pool", "stock").functionCounter().count())
                    .isGreaterThanOrEqualTo(1.0);
            assertThat(dbs.preparedInPostgres("starter-metrics")).isEmpty();
            assertThat(dbs.preparedInMysql("starter-metrics")).isEmpty();
        });
    }

    @Test
    void withoutMicrometerTheStarterStartsWithoutMeters() {
        runner("starter-no-metrics").withClassLoader(new FilteredClassLoader("io.micrometer"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("dtcMetrics"));
    }
}
