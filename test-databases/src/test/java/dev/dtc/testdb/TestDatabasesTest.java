package dev.dtc.testdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** Runs against whatever {@link TestDatabases} picks here: environment, Docker or embedded. */
class TestDatabasesTest {

    @Test
    void postgresAnswersAndAllowsPreparedTransactions() throws SQLException {
        DatabaseServer pg = TestDatabases.postgres();
        assertThat(pg.kind()).isEqualTo(DatabaseKind.POSTGRES);
        assertThat(TestDatabases.postgres()).as("started once").isSameAs(pg);
        pg.createDatabase("dtc_testdb_pg");
        pg.createDatabase("dtc_testdb_pg"); // idempotent
        try (Connection c = pg.connect("dtc_testdb_pg")) {
            assertThat(setting(c, "SELECT current_database()")).isEqualTo("dtc_testdb_pg");
            assertThat(Integer.parseInt(setting(c, "SHOW max_prepared_transactions"))).isPositive();
            // the real thing, not just the setting
            String gid = "dtc-testdb-" + System.nanoTime();
            try (Statement s = c.createStatement()) {
                s.execute("BEGIN");
                s.execute("SELECT 1");
                s.execute("PREPARE TRANSACTION '" + gid + "'");
                s.execute("ROLLBACK PREPARED '" + gid + "'");
            }
        }
    }

    @Test
    void mysqlAnswersAndSpeaksXa() throws SQLException {
        DatabaseServer my = TestDatabases.mysql();
        assertThat(my.kind()).isEqualTo(DatabaseKind.MYSQL);
        my.createDatabase("dtc_testdb_my");
        my.createDatabase("dtc_testdb_my");
        try (Connection c = my.connect("dtc_testdb_my"); Statement s = c.createStatement()) {
            assertThat(setting(c, "SELECT DATABASE()")).isEqualTo("dtc_testdb_my");
            String xid = "'dtc-testdb-" + System.nanoTime() + "'";
            s.execute("XA START " + xid);
            s.execute("XA END " + xid);
            s.execute("XA PREPARE " + xid);
            s.execute("XA ROLLBACK " + xid);
        }
    }

    @Test
    void misconfiguredPostgresRefusesPreparedTransactionsAndKeepsDurability() throws SQLException {
        DatabaseServer pg = TestDatabases.postgresWithoutPreparedTransactions();
        assertThat(pg.origin()).startsWith("embedded PostgreSQL");
        try (Connection c = pg.connect("postgres")) {
            assertThat(setting(c, "SHOW max_prepared_transactions")).isEqualTo("0");
            assertThat(setting(c, "SHOW fsync")).isEqualTo("on");
            assertThat(setting(c, "SHOW synchronous_commit")).isEqualTo("on");
            try (Statement s = c.createStatement()) {
                s.execute("BEGIN");
                assertThatThrownBy(() -> s.execute("PREPARE TRANSACTION 'dtc-never'"))
                        .hasMessageContaining("prepared transactions are disabled");
                s.execute("ROLLBACK");
            }
        }
    }

    @Test
    void databaseNamesThatNeedQuotingAreRefused() {
        DatabaseServer pg = TestDatabases.postgres();
        assertThatThrownBy(() -> pg.createDatabase("x; DROP DATABASE postgres"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must match");
    }

    private static String setting(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }
}
