package dev.dtc.spring.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The sample started for real ({@code SpringApplication.run}) with a wrong {@code dtc.datasources} property: it stops
 * before anything is opened, and Spring Boot's failure report names the property and says what to fix.
 */
@ExtendWith(OutputCaptureExtension.class)
class BadPropertyTest {

    @TempDir
    Path logs;

    /** Starts the sample with command-line arguments, which take precedence over its application.yml. */
    private void start(String badProperty) {
        try (ConfigurableApplicationContext started = new SpringApplicationBuilder(SampleApplication.class)
                .web(WebApplicationType.NONE)
                .run("--dtc.node-name=sample-bad-property", "--dtc.log-directory=" + logs.resolve("log"),
                        "--" + badProperty)) {
            throw new AssertionError("the sample started with " + badProperty);
        }
    }

    @Test
    void aDataSourceWithoutUrl(CapturedOutput output) {
        assertThatThrownBy(() -> start("dtc.datasources.stock.url="))
                .isInstanceOf(InvalidConfigurationPropertyValueException.class);
        assertThat(output.getOut())
                .contains("APPLICATION FAILED TO START")
                .contains("Invalid value '' for configuration property 'dtc.datasources.stock.url' (originating from"
                        + " '\"dtc.datasources.stock.url\" from property source \"commandLineArgs\"')")
                .contains("dtc.datasources.stock.url is required");
        assertThat(logs.resolve("log")).doesNotExist();
    }

    @Test
    void aUrlOfAnUnsupportedDatabase(CapturedOutput output) {
        assertThatThrownBy(() -> start("dtc.datasources.stock.url=jdbc:sqlserver://db:1433;databaseName=stock"))
                .isInstanceOf(InvalidConfigurationPropertyValueException.class);
        assertThat(output.getOut())
                .contains("APPLICATION FAILED TO START")
                .contains("Invalid value 'jdbc:sqlserver://db:1433;databaseName=stock' for configuration property"
                        + " 'dtc.datasources.stock.url'")
                .contains("dtc's XA data sources support PostgreSQL and MySQL/MariaDB");
        assertThat(logs.resolve("log")).doesNotExist();
    }
}
