package dev.dtc.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The participant registry in the shared store ({@code dtc_participant}), read through on every use: several
 * coordinators change it, so a copy in memory would be stale the moment another coordinator takes a PUT. Unlike
 * the file version, renewals are written (the row's {@code last_renewal}): a service that renews through any one
 * coordinator must count as live on all of them.
 *
 * <p>Times are the coordinators' clocks (as in the file version), so their clocks should agree (NTP); a skew
 * between two coordinators moves a registration's expiry by that skew.
 */
final class PostgresParticipantRegistry implements ParticipantRegistry {
    private static final String COLUMNS = "name, url, ttl_ms, registered_at, last_renewal";

    private final DataSource db;
    private final Clock clock;

    PostgresParticipantRegistry(DataSource db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /**
     * One statement registers or renews: a new URL or TTL starts a new registration ({@code registered_at}), the
     * same URL and TTL only move {@code last_renewal}. {@code xmax = 0} tells an inserted row from an updated one.
     */
    @Override
    public Put put(String name, String url, Long ttlMs) throws IOException {
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO dtc_participant"
                + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET"
                + " registered_at = CASE WHEN dtc_participant.url = EXCLUDED.url AND dtc_participant.ttl_ms IS NOT"
                + " DISTINCT FROM EXCLUDED.ttl_ms THEN dtc_participant.registered_at ELSE EXCLUDED.registered_at END,"
                + " url = EXCLUDED.url, ttl_ms = EXCLUDED.ttl_ms, last_renewal = EXCLUDED.last_renewal"
                + " RETURNING " + COLUMNS + ", xmax = 0")) {
            ps.setString(1, name);
            ps.setString(2, url);
            if (ttlMs == null) {
                ps.setNull(3, Types.BIGINT);
            } else {
                ps.setLong(3, ttlMs);
            }
            ps.setObject(4, now);
            ps.setObject(5, now);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Put(entry(rs), rs.getBoolean(6));
            }
        } catch (SQLException e) {
            throw new IOException("the shared store did not take the registration of " + name + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public boolean remove(String name) throws IOException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM dtc_participant WHERE name = ?")) {
            ps.setString(1, name);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new IOException("the shared store did not remove the registration of " + name + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public List<Entry> list() {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM dtc_participant ORDER BY name"); ResultSet rs = ps.executeQuery()) {
            List<Entry> out = new ArrayList<>();
            while (rs.next()) {
                out.add(entry(rs));
            }
            return out;
        } catch (SQLException e) {
            throw unreadable(e);
        }
    }

    @Override
    public Entry get(String name) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM dtc_participant WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? entry(rs) : null;
            }
        } catch (SQLException e) {
            throw unreadable(e);
        }
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    private static Entry entry(ResultSet rs) throws SQLException {
        long ttl = rs.getLong(3);
        Long ttlMs = rs.wasNull() ? null : ttl;
        return new Entry(new Registration(rs.getString(1), rs.getString(2), ttlMs, rs.getObject(4, OffsetDateTime.class).toInstant()),
                rs.getObject(5, OffsetDateTime.class).toInstant());
    }

    private static UncheckedIOException unreadable(SQLException e) {
        return new UncheckedIOException(new IOException("cannot read the participant registry from the shared store: "
                + e.getMessage(), e));
    }
}
