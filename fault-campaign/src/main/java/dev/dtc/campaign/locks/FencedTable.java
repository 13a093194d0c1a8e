package dev.dtc.campaign.locks;

import dev.dtc.testdb.DatabaseServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The resource the lock guards, as docs/locking.md tells users to build one: a row whose {@code fence} column holds
 * the highest token that wrote, and a write that carries its token and is refused when a higher one wrote first.
 * Every successful write is also appended to a history, so that the campaign can check afterwards that the tokens
 * that wrote never went backwards.
 */
final class FencedTable {

    final DatabaseServer server;
    final String database;

    FencedTable(DatabaseServer server, String database) {
        this.server = server;
        this.database = database;
    }

    void create() throws SQLException {
        server.createDatabase(database);
        try (Connection c = server.connect(database); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS fenced_write");
            s.execute("DROP TABLE IF EXISTS fenced");
            s.execute("CREATE TABLE fenced (id INT PRIMARY KEY, fence BIGINT NOT NULL, writer VARCHAR(200))");
            s.execute("CREATE TABLE fenced_write (seq BIGSERIAL PRIMARY KEY, token BIGINT NOT NULL,"
                    + " writer VARCHAR(200) NOT NULL)");
            s.execute("INSERT INTO fenced VALUES (1, 0, NULL)");
        }
    }

    /** The guarded write: true if it was accepted, false if a higher token wrote first. */
    static boolean write(Connection c, long token, String writer) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement u = c.prepareStatement(
                "UPDATE fenced SET fence = ?, writer = ? WHERE id = 1 AND fence <= ?")) {
            u.setLong(1, token);
            u.setString(2, writer);
            u.setLong(3, token);
            if (u.executeUpdate() == 0) {
                c.rollback();
                return false;
            }
            try (PreparedStatement h = c.prepareStatement("INSERT INTO fenced_write (token, writer) VALUES (?, ?)")) {
                h.setLong(1, token);
                h.setString(2, writer);
                h.executeUpdate();
            }
            c.commit();
            return true;
        } finally {
            c.setAutoCommit(true);
        }
    }

    boolean write(long token, String writer) throws SQLException {
        try (Connection c = server.connect(database)) {
            return write(c, token, writer);
        }
    }

    /** The tokens that wrote, in the order their writes committed. */
    List<Long> history() throws SQLException {
        List<Long> tokens = new ArrayList<>();
        try (Connection c = server.connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT token FROM fenced_write ORDER BY seq")) {
            while (rs.next()) {
                tokens.add(rs.getLong(1));
            }
        }
        return tokens;
    }

    /** Writes whose token is lower than one that wrote before them: what fencing exists to prevent. */
    static List<String> backwards(List<Long> history) {
        List<String> out = new ArrayList<>();
        long max = 0;
        for (int i = 0; i < history.size(); i++) {
            long t = history.get(i);
            if (t < max) {
                out.add("write #" + (i + 1) + " with token " + t + " after token " + max + " had written");
            }
            max = Math.max(max, t);
        }
        return out;
    }
}
