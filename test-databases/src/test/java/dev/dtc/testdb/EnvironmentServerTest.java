package dev.dtc.testdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentServerTest {

    @Test
    void noUrlMeansNoServerFromTheEnvironment() {
        assertThat(EnvironmentServer.find(DatabaseKind.POSTGRES, Map.of())).isEmpty();
        assertThat(EnvironmentServer.find(DatabaseKind.MYSQL, Map.of("DTC_TEST_POSTGRES_URL", "jdbc:postgresql://x/y")))
                .isEmpty();
    }

    @Test
    void aUserWithoutUrlIsAMistakeNotASilentFallback() {
        assertThatThrownBy(() -> EnvironmentServer.find(DatabaseKind.MYSQL, Map.of("DTC_TEST_MYSQL_USER", "dtc")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("DTC_TEST_MYSQL_USER is set but DTC_TEST_MYSQL_URL is not");
    }

    @Test
    void aMalformedUrlNamesTheVariable() {
        assertThatThrownBy(() -> EnvironmentServer.find(DatabaseKind.POSTGRES, Map.of("DTC_TEST_POSTGRES_URL", "localhost:5432")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("DTC_TEST_POSTGRES_URL: ")
                .hasMessageContaining("jdbc:postgresql://host:port/database");
    }

    @Test
    void aNamedServerThatDoesNotAnswerFailsInsteadOfFallingBack() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + closedPort + "/dtc?connectTimeout=5";
        assertThatThrownBy(() -> EnvironmentServer.find(DatabaseKind.POSTGRES, Map.of("DTC_TEST_POSTGRES_URL", url)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("DTC_TEST_POSTGRES_URL=" + url)
                .hasMessageContaining("does not answer")
                .hasMessageContaining("unset them");
    }

    @Test
    void theMessageWhenNothingWorksSaysWhatToSet() {
        String m = TestDatabases.noServerMessage(DatabaseKind.MYSQL,
                java.util.List.of("environment: DTC_TEST_MYSQL_URL is not set", "embedded: boom"));
        assertThat(m).contains("No MySQL/MariaDB server", "embedded: boom", "set DTC_TEST_MYSQL_URL",
                "DTC_TEST_MYSQL_USER", "DTC_TEST_MYSQL_PASSWORD", "local-databases.sh");
    }
}
