package dev.dtc.store.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StoreUrlTest {

    @Test
    void theLibpqFormBecomesAJdbcUrlWithUserPasswordAndSchemaApart() {
        StoreUrl u = StoreUrl.parse("postgresql://dtc:s%40cret@db.example:5433/coord?schema=dtc_store&sslmode=require");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:5433/coord?sslmode=require");
        assertThat(u.user()).isEqualTo("dtc");
        assertThat(u.password()).isEqualTo("s@cret");
        assertThat(u.schema()).isEqualTo("dtc_store");
        assertThat(u.describe()).doesNotContain("cret");
    }

    @Test
    void jdbcAndPostgresSchemesAreAcceptedToo() {
        assertThat(StoreUrl.parse("jdbc:postgresql://h/d?user=u&password=p").user()).isEqualTo("u");
        assertThat(StoreUrl.parse("jdbc:postgresql://h/d?user=u&password=p").jdbcUrl())
                .isEqualTo("jdbc:postgresql://h/d");
        assertThat(StoreUrl.parse("postgres://h/d").jdbcUrl()).isEqualTo("jdbc:postgresql://h/d");
    }

    @Test
    void badUrlsAreRefusedWithTheFormToUseAndNoPassword() {
        assertThatThrownBy(() -> StoreUrl.parse("mysql://h/d")).hasMessageContaining("postgresql://USER");
        assertThatThrownBy(() -> StoreUrl.parse("postgresql://u:hunter2@h")).hasMessageContaining("names no database")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> StoreUrl.parse("postgresql://h/d?schema=Robert');DROP"))
                .hasMessageContaining("not a plain lower-case SQL name");
        assertThatThrownBy(() -> StoreUrl.parse("")).hasMessageContaining("empty");
    }
}
