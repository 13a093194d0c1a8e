package dev.dtc.campaign.scaleout;

import dev.dtc.testdb.DatabaseServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the shared store says about a node, read straight from its tables ({@code dtc_node}, {@code dtc_record}) as
 * any operator could, not through a coordinator: the part's judge must not be the code it judges.
 */
final class StoreProbe {

    /** A node's lease row. {@code holder} null once released; {@code settled} when released with nothing pending. */
    record Lease(long epoch, String holder, boolean settled) {

        /** Released, settled and at a later epoch than {@code before}: someone took the node over and finished. */
        boolean takenOverSince(long before) {
            return epoch > before && holder == null && settled;
        }
    }

    /** One decision record: its transaction and the epoch it was written under. */
    record Row(String txId, long epoch) {
    }

    private final DatabaseServer pg;
    private final String database;
    private final String schema;

    StoreProbe(DatabaseServer pg, String database, String schema) {
        this.pg = pg;
        this.database = database;
        this.schema = schema;
    }

    /** Drops the run's schema (it is created by the first coordinator that starts). */
    void dropSchema() throws SQLException {
        try (Connection c = pg.connect(database); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    /** The node's lease, or null if the node never held one. */
    Lease lease(String node) throws SQLException {
        try (Connection c = pg.connect(database); PreparedStatement p = c.prepareStatement(
                "SELECT epoch, holder, settled FROM " + schema + ".dtc_node WHERE node = ?")) {
            p.setString(1, node);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? new Lease(rs.getLong(1), rs.getString(2), rs.getBoolean(3)) : null;
            }
        }
    }

    /** The node's decision records (decided transactions not yet ended). */
    List<Row> records(String node) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Connection c = pg.connect(database); PreparedStatement p = c.prepareStatement(
                "SELECT tx_id, epoch FROM " + schema + ".dtc_record WHERE node = ? ORDER BY seq")) {
            p.setString(1, node);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getString(1), rs.getLong(2)));
                }
            }
        }
        return rows;
    }

    /** The transactions the node's records name. */
    Set<String> pendingTransactions(String node) throws SQLException {
        Set<String> ids = new LinkedHashSet<>();
        for (Row r : records(node)) {
            ids.add(r.txId());
        }
        return ids;
    }

    /**
     * Writes a record of {@code node} under {@code epoch} behind the store's back, as an unfenced late write would:
     * only for {@code -Ddtc.campaign.takeover.break=late-write}, to see the part's check catch it.
     */
    void forgeRecord(String node, long epoch, String txId) throws SQLException {
        try (Connection c = pg.connect(database); PreparedStatement p = c.prepareStatement("INSERT INTO " + schema
                + ".dtc_record (node, seq, tx_id, kind, payload, epoch) SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, 0,"
                + " ''::bytea, ? FROM " + schema + ".dtc_record WHERE node = ?")) {
            p.setString(1, node);
            p.setString(2, txId);
            p.setLong(3, epoch);
            p.setString(4, node);
            p.executeUpdate();
        }
    }
}
