package dev.dtc.hibernate;

import dev.dtc.testdb.DatabaseServer;
import dev.dtc.testdb.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
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
        List<String> out = new ArrayList<>();
        try (Connection c = pg.connect(DB); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT gid FROM pg_prepared_xacts")) {
            while (rs.next()) {
                // pgjdbc writes an Xid as formatId_base64(gtrid)_base64(bqual); dtc's gtrids start with "node/"
                String[] parts = rs.getString(1).split("_");
                if (parts.length == 3) {
                    String gtrid = new String(Base64.getDecoder().decode(parts[1]), StandardCharsets.ISO_8859_1);
                    if (gtrid.startsWith(node + "/")) {
                        out.add(gtrid);
                    }
                }
            }
        }
        return out;
    }

    /** Rows of MySQL's {@code XA RECOVER} that belong to {@code node}. */
    List<String> myPrepared(String node) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = my.connect(DB); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("XA RECOVER")) {
            while (rs.next()) {
                String data = rs.getString("data");
                if (data != null && data.startsWith(node + "/")) {
                    out.add(data);
                }
            }
        }
        return out;
    }
}
