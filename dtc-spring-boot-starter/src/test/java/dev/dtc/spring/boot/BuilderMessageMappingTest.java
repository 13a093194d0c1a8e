package dev.dtc.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.dtc.ConfigurationException;
import dev.dtc.TransactionService;
import dev.dtc.xa.PoolSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

/**
 * Each refusal of dtc's own builders is reported on the {@code dtc.*} property it came from. The builders' messages
 * are what {@link DtcPropertiesCheck} reads, so this breaks when one of them changes its wording.
 */
class BuilderMessageMappingTest {

    @TempDir
    Path logs;

    private static final DtcProperties.DataSource DEFAULTS = new DtcProperties.DataSource("jdbc:postgresql://h/d",
            null, null, false, 0, 10, Duration.ofSeconds(30), Duration.ofSeconds(5), null, Duration.ofSeconds(1),
            Duration.ofMinutes(2), Duration.ZERO, Duration.ofMinutes(10));

    @Test
    void everyPoolSettingsRefusalNamesItsProperty() {
        Map<String, Consumer<PoolSettings.Builder>> wrong = Map.of(
                "min-size", b -> b.minSize(-1),
                "max-size", b -> b.maxSize(0),
                "acquire-timeout", b -> b.acquireTimeout(Duration.ZERO),
                "validation-timeout", b -> b.validationTimeout(Duration.ofMillis(10)),
                "validation-query", b -> b.validationQuery(" "),
                "validate-after-idle", b -> b.validateAfterIdle(Duration.ofSeconds(-1)),
                "validation-interval", b -> b.validationInterval(Duration.ofSeconds(-1)),
                "leak-timeout", b -> b.leakTimeout(Duration.ofSeconds(-1)),
                "idle-timeout", b -> b.idleTimeout(Duration.ofSeconds(-1)));
        wrong.forEach((property, setting) -> {
            PoolSettings.Builder b = PoolSettings.builder();
            setting.accept(b);
            ConfigurationException refused = catchThrowableOfType(ConfigurationException.class, b::build);
            RuntimeException reported = DtcPropertiesCheck.poolProblem("orders", refused, DEFAULTS);
            assertThat(reported).as(property).isInstanceOf(InvalidConfigurationPropertyValueException.class);
            assertThat(((InvalidConfigurationPropertyValueException) reported).getName())
                    .isEqualTo("dtc.datasources.orders." + property);
        });
    }

    @Test
    void everyTransactionServiceRefusalNamesItsProperty() {
        Map<String, Consumer<TransactionService.Builder>> wrong = Map.of(
                "node-name", b -> b.nodeName("a-node-name-that-is-longer-than-32-chars"),
                "default-timeout", b -> b.defaultTimeout(Duration.ofMillis(100)),
                "recovery-interval", b -> b.recoveryInterval(Duration.ofSeconds(-1)),
                "recovery-grace-period", b -> b.recoveryGracePeriod(Duration.ofSeconds(-1)),
                "retry-initial-delay", b -> b.retryBackoff(Duration.ZERO, Duration.ofSeconds(1)),
                "retry-max-delay", b -> b.retryBackoff(Duration.ofSeconds(1), Duration.ZERO),
                "log-segment-size", b -> b.logSegmentBytes(1),
                "log-directory", b -> b.logDirectory(logs.resolve("file")));
        DtcProperties properties = new DtcProperties(true, "n", logs, Duration.ofSeconds(60), Duration.ofSeconds(30),
                Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofSeconds(30), DataSize.ofMegabytes(16), null);
        wrong.forEach((property, setting) -> {
            TransactionService.Builder b = TransactionService.builder().nodeName("mapping-test").logDirectory(logs);
            if ("log-directory".equals(property)) {
                try {
                    Files.writeString(logs.resolve("file"), "a file where the directory should be");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            setting.accept(b);
            ConfigurationException refused = catchThrowableOfType(ConfigurationException.class, b::build);
            assertThat(refused).as(property).isNotNull();
            RuntimeException reported = DtcPropertiesCheck.serviceProblem(refused, properties);
            assertThat(reported).as(property + ": " + refused.getMessage())
                    .isInstanceOf(InvalidConfigurationPropertyValueException.class);
            assertThat(((InvalidConfigurationPropertyValueException) reported).getName()).isEqualTo("dtc." + property);
        });
    }
}
