package dev.dtc.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dtc.TransactionService;
import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code dtc} health indicator: UP with the figures; DOWN once the log is closed or the start-up scan failed. */
class DtcHealthIndicatorTest {

    static StarterDatabases dbs;

    @TempDir
    Path logs;

    @BeforeAll
    static void databases() throws SQLException {
        dbs = new StarterDatabases();
    }

    private ApplicationContextRunner runner(String node) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DtcAutoConfiguration.class,
                        DtcHealthContributorAutoConfiguration.class))
                .withPropertyValues("dtc.node-name=" + node, "dtc.log-directory=" + logs.resolve(node))
                .withPropertyValues(dbs.twoDataSources());
    }

    @Test
    void upWithTheFiguresThenDownOnceTheServiceIsClosed() {
        runner("starter-health").run(context -> {
            Health health = context.getBean("dtcHealthIndicator", DtcHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails())
                    .containsEntry("node", "starter-health")
                    .containsEntry("logOpen", true)
                    .containsEntry("recoveryDone", true)
                    .containsEntry("inDoubt", 0)
                    .containsEntry("heuristics", 0)
                    .containsEntry("transactionsInFlight", 0)
                    .doesNotContainKeys("leaseLost", "recoveryFailure");

            context.getBean(TransactionService.class).close();
            Health closed = context.getBean(DtcHealthIndicator.class).health();
            assertThat(closed.getStatus()).isEqualTo(Status.DOWN);
            assertThat(closed.getDetails()).containsEntry("logOpen", false);
        });
    }

    @Test
    void downWhenTheStartUpScanCouldNotScanAResource() {
        runner("starter-health-scan").withUserConfiguration(UnreachableResource.class).run(context -> {
            DtcStartupRecovery recovery = context.getBean(DtcStartupRecovery.class);
            assertThat(recovery.failure()).get().asString().contains("unreachable-db");
            Health health = context.getBean(DtcHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails()).containsEntry("logOpen", true).containsEntry("recoveryDone", true)
                    .containsKey("recoveryFailure");
        });
    }

    @Test
    void offWhenManagementHealthDtcIsDisabled() {
        runner("starter-health-off").withPropertyValues("management.health.dtc.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(DtcHealthIndicator.class));
    }

    /** An application's own recovery registration whose database cannot be reached at the start-up scan. */
    @Configuration(proxyBeanMethods = false)
    static class UnreachableResource {
        @Bean
        Object unreachableRegistration(TransactionService dtc) {
            dtc.recovery().register("unreachable-db", () -> {
                throw new IllegalStateException("connection refused");
            });
            return new Object();
        }
    }
}
