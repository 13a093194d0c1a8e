package dev.dtc.xa;

import dev.dtc.testdb.DatabaseServer;
import dev.dtc.testdb.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.XADataSource;

/**
 * The two databases of the integration tests, with their schemas: {@code orders} on PostgreSQL
 * (with a deferred foreign key, which PostgreSQL checks at PREPARE TRANSACTION, so a test can
 * make a real database vote abort) and {@code stock} on MySQL/MariaDB. Also the checks tests
 * make afterwards: rows, and prepared branches left in {@code pg_prepared_xacts} / {@code XA RECOVER}.
 */
final class OrderDatabases {
    static final String DB = "dtc_it";

    final DatabaseServer pg = TestDatabases.postgres();
    final DatabaseServer my = TestDatabases.mysql();

    OrderDatabases() throws SQLException {
        pg.createDatabase(DB);
        my.createDatabase(DB);
        try (Connection c = pg.connect(DB); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS orders (id TEXT PRIMARY KEY, amount INT NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS order_notes (id TEXT PRIMARY KEY, order_id TEXT NOT NULL"
                    + " REFERENCES orders(id) DEFERRABLE INITIALLY DEFERRED)");
        }
        try (Connection c = my.connect(DB); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS stock (id VARCHAR(100) PRIMARY KEY, qty INT NOT NULL) ENGINE=InnoDB");
        }
    }

    XADataSource pgXa() {
        return XaDataSources.postgres(pg.jdbcUrl(DB), pg.user(), pg.password());
    }

    XADataSource myXa() {
        return XaDataSources.mysql(my.jdbcUrl(DB), my.user(), my.password());
    }

    boolean orderExists(String id) throws SQLException {
        try (Connection c = pg.connect(DB); PreparedStatement ps = c.prepareStatement("SELECT 1 FROM orders WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    boolean stockExists(String id) throws SQLException {
        try (Connection c = my.connect(DB); PreparedStatement ps = c.prepareStatement("SELECT 1 FROM stock WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    int countOrders(String prefix) throws SQLException {
        return count(pg, "SELECT count(*) FROM orders WHERE id LIKE ?", prefix + "%");
    }

    int countStock(String prefix) throws SQLException {
        return count(my, "SELECT count(*) FROM stock WHERE id LIKE ?", prefix + "%");
    }

    private static int count(DatabaseServer s, String sql, String arg) throws SQLException {
        try (Connection c = s.connect(DB); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Global ids of PostgreSQL prepared transactions whose gid mentions {@code node}. */
    List<String> pgPrepared(String node) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = pg.connect(DB); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT gid FROM pg_prepared_xacts")) {
            while (rs.next()) {
                // pgjdbc encodes the Xid as formatId_base64(gtrid)_base64(bqual)
                String gid = rs.getString(1);
                String[] parts = gid.split("_");
                if (parts.length == 3) {
                    String gtrid = new String(java.util.Base64.getDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.ISO_8859_1);
                    if (gtrid.startsWith(node + "/")) {
                        out.add(gtrid);
                    }
                }
            }
        }
        return out;
    }

    /** Rows of MySQL's XA RECOVER whose data starts with {@code node/}. */
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
