package dev.dtc.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mysql.cj.conf.PropertyKey;
import com.mysql.cj.jdbc.JdbcConnection;
import com.mysql.cj.jdbc.MysqlXADataSource;
import dev.dtc.ConfigurationException;
import dev.dtc.testdb.DatabaseServer;
import dev.dtc.testdb.TestDatabases;
import java.io.IOException;
import java.net.ServerSocket;
import javax.sql.XAConnection;
import org.junit.jupiter.api.Test;
import org.postgresql.xa.PGXADataSource;

/** What the data sources are set to, and what they refuse at start. */
class XaDataSourcesTest {

    @Test
    void postgresWithPreparedTransactionsDisabledIsRefusedWithWhatToFix() {
        DatabaseServer misconfigured = TestDatabases.postgresWithoutPreparedTransactions();
        String url = misconfigured.jdbcUrl("postgres");

        assertThatThrownBy(() -> XaDataSources.postgres(url, misconfigured.user(), misconfigured.password()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("max_prepared_transactions = 0")
                .hasMessageContaining("Set max_prepared_transactions in postgresql.conf (e.g. 200")
                .hasMessageContaining("ALTER SYSTEM SET max_prepared_transactions = 200")
                .hasMessageContaining("restart");
    }

    @Test
    void postgresWithPreparedTransactionsEnabledIsAccepted() {
        DatabaseServer pg = TestDatabases.postgres();
        PGXADataSource ds = XaDataSources.postgres(pg.jdbcUrl("postgres"), pg.user(), pg.password());
        assertThat(ds.getTcpKeepAlive()).isTrue();
        assertThat(ds.getUser()).isEqualTo(pg.user());
    }

    @Test
    void anUnreachableServerIsAConfigurationErrorNamingTheUrlButNotItsParameters() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String pgUrl = "jdbc:postgresql://127.0.0.1:" + closedPort + "/x?password=secret";
        assertThatThrownBy(() -> XaDataSources.postgres(pgUrl, "u", null))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("cannot connect to PostgreSQL at jdbc:postgresql://127.0.0.1:" + closedPort + "/x as u")
                .hasMessageNotContaining("secret");
        String myUrl = "jdbc:mysql://127.0.0.1:" + closedPort + "/x";
        assertThatThrownBy(() -> XaDataSources.mysql(myUrl, "u", "p"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("cannot connect to MySQL/MariaDB at " + myUrl + " as u");
    }

    @Test
    void aUrlForAnotherDatabaseIsRefused() {
        assertThatThrownBy(() -> XaDataSources.postgres("jdbc:mysql://h/db", "u", "p"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("expected jdbc:postgresql://host:5432/database");
        assertThatThrownBy(() -> XaDataSources.mysql(null, "u", "p"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("expected jdbc:mysql://host:3306/database");
    }

    @Test
    void mysqlUrlSettingsThatBreakXaAreRefused() {
        assertThatThrownBy(() -> XaDataSources.mysql("jdbc:mysql://h/db?useSSL=false&pinGlobalTxToPhysicalConnection=TRUE", "u", "p"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("remove pinGlobalTxToPhysicalConnection=TRUE");
        assertThatThrownBy(() -> XaDataSources.mysql("jdbc:mysql://h/db?autoReconnect=true", "u", "p"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("remove autoReconnect=true");
    }

    @Test
    void mysqlConnectionsAreNotPinnedAndDoNotReconnectSilently() throws Exception {
        DatabaseServer my = TestDatabases.mysql();
        my.createDatabase("dtc_xa_config");
        MysqlXADataSource ds = XaDataSources.mysql(my.jdbcUrl("dtc_xa_config"), my.user(), my.password());
        XAConnection xa = ds.getXAConnection();
        try {
            var properties = xa.getConnection().unwrap(JdbcConnection.class).getPropertySet();
            assertThat(properties.getBooleanProperty(PropertyKey.pinGlobalTxToPhysicalConnection).getValue()).isFalse();
            assertThat(properties.getBooleanProperty(PropertyKey.autoReconnect).getValue()).isFalse();
            assertThat(properties.getBooleanProperty(PropertyKey.tcpKeepAlive).getValue()).isTrue();
        } finally {
            xa.close();
        }
    }

    @Test
    void serversThatDropPreparedBranchesOnDisconnectAreRefused() {
        assertThatThrownBy(() -> MysqlXa.requirePreparedSurvivesDisconnect("10.4.32-MariaDB", "h"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Upgrade to MariaDB 10.5.2");
        assertThatThrownBy(() -> MysqlXa.requirePreparedSurvivesDisconnect("5.5.5-10.3.39-MariaDB-log", "h"))
                .isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> MysqlXa.requirePreparedSurvivesDisconnect("5.7.6-log", "h"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Upgrade to MySQL 5.7.7");
        assertThatCode(() -> MysqlXa.requirePreparedSurvivesDisconnect("5.5.5-10.11.5-MariaDB", "h")).doesNotThrowAnyException();
        assertThatCode(() -> MysqlXa.requirePreparedSurvivesDisconnect("10.5.2-MariaDB", "h")).doesNotThrowAnyException();
        assertThatCode(() -> MysqlXa.requirePreparedSurvivesDisconnect("8.4.5", "h")).doesNotThrowAnyException();
        assertThatCode(() -> MysqlXa.requirePreparedSurvivesDisconnect("5.7.7", "h")).doesNotThrowAnyException();
    }
}
