package dev.dtc.spring.boot;

import dev.dtc.testdb.DatabaseServer;
import dev.dtc.testdb.PreparedBranches;
import dev.dtc.testdb.TestDatabases;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import java.util.List;

/**
 * The starter tests' databases: {@code dtc_spring_starter} on the test PostgreSQL and on the test MySQL/MariaDB
 * (from {@code DTC_TEST_*}, else Testcontainers, else embedded), each with a table {@code items}; and the checks
 * made afterwards with plain JDBC.
 */
final class StarterDatabases {

    static final String DB = "dtc_spring_starter";

    final DatabaseServer pg = TestDatabases.postgres();
    final DatabaseServer my = TestDatabases.mysql();

    StarterDatabases() throws SQLException {
        pg.createDatabase(DB);
        my.createDatabase(DB);
        try (Connection c = pg.connect(DB); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS items (id VARCHAR(100) PRIMARY KEY)");
        }
        try (Connection c = my.connect(DB); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS items (id VARCHAR(100) PRIMARY KEY) ENGINE=InnoDB");
        }
    }

    /** The properties of two data sources, orders (PostgreSQL, primary) and stock (MySQL/MariaDB). */
    String[] twoDataSources() {
        return new String[] {
                "dtc.datasources.orders.url=" + pg.jdbcUrl(DB),
                "dtc.datasources.orders.username=" + pg.user(),
                "dtc.datasources.orders.password=" + pg.password(),
                "dtc.datasources.orders.primary=true",
                // jdbc:mariadb: picks MySQL/MariaDB as jdbc:mysql: does (both through Connector/J)
                "dtc.datasources.stock.url=" + my.jdbcUrl(DB).replaceFirst("^jdbc:mysql:", "jdbc:mariadb:"),
                "dtc.datasources.stock.username=" + my.user(),
                "dtc.datasources.stock.password=" + my.password(),
                "dtc.datasources.stock.max-size=4"};
    }

    boolean inOrders(String id) throws SQLException {
        return exists(pg, id);
    }

    boolean inStock(String id) throws SQLException {
        return exists(my, id);
    }

    private static boolean exists(DatabaseServer server, String id) throws SQLException {
        try (Connection c = server.connect(DB); PreparedStatement ps = c.prepareStatement("SELECT 1 FROM items WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Global transaction ids of the branches prepared in PostgreSQL (pg_prepared_xacts) for the node. */
    List<String> preparedInPostgres(String node) throws SQLException {
        try (Connection c = pg.connect(DB)) {
            return PreparedBranches.inPostgres(c, node);
        }
    }

    /** The rows of XA RECOVER on MySQL/MariaDB for the node. */
    List<String> preparedInMysql(String node) throws SQLException {
        try (Connection c = my.connect(DB)) {
            return PreparedBranches.inMysql(c, node);
        }
    }
}
