package dev.dtc.store.postgresql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The statements on the lease table. Every comparison with "now" is made on the database's clock, so that
 * coordinators whose clocks disagree still agree on whether a lease has run out.
 */
final class Leases {

    private final DataSource ds;

    Leases(DataSource ds) {
        this.ds = ds;
    }

    /**
     * Takes a node's lease if it is free (never held, released, or run out), bumping its epoch.
     *
     * @param takeover true for a takeover: only a lease that ran out while held, or was released with decisions
     *                 pending, is taken; false for the node itself: also a settled, released one
     * @return the new epoch, or -1 if a live holder has it (or, for a takeover, there is nothing to take over)
     */
    long acquire(String node, String holder, String url, long ttlMillis, boolean takeover) throws SQLException {
        String free = takeover
                ? "(dtc_node.holder IS NOT NULL AND dtc_node.expires_at < now())"
                        + " OR (dtc_node.holder IS NULL AND NOT dtc_node.settled)"
                : "dtc_node.holder IS NULL OR dtc_node.expires_at < now()";
        String sql = takeover
                ? "UPDATE dtc_node SET epoch = epoch + 1, holder = ?, url = ?,"
                        + " expires_at = now() + ? * interval '1 millisecond', settled = false"
                        + " WHERE node = ? AND (" + free + ") RETURNING epoch"
                : "INSERT INTO dtc_node (node, epoch, holder, url, expires_at, settled)"
                        + " VALUES (?, 1, ?, ?, now() + ? * interval '1 millisecond', false)"
                        + " ON CONFLICT (node) DO UPDATE SET epoch = dtc_node.epoch + 1, holder = EXCLUDED.holder,"
                        + " url = EXCLUDED.url, expires_at = EXCLUDED.expires_at, settled = false"
                        + " WHERE " + free + " RETURNING epoch";
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (takeover) {
                ps.setString(1, holder);
                ps.setString(2, url);
                ps.setLong(3, ttlMillis);
                ps.setString(4, node);
            } else {
                ps.setString(1, node);
                ps.setString(2, holder);
                ps.setString(3, url);
                ps.setLong(4, ttlMillis);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    /** Extends the lease; false if this holder no longer has it under this epoch. */
    boolean renew(Connection c, String node, long epoch, String holder, long ttlMillis) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE dtc_node SET expires_at = now() + ? * interval"
                + " '1 millisecond' WHERE node = ? AND epoch = ? AND holder = ?")) {
            ps.setLong(1, ttlMillis);
            ps.setString(2, node);
            ps.setLong(3, epoch);
            ps.setString(4, holder);
            return ps.executeUpdate() == 1;
        }
    }

    /** Gives the lease up: settled if the node has no decision pending. False if it was no longer held. */
    boolean release(String node, long epoch, String holder) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("UPDATE dtc_node SET"
                + " holder = NULL, expires_at = now(),"
                + " settled = NOT EXISTS (SELECT 1 FROM dtc_record r WHERE r.node = dtc_node.node)"
                + " WHERE node = ? AND epoch = ? AND holder = ?")) {
            ps.setString(1, node);
            ps.setLong(2, epoch);
            ps.setString(3, holder);
            return ps.executeUpdate() == 1;
        }
    }

    /** The node's lease as it stands, or null if the node never held one. */
    Lease read(String node) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT node, epoch,"
                + " holder, url, expires_at, expires_at < now(), settled FROM dtc_node WHERE node = ?")) {
            ps.setString(1, node);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? lease(rs) : null;
            }
        }
    }

    /** Nodes other than {@code except} whose lease ran out while held, or that were released with work pending. */
    List<String> orphans(String except) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT node FROM dtc_node"
                + " WHERE node <> ? AND ((holder IS NOT NULL AND expires_at < now()) OR (holder IS NULL AND NOT"
                + " settled)) ORDER BY expires_at")) {
            ps.setString(1, except);
            List<String> nodes = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    nodes.add(rs.getString(1));
                }
            }
            return nodes;
        }
    }

    private static Lease lease(ResultSet rs) throws SQLException {
        Timestamp t = rs.getTimestamp(5);
        return new Lease(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                t == null ? null : t.toInstant(), rs.getBoolean(6), rs.getBoolean(7));
    }
}
