package dev.dtc.xa;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The statements the pooled data source tests run, on the tables of {@link OrderDatabases}. */
final class PooledJdbc {

    private PooledJdbc() {
    }

    static void insertOrder(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO orders (id, amount) VALUES (?, 42)")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    static void insertStock(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO stock (id, qty) VALUES (?, 7)")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    /** PostgreSQL's process id of the session behind {@code c}: the physical connection's identity. */
    static long pgBackend(Connection c) throws SQLException {
        return single(c, "SELECT pg_backend_pid()");
    }

    /** MySQL/MariaDB's thread id of the session behind {@code c}. */
    static long myBackend(Connection c) throws SQLException {
        return single(c, "SELECT CONNECTION_ID()");
    }

    static long single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static long count(Connection c, String table, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
