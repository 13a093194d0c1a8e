package dev.dtc.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dtc.TransactionService;
import dev.dtc.audit.AuditEvent;
import dev.dtc.audit.AuditListener;
import dev.dtc.audit.EventType;
import dev.dtc.xa.TransactionalDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.jta.JtaTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The beans the starter makes, on the test PostgreSQL and MySQL/MariaDB, alongside Boot's own auto-configuration. */
class DtcAutoConfigurationTest {

    static StarterDatabases dbs;

    @TempDir
    Path logs;

    @BeforeAll
    static void databases() throws SQLException {
        dbs = new StarterDatabases();
    }

    private ApplicationContextRunner runner(String node) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DtcAutoConfiguration.class, DataSourceAutoConfiguration.class,
                        DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class))
                .withPropertyValues("dtc.node-name=" + node, "dtc.log-directory=" + logs.resolve(node))
                .withPropertyValues(dbs.twoDataSources());
    }

    @Test
    void oneServiceOneJtaTransactionManagerAndADataSourcePerEntryNamedAsTheEntry() {
        runner("starter-beans").run(context -> {
            assertThat(context).hasNotFailed();
            TransactionService dtc = context.getBean(TransactionService.class);
            assertThat(context.getBeansOfType(TransactionService.class)).hasSize(1);
            assertThat(dtc.nodeName()).isEqualTo("starter-beans");

            // Boot's DataSourceTransactionManager backed off: the one transaction manager is dtc's, by JTA
            assertThat(context.getBeansOfType(PlatformTransactionManager.class)).containsOnlyKeys("transactionManager");
            JtaTransactionManager jta = context.getBean("transactionManager", JtaTransactionManager.class);
            assertThat(jta.getTransactionManager()).isSameAs(dtc.transactionManager());
            assertThat(jta.getUserTransaction()).isSameAs(dtc.userTransaction());
            assertThat(jta.getTransactionSynchronizationRegistry()).isSameAs(dtc.synchronizationRegistry());

            // Boot's pool backed off too: the data sources are the two entries, orders primary
            assertThat(context.getBeansOfType(DataSource.class)).containsOnlyKeys("orders", "stock");
            assertThat(context.getBean(DataSource.class)).isSameAs(context.getBean("orders"));
            assertThat(context.getBean("orders", TransactionalDataSource.class).name()).isEqualTo("orders");
            assertThat(context.getBean("stock", TransactionalDataSource.class).name()).isEqualTo("stock");

            assertThat(context.getBean(DtcStartupRecovery.class).done()).isTrue();
            assertThat(context.getBean(DtcStartupRecovery.class).failure()).isEmpty();
        });
    }

    @Test
    void aTransactionTemplateCommitsInBothDatabasesAndAnExceptionRollsBothBack() {
        runner("starter-tx").run(context -> {
            TransactionTemplate tx = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
            JdbcTemplate orders = new JdbcTemplate(context.getBean("orders", DataSource.class));
            JdbcTemplate stock = new JdbcTemplate(context.getBean("stock", DataSource.class));
            String committed = "c-" + UUID.randomUUID();
            tx.executeWithoutResult(s -> {
                orders.update("INSERT INTO items (id) VALUES (?)", committed);
                stock.update("INSERT INTO items (id) VALUES (?)", committed);
            });
            assertThat(dbs.inOrders(committed)).isTrue();
            assertThat(dbs.inStock(committed)).isTrue();

            String rolledBack = "r-" + UUID.randomUUID();
            assertThatThrownBy(() -> tx.executeWithoutResult(s -> {
                orders.update("INSERT INTO items (id) VALUES (?)", rolledBack);
                stock.update("INSERT INTO items (id) VALUES (?)", rolledBack);
                throw new IllegalStateException("out of stock");
            })).hasMessage("out of stock");
            assertThat(dbs.inOrders(rolledBack)).isFalse();
            assertThat(dbs.inStock(rolledBack)).isFalse();
            assertThat(dbs.preparedInPostgres("starter-tx")).isEmpty();
            assertThat(dbs.preparedInMysql("starter-tx")).isEmpty();
        });
    }

    @Test
    void theApplicationsAuditListenersHearTheService() {
        List<AuditEvent> heard = new CopyOnWriteArrayList<>();
        runner("starter-audit").withBean(AuditListener.class, () -> heard::add).run(context -> {
            TransactionTemplate tx = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
            String id = "a-" + UUID.randomUUID();
            JdbcTemplate orders = new JdbcTemplate(context.getBean("orders", DataSource.class));
            JdbcTemplate stock = new JdbcTemplate(context.getBean("stock", DataSource.class));
            tx.executeWithoutResult(s -> {
                orders.update("INSERT INTO items (id) VALUES (?)", id);
                stock.update("INSERT INTO items (id) VALUES (?)", id);
            });
            assertThat(heard).extracting(AuditEvent::type).contains(EventType.TX_COMMITTED);
        });
    }

    @Test
    void theEntrysPoolSettingsApply() {
        runner("starter-pool").withPropertyValues("dtc.datasources.stock.max-size=1",
                "dtc.datasources.stock.acquire-timeout=1s").run(context -> {
            DataSource stock = context.getBean("stock", DataSource.class);
            try (Connection held = stock.getConnection()) {
                assertThat(held.isValid(1)).isTrue();
                // the one connection of max-size 1 is taken: the next waits acquire-timeout, then fails
                assertThatThrownBy(stock::getConnection).isInstanceOf(SQLException.class);
            }
            try (Connection again = stock.getConnection()) {
                assertThat(again.isValid(1)).isTrue();
            }
        });
    }

    @Test
    void closingTheContextClosesTheDataSourcesAndThenTheService() {
        TransactionService[] service = new TransactionService[1];
        TransactionalDataSource[] orders = new TransactionalDataSource[1];
        runner("starter-close").run(context -> {
            service[0] = context.getBean(TransactionService.class);
            orders[0] = context.getBean("orders", TransactionalDataSource.class);
            assertThat(service[0].isOpen()).isTrue();
        });
        assertThat(service[0].isOpen()).isFalse();
        assertThatThrownBy(() -> orders[0].getConnection()).isInstanceOf(SQLException.class);
    }

    @Test
    void anApplicationsOwnTransactionServiceIsTheOneEverythingUses() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DtcAutoConfiguration.class))
                .withBean("ownService", TransactionService.class, () -> TransactionService.builder()
                        .nodeName("starter-own").logDirectory(logs.resolve("own")).build(),
                        bd -> bd.setDestroyMethodName("close"))
                .withPropertyValues(dbs.twoDataSources()) // no dtc.node-name, no dtc.log-directory: the bean has them
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBeansOfType(TransactionService.class)).containsOnlyKeys("ownService");
                    TransactionService own = context.getBean(TransactionService.class);
                    assertThat(context.getBean(JtaTransactionManager.class).getTransactionManager())
                            .isSameAs(own.transactionManager());
                    // the data sources registered with its recovery: their names are taken there
                    assertThatThrownBy(() -> own.recovery().register("stock", () -> {
                        throw new IllegalStateException("never called");
                    })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stock");
                });
    }

    @Test
    void dtcEnabledFalseMakesNothing() {
        runner("starter-off").withPropertyValues("dtc.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(TransactionService.class);
            assertThat(context).doesNotHaveBean("orders");
            assertThat(logs.resolve("starter-off")).doesNotExist();
        });
    }
}
