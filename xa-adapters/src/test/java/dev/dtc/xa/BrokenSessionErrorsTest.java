package dev.dtc.xa;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * Which errors make the pool close a connection instead of handing it out again (the "exception sorters"), and
 * the recovery names derived from URLs. The real errors are produced on real servers in
 * {@link BrokenConnectionTest}; here each rule is checked on its own.
 */
class BrokenSessionErrorsTest {

    private static SQLException error(String state, int code) {
        return new SQLException("test", state, code);
    }

    @Test
    void postgresSessionsEndedByTheServerAreBroken() {
        assertThat(PostgresXa.connectionBroken(error("57P01", 0))).as("pg_terminate_backend").isTrue();
        assertThat(PostgresXa.connectionBroken(error("57P02", 0))).as("crash shutdown").isTrue();
        assertThat(PostgresXa.connectionBroken(error("57P05", 0))).as("idle_session_timeout").isTrue();
        assertThat(PostgresXa.connectionBroken(error("25P03", 0))).as("idle_in_transaction_session_timeout").isTrue();
        assertThat(PostgresXa.connectionBroken(error("08006", 0))).as("I/O error").isTrue();
        assertThat(PostgresXa.connectionBroken(error("08003", 0))).as("connection does not exist").isTrue();
    }

    @Test
    void postgresStatementErrorsLeaveTheConnectionUsable() {
        assertThat(PostgresXa.connectionBroken(error("23505", 0))).as("unique violation").isFalse();
        assertThat(PostgresXa.connectionBroken(error("40P01", 0))).as("deadlock").isFalse();
        assertThat(PostgresXa.connectionBroken(error("57014", 0))).as("query cancelled").isFalse();
        assertThat(PostgresXa.connectionBroken(error(null, 0))).as("no SQLSTATE").isFalse();
    }

    @Test
    void aBrokenSessionFurtherDownTheChainCounts() {
        SQLException batch = error("23505", 0);
        batch.setNextException(error("57P01", 0));
        assertThat(PostgresXa.connectionBroken(batch)).isTrue();
    }

    @Test
    void mysqlKilledOrDroppedSessionsAreBroken() {
        assertThat(MysqlXa.connectionBroken(error("08S01", 0))).as("communications link failure").isTrue();
        assertThat(MysqlXa.connectionBroken(error("70100", 1927))).as("MariaDB: connection was killed").isTrue();
        assertThat(MysqlXa.connectionBroken(error("08S01", 1053))).as("server shutdown").isTrue();
        assertThat(MysqlXa.connectionBroken(error("HY000", 4031))).as("MySQL: disconnected for inactivity").isTrue();
        assertThat(MysqlXa.connectionBroken(error("28000", 1045))).as("access denied").isTrue();
    }

    @Test
    void mysqlStatementErrorsLeaveTheConnectionUsable() {
        assertThat(MysqlXa.connectionBroken(error("23000", 1062))).as("duplicate key").isFalse();
        assertThat(MysqlXa.connectionBroken(error("40001", 1213))).as("deadlock").isFalse();
        assertThat(MysqlXa.connectionBroken(error("70100", 1317))).as("KILL QUERY: only the statement").isFalse();
        assertThat(MysqlXa.connectionBroken(error(null, 0))).as("no SQLSTATE").isFalse();
    }

    @Test
    void theDefaultNameIsTheUrlWithoutJdbcCredentialsOrParameters() {
        assertThat(XaDataSources.defaultName("jdbc:postgresql://db1:5432/orders?password=secret&ssl=true"))
                .isEqualTo("postgresql://db1:5432/orders");
        assertThat(XaDataSources.defaultName("jdbc:mysql://app:secret@db2:3306/stock"))
                .isEqualTo("mysql://db2:3306/stock");
        assertThat(XaDataSources.defaultName("jdbc:mysql://db2/stock")).isEqualTo("mysql://db2/stock");
    }
}
