package dev.dtc.xa;

import dev.dtc.testdb.DatabaseServer;
import dev.dtc.testdb.TestDatabases;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.XADataSource;
import javax.transaction.xa.Xid;

/**
 * One database the XA tests run against, with what differs between PostgreSQL and MySQL/MariaDB: how the server
 * lists prepared branches, and how to find and kill sessions. Tests take both through {@link #all()}.
 */
abstract class XaTarget {

    static Stream<XaTarget> all() {
        return Stream.of(new Postgres(), new Mysql());
    }

    abstract DatabaseServer server();

    /** A data source built by the code under test, for the given database (created if missing). */
    abstract XADataSource dataSource(String database);

    /** Whether the server holds {@code xid} as a prepared branch, asked in SQL, not through the driver. */
    abstract boolean preparedInServer(Connection c, Xid xid) throws SQLException;

    /** Ids of the sessions connected to {@code database}, other than {@code c}'s own. */
    abstract List<Long> otherSessionsOn(Connection c, String database) throws SQLException;

    abstract void kill(Connection c, long session) throws SQLException;

    Connection connect(String database) throws SQLException {
        server().createDatabase(database);
        return server().connect(database);
    }

    /** A table {@code name(id varchar primary key)} in the database, created if missing. */
    void createTable(String database, String name) throws SQLException {
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + name + " (id varchar(200) PRIMARY KEY)");
        }
    }

    static int count(Connection c, String table, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    static void insert(Connection c, String table, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id) VALUES (?)")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    static final class Postgres extends XaTarget {

        @Override
        DatabaseServer server() {
            return TestDatabases.postgres();
        }

        @Override
        XADataSource dataSource(String database) {
            server().createDatabase(database);
            return XaDataSources.postgres(server().jdbcUrl(database), server().user(), server().password());
        }

        /** pgjdbc names a branch formatId_base64(gtrid)_base64(bqual). */
        @Override
        boolean preparedInServer(Connection c, Xid xid) throws SQLException {
            String gid = xid.getFormatId() + "_" + Base64.getEncoder().encodeToString(xid.getGlobalTransactionId())
                    + "_" + Base64.getEncoder().encodeToString(xid.getBranchQualifier());
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_prepared_xacts WHERE gid = ?")) {
                ps.setString(1, gid);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1) > 0;
                }
            }
        }

        @Override
        List<Long> otherSessionsOn(Connection c, String database) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("SELECT pid FROM pg_stat_activity"
                    + " WHERE datname = ? AND pid <> pg_backend_pid() AND backend_type = 'client backend'")) {
                ps.setString(1, database);
                return longs(ps);
            }
        }

        @Override
        void kill(Connection c, long session) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
                ps.setInt(1, (int) session);
                ps.executeQuery().close();
            }
        }

        @Override
        public String toString() {
            return "PostgreSQL";
        }
    }

    static final class Mysql extends XaTarget {

        @Override
        DatabaseServer server() {
            return TestDatabases.mysql();
        }

        @Override
        XADataSource dataSource(String database) {
            server().createDatabase(database);
            return XaDataSources.mysql(server().jdbcUrl(database), server().user(), server().password());
        }

        /** XA RECOVER's data column is gtrid followed by bqual. */
        @Override
        boolean preparedInServer(Connection c, Xid xid) throws SQLException {
            byte[] gtrid = xid.getGlobalTransactionId();
            byte[] bqual = xid.getBranchQualifier();
            byte[] data = ByteBuffer.allocate(gtrid.length + bqual.length).put(gtrid).put(bqual).array();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("XA RECOVER")) {
                while (rs.next()) {
                    if (rs.getInt("formatID") == xid.getFormatId() && rs.getInt("gtrid_length") == gtrid.length
                            && Arrays.equals(rs.getBytes("data"), data)) {
                        return true;
                    }
                }
                return false;
            }
        }

        @Override
        List<Long> otherSessionsOn(Connection c, String database) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM information_schema.processlist"
                    + " WHERE db = ? AND id <> CONNECTION_ID()")) {
                ps.setString(1, database);
                return longs(ps);
            }
        }

        @Override
        void kill(Connection c, long session) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute("KILL " + session);
            }
        }

        @Override
        public String toString() {
            return "MySQL/MariaDB";
        }
    }

    private static List<Long> longs(PreparedStatement ps) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }
}
