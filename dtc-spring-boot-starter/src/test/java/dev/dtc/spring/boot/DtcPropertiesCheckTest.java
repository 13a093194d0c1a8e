package dev.dtc.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;

/**
 * Wrong {@code dtc.*} properties stop the start with an {@link InvalidConfigurationPropertyValueException} that
 * names the property and says what to fix (Spring Boot's failure analysis prints exactly that), and create
 * nothing: no log directory.
 */
class DtcPropertiesCheckTest {

    static StarterDatabases dbs;

    @TempDir
    Path logs;

    @BeforeAll
    static void databases() throws SQLException {
        dbs = new StarterDatabases();
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DtcAutoConfiguration.class))
                .withPropertyValues("dtc.node-name=starter-check", "dtc.log-directory=" + logs.resolve("log"))
                .withPropertyValues(dbs.twoDataSources());
    }

    private InvalidConfigurationPropertyValueException failure(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        Throwable root = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure());
        Throwable t = context.getStartupFailure();
        while (t != null && !(t instanceof InvalidConfigurationPropertyValueException)) {
            t = t.getCause();
        }
        assertThat(t).as("an InvalidConfigurationPropertyValueException in %s", root).isNotNull();
        // it is what failed, not something that failed while it was being made
        assertThat(root).isSameAs(t);
        return (InvalidConfigurationPropertyValueException) t;
    }

    @Test
    void aDataSourceWithoutUrl() {
        runner().withPropertyValues("dtc.datasources.stock.url=").run(context -> {
            InvalidConfigurationPropertyValueException e = failure(context);
            assertThat(e.getName()).isEqualTo("dtc.datasources.stock.url");
            assertThat(e.getReason()).contains("is required").contains("jdbc:postgresql://host:5432/database");
            assertThat(logs.resolve("log")).doesNotExist();
        });
    }

    @Test
    void aUrlOfAnUnsupportedDatabase() {
        runner().withPropertyValues("dtc.datasources.stock.url=jdbc:oracle:thin:@db:1521/stock?password=secret")
                .run(context -> {
                    InvalidConfigurationPropertyValueException e = failure(context);
                    assertThat(e.getName()).isEqualTo("dtc.datasources.stock.url");
                    assertThat(e.getReason()).contains("PostgreSQL and MySQL/MariaDB");
                    assertThat(e.getValue()).isEqualTo("jdbc:oracle:thin:@db:1521/stock"); // no parameters: no secrets
                    assertThat(e.getMessage()).doesNotContain("secret");
                    assertThat(logs.resolve("log")).doesNotExist();
                });
    }

    @Test
    void aUrlWhoseDriverIsNotOnTheClassPath() {
        runner().withClassLoader(new FilteredClassLoader("org.postgresql")).run(context -> {
            InvalidConfigurationPropertyValueException e = failure(context);
            assertThat(e.getName()).isEqualTo("dtc.datasources.orders.url");
            assertThat(e.getReason()).contains("add the dependency org.postgresql:postgresql");
            assertThat(logs.resolve("log")).doesNotExist();
        });
    }

    @Test
    void anEntryNamedAsABeanTheApplicationHas() {
        runner().withBean("stock", String.class, () -> "the application's own bean").run(context -> {
            InvalidConfigurationPropertyValueException e = failure(context);
            assertThat(e.getName()).isEqualTo("dtc.datasources.stock");
            assertThat(e.getReason()).contains("already has a bean of that name");
        });
    }

    @Test
    void twoPrimaries() {
        runner().withPropertyValues("dtc.datasources.stock.primary=true").run(context -> {
            InvalidConfigurationPropertyValueException e = failure(context);
            assertThat(e.getReason()).contains("dtc.datasources.orders.primary and dtc.datasources.stock.primary");
        });
    }

    @Test
    void noNodeName() {
        runner().withPropertyValues("dtc.node-name=").run(context -> {
            InvalidConfigurationPropertyValueException e = failure(context);
            assertThat(e.getName()).isEqualTo("dtc.node-name");
            assertThat(e.getReason()).contains("is required");
            assertThat(logs.resolve("log")).doesNotExist();
        });
    }

    @Test
    void aNodeNameWithCharactersThatCannotBeInAnXid() {
        runner().withPropertyValues("dtc.node-name=node/1").run(context -> {
            InvalidConfigurationPropertyValueException e = failure(context);
            assertThat(e.getName()).isEqualTo("dtc.node-name");
            assertThat(e.getValue()).isEqualTo("node/1");
            assertThat(e.getReason()).contains("may only contain A-Z a-z 0-9 . _ -");
        });
    }

    @Test
    void noLogDirectory() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(DtcAutoConfiguration.class))
                .withPropertyValues("dtc.node-name=starter-check").run(context -> {
                    InvalidConfigurationPropertyValueException e = failure(context);
                    assertThat(e.getName()).isEqualTo("dtc.log-directory");
                });
    }

    @Test
    void aDefaultTimeoutBelowOneSecond() {
        runner().withPropertyValues("dtc.default-timeout=500ms").run(context -> {
            InvalidConfigurationPropertyValueException e = failure(context);
            assertThat(e.getName()).isEqualTo("dtc.default-timeout");
            assertThat(e.getReason()).contains("at least 1 second");
        });
    }

    @Test
    void aPoolThatCannotWork() {
        runner().withPropertyValues("dtc.datasources.stock.min-size=5", "dtc.datasources.stock.max-size=2")
                .run(context -> {
                    InvalidConfigurationPropertyValueException e = failure(context);
                    assertThat(e.getName()).isEqualTo("dtc.datasources.stock.min-size");
                    assertThat(e.getReason()).contains("must not exceed maxSize");
                });
    }

    @Test
    void aServerThatDoesNotAnswer() {
        runner().withPropertyValues("dtc.datasources.stock.url=jdbc:mariadb://127.0.0.1:1/stock?connectTimeout=2000")
                .run(context -> {
                    InvalidConfigurationPropertyValueException e = failure(context);
                    assertThat(e.getName()).isEqualTo("dtc.datasources.stock.url");
                    assertThat(e.getValue()).isEqualTo("jdbc:mariadb://127.0.0.1:1/stock");
                });
    }
}
