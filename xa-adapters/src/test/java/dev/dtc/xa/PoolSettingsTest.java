package dev.dtc.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dtc.ConfigurationException;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** What PoolSettings accepts, what it refuses, and the messages a user gets. */
class PoolSettingsTest {

    private static void refused(UnaryOperator<PoolSettings.Builder> change, String... messageParts) {
        var thrown = assertThatThrownBy(() -> change.apply(PoolSettings.builder()).build())
                .isInstanceOf(ConfigurationException.class);
        for (String part : messageParts) {
            thrown.hasMessageContaining(part);
        }
    }

    @Test
    void defaultsSuitASmallService() {
        PoolSettings d = PoolSettings.defaults();
        assertThat(d.name()).isNull();
        assertThat(d.minSize()).isZero();
        assertThat(d.maxSize()).isEqualTo(10);
        assertThat(d.acquireTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.validationTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(d.validationQuery()).isNull();
        assertThat(d.validateAfterIdle()).isEqualTo(Duration.ofSeconds(1));
        assertThat(d.validationInterval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(d.leakTimeout()).isZero();
        assertThat(d.idleTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(d).isEqualTo(PoolSettings.builder().build());
    }

    @Test
    void everySettingIsKeptAndToBuilderCopiesThem() {
        PoolSettings s = PoolSettings.builder().name("orders-db").minSize(2).maxSize(20)
                .acquireTimeout(Duration.ofSeconds(3)).validationTimeout(Duration.ofSeconds(2))
                .validationQuery("SELECT 1").validateAfterIdle(Duration.ZERO).validationInterval(Duration.ZERO)
                .leakTimeout(Duration.ofMinutes(1)).idleTimeout(Duration.ZERO).build();
        assertThat(s.name()).isEqualTo("orders-db");
        assertThat(s.minSize()).isEqualTo(2);
        assertThat(s.maxSize()).isEqualTo(20);
        assertThat(s.acquireTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.validationTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.validationQuery()).isEqualTo("SELECT 1");
        assertThat(s.validateAfterIdle()).isZero();
        assertThat(s.validationInterval()).isZero();
        assertThat(s.leakTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.idleTimeout()).isZero();
        assertThat(s.toBuilder().build()).isEqualTo(s).hasSameHashCodeAs(s);
        assertThat(s.toBuilder().maxSize(21).build()).isNotEqualTo(s);
        assertThat(s.toString()).contains("orders-db", "maxSize=20");
    }

    @Test
    void sizesThatCannotWorkAreRefused() {
        refused(b -> b.maxSize(0), "maxSize must be at least 1, was 0");
        refused(b -> b.minSize(-1), "minSize must be 0 or more, was -1");
        refused(b -> b.minSize(5).maxSize(3), "minSize (5) must not exceed maxSize (3)", "raise maxSize or lower minSize");
    }

    @Test
    void timeoutsThatCannotWorkAreRefused() {
        refused(b -> b.acquireTimeout(Duration.ZERO), "acquireTimeout must be positive", "PT0S");
        refused(b -> b.acquireTimeout(null), "acquireTimeout must be positive", "null");
        refused(b -> b.validationTimeout(Duration.ofMillis(500)), "validationTimeout must be at least 1 second",
                "whole seconds", "PT0.5S");
        refused(b -> b.validateAfterIdle(Duration.ofSeconds(-1)), "validateAfterIdle must be zero", "or positive");
        refused(b -> b.validationInterval(null), "validationInterval must be zero", "background validation off");
        refused(b -> b.leakTimeout(Duration.ofSeconds(-5)), "leakTimeout must be zero", "leak detection off");
        refused(b -> b.idleTimeout(Duration.ofMinutes(-1)), "idleTimeout must be zero", "keeps idle connections");
    }

    @Test
    void blankNamesAndQueriesAreRefused() {
        refused(b -> b.name(" "), "name must not be blank", "derive one from the URL");
        refused(b -> b.validationQuery(""), "validationQuery must not be blank", "SELECT 1", "Connection.isValid");
    }
}
