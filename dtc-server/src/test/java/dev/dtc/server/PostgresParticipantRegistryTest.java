package dev.dtc.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dtc.store.postgresql.PostgresStore;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The participant registry in the shared store: what one coordinator is told, the other knows. */
class PostgresParticipantRegistryTest {
    final SharedStores stores = new SharedStores();

    @AfterEach
    void close() {
        stores.close();
    }

    @Test
    void aRegistrationOnOneIsListedByTheOtherAndARenewalThroughEitherCounts() throws Exception {
        ParticipantRegistry a = stores.coordinator().registry();
        ParticipantRegistry b = stores.coordinator().registry();
        PostgresStore look = stores.look();

        ParticipantRegistry.Put first = a.put("inventory", "http://inv:8080", 30_000L);
        assertThat(first.created()).isTrue();
        assertThat(b.list()).extracting(e -> e.registration().name()).containsExactly("inventory");
        assertThat(b.get("inventory").registration().url()).isEqualTo("http://inv:8080");
        assertThat(b.get("inventory").expired(b.now())).isFalse();

        // 20 s later the service renews through the other coordinator: both see the new lease
        stores.clock.advance(Duration.ofSeconds(20));
        ParticipantRegistry.Put renewed = b.put("inventory", "http://inv:8080", 30_000L);
        assertThat(renewed.created()).isFalse();
        assertThat(renewed.entry().lastRenewal()).isAfter(first.entry().lastRenewal());
        assertThat(renewed.entry().registration().registeredAt()).isEqualTo(first.entry().registration().registeredAt());
        stores.clock.advance(Duration.ofSeconds(20)); // 40 s after the first PUT, 20 s after the renewal
        assertThat(a.get("inventory").expired(a.now())).isFalse();
        assertThat(a.get("inventory").lastRenewal()).isEqualTo(renewed.entry().lastRenewal());
        assertThat(SharedStores.count(look, "SELECT count(*) FROM dtc_participant WHERE last_renewal > registered_at"))
                .isEqualTo(1);

        // not renewed again: expired on both (still listed)
        stores.clock.advance(Duration.ofSeconds(11));
        assertThat(a.get("inventory").expired(a.now())).isTrue();
        assertThat(b.list().get(0).expired(b.now())).isTrue();
    }

    @Test
    void aNewUrlIsANewRegistrationAndARemovalCountsEverywhere() throws Exception {
        ParticipantRegistry a = stores.coordinator().registry();
        ParticipantRegistry b = stores.coordinator().registry();
        PostgresStore look = stores.look();
        ParticipantRegistry.Put first = a.put("stock", "http://stock-1:8080", null);
        stores.clock.advance(Duration.ofSeconds(1));
        ParticipantRegistry.Put moved = b.put("stock", "http://stock-2:8080", null);
        assertThat(moved.created()).isFalse();
        Instant registeredAt = moved.entry().registration().registeredAt();
        assertThat(registeredAt).isAfter(first.entry().registration().registeredAt());
        assertThat(a.get("stock").registration().url()).isEqualTo("http://stock-2:8080");
        // without a TTL it never expires, and the table says so
        stores.clock.advance(Duration.ofDays(365));
        assertThat(a.get("stock").expiresAt()).isNull();
        assertThat(a.get("stock").expired(a.now())).isFalse();
        assertThat(SharedStores.count(look, "SELECT count(*) FROM dtc_participant WHERE ttl_ms IS NULL")).isEqualTo(1);

        a.put("orders", "http://orders:8080", 60_000L);
        assertThat(b.list()).extracting(e -> e.registration().name()).containsExactly("orders", "stock");
        assertThat(b.remove("stock")).isTrue();
        assertThat(a.get("stock")).isNull();
        assertThat(a.remove("stock")).isFalse();
        assertThat(SharedStores.text(look, "SELECT string_agg(name, ',') FROM dtc_participant")).isEqualTo("orders");
    }

    @Test
    void registrationsOutliveTheCoordinatorsThatTookThem() throws Exception {
        SharedState a = stores.coordinator();
        a.registry().put("inventory", "http://inv:8080", 60_000L);
        a.close();
        ParticipantRegistry later = stores.coordinator().registry();
        assertThat(later.get("inventory").registration().ttlMs()).isEqualTo(60_000L);
        assertThat(later.get("inventory").expired(later.now())).isFalse();
    }
}
