package dev.dtc.spring.sample;

import dev.dtc.testdb.DatabaseServer;
import dev.dtc.testdb.PreparedBranches;
import dev.dtc.testdb.TestDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import java.util.List;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The sample's databases in the tests: {@code dtc_spring_sample} on the test PostgreSQL and MySQL/MariaDB (from
 * {@code DTC_TEST_*}, else Testcontainers, else embedded), put in place of {@code application.yml}'s; and the checks
 * made afterwards with plain JDBC, outside the application.
 */
final class SampleDatabases {

    static final String DB = "dtc_spring_sample";
    static final String NODE = "sample-test";

    final DatabaseServer pg = TestDatabases.postgres();
    final DatabaseServer my = TestDatabases.mysql();

    SampleDatabases() {
        pg.createDatabase(DB);
        my.createDatabase(DB);
    }

    /** The test databases and a fresh log directory in place of those in application.yml. */
    void register(DynamicPropertyRegistry properties) {
        Path logs;
        try {
            logs = Files.createTempDirectory("dtc-spring-sample");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        properties.add("dtc.node-name", () -> NODE);
        properties.add("dtc.log-directory", () -> logs.resolve(NODE).toString());
        properties.add("dtc.datasources.orders.url", () -> pg.jdbcUrl(DB));
        properties.add("dtc.datasources.orders.username", pg::user);
        properties.add("dtc.datasources.orders.password", pg::password);
        properties.add("dtc.datasources.stock.url", () -> my.jdbcUrl(DB));
        properties.add("dtc.datasources.stock.username", my::user);
        properties.add("dtc.datasources.stock.password", my::password);
    }

    boolean orderExists(String id) throws SQLException {
        return exists(pg, "SELECT 1 FROM purchase_orders WHERE id = ?", id);
    }

    boolean reservationExists(String orderId) throws SQLException {
        return exists(my, "SELECT 1 FROM stock_reservations WHERE order_id = ?", orderId);
    }

    private static boolean exists(DatabaseServer server, String sql, String id) throws SQLException {
        try (Connection c = server.connect(DB); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Global transaction ids of this node's branches in pg_prepared_xacts. */
    List<String> preparedInPostgres() throws SQLException {
        try (Connection c = pg.connect(DB)) {
            return PreparedBranches.inPostgres(c, NODE);
        }
    }

    /** This node's branches in MySQL/MariaDB's XA RECOVER. */
    List<String> preparedInMysql() throws SQLException {
        try (Connection c = my.connect(DB)) {
            return PreparedBranches.inMysql(c, NODE);
        }
    }
}
