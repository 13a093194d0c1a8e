package dev.dtc.javax;

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
 * The tests' two databases ({@value #DB} on PostgreSQL and on MySQL/MariaDB): {@code jx_orders} and
 * {@code jx_notes} (a deferred foreign key, checked at PREPARE TRANSACTION) in PostgreSQL, {@code jx_stock} in
 * MariaDB; and the checks made with plain JDBC: rows, and prepared branches left in {@code pg_prepared_xacts} /
 * {@code XA RECOVER}.
 */
final class JavaxDatabases {
    static final String DB = "dtc_javax";

    final DatabaseServer pg = TestDatabases.postgres();
    final DatabaseServer my = TestDatabases.mysql();

    JavaxDatabases() throws SQLException {
        pg.createDatabase(DB);
        my.createDatabase(DB);
        try (Connection c = pg.connect(DB); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS jx_orders (id VARCHAR(100) PRIMARY KEY, amount INT NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS jx_notes (id VARCHAR(100) PRIMARY KEY, order_id VARCHAR(100) NOT NULL"
                    + " REFERENCES jx_orders(id) DEFERRABLE INITIALLY DEFERRED)");
        }
        try (Connection c = my.connect(DB); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS jx_stock (id VARCHAR(100) PRIMARY KEY, qty INT NOT NULL) ENGINE=InnoDB");
        }
    }

    Optional<Integer> orderAmount(String id) throws SQLException {
        return single(pg, "SELECT amount FROM jx_orders WHERE id = ?", id);
    }

    Optional<Integer> stockQty(String id) throws SQLException {
        return single(my, "SELECT qty FROM jx_stock WHERE id = ?", id);
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
