package dev.dtc.testdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JdbcUrlTest {

    @Test
    void swapsTheDatabaseAndKeepsParameters() {
        JdbcUrl url = JdbcUrl.parse("jdbc:mysql://127.0.0.1:3306/dtc?useSSL=false&allowPublicKeyRetrieval=true");
        assertThat(url.database()).isEqualTo("dtc");
        assertThat(url.withDatabase("other"))
                .isEqualTo("jdbc:mysql://127.0.0.1:3306/other?useSSL=false&allowPublicKeyRetrieval=true");
    }

    @Test
    void acceptsAServerWithoutDatabase() {
        assertThat(JdbcUrl.parse("jdbc:mysql://localhost:3306").database()).isEmpty();
        assertThat(JdbcUrl.parse("jdbc:mysql://localhost:3306/").withDatabase("x")).isEqualTo("jdbc:mysql://localhost:3306/x");
        assertThat(JdbcUrl.parse("jdbc:postgresql://h1:5432,h2:5433/app?ssl=false").withDatabase("x"))
                .isEqualTo("jdbc:postgresql://h1:5432,h2:5433/x?ssl=false");
    }

    @Test
    void refusesWhatIsNotAJdbcUrlAndShowsTheForm() {
        assertThatThrownBy(() -> JdbcUrl.parse("postgres://localhost/x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc:postgresql://host:port/database");
    }
}
