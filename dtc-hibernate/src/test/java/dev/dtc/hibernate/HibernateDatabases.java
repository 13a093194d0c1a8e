package dev.dtc.hibernate;

import dev.dtc.testdb.DatabaseServer;
import dev.dtc.testdb.PreparedBranches;
import dev.dtc.testdb.TestDatabases;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import java.util.List;
import java.util.Optional;

/**
 * The tests' two databases ({@value #DB} on PostgreSQL and on MySQL/MariaDB) with their tables, and the checks made
 * with plain JDBC afterwards: rows, and prepared branches left in {@code pg_prepared_xacts} / {@code XA RECOVER}.
 */
final class HibernateDatabases {
    static final String DB = "dtc_hibernate";

    final DatabaseServer pg = TestDatabases.postgres();
    final DatabaseServer my = TestDatabases.mysql();

    HibernateDatabases() throws SQLException {
        pg.createDatabase(DB);
        my.createDatabase(DB);
        try (Connection c = pg.connect(DB); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS hib_orders (id VARCHAR(100) PRIMARY KEY, amount INT NOT NULL)");
        }
        try (Connection c = my.connect(DB); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS hib_stock (id VARCHAR(100) PRIMARY KEY, qty INT NOT NULL) ENGINE=InnoDB");
        }
    }

    /**
     * Hibernate's dialect for the MySQL-protocol server: Connector/J reports MariaDB as MySQL "5.5.5-10.x-MariaDB",
     * which Hibernate would take for an unsupported MySQL 5.5, so MariaDB is named explicitly.
     */
    String mysqlDialect() throws SQLException {
        try (Connection c = my.connect(DB); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT VERSION()")) {
            rs.next();
            return rs.getString(1).contains("MariaDB") ? "org.hibernate.dialect.MariaDBDialect"
                    : "org.hibernate.dialect.MySQLDialect";
        }
    }

    Optional<Integer> orderAmount(String id) throws SQLException {
        return single(pg, "SELECT amount FROM hib_orders WHERE id = ?", id);
    }

    Optional<Integer> stockQty(String id) throws SQLException {
        return single(my, "SELECT qty FROM hib_stock WHERE id = ?", id);
    }

    void insertStock(String id, int qty) throws SQLException {
        try (Connection c = my.connect(DB); PreparedStatement ps = c.prepareStatement("INSERT INTO hib_stock VALUES (?, ?)")) {
            ps.setString(1, id);
            ps.setInt(2, qty);
            ps.executeUpdate();
        }
    }

    private static Optional<Integer> single(DatabaseServer s, String sql, String id) throws SQLException {
        try (Connection c = s.connect(DB); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getInt(1)) : Optional.empty();
            }
        }
    }

    /** Global transaction ids of PostgreSQL's prepared transactions that belong to {@code node}. */
    List<String> pgPrepared(String node) throws SQLException {
        try (Connection c = pg.connect(DB)) {
            return PreparedBranches.inPostgres(c, node);
        }
    }

    /** Rows of MySQL's {@code XA RECOVER} that belong to {@code node}. */
    List<String> myPrepared(String node) throws SQLException {
        try (Connection c = my.connect(DB)) {
            return PreparedBranches.inMysql(c, node);
        }
    }
}
