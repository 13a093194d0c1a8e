package dev.dtc.participant;

import com.mysql.cj.jdbc.MysqlXADataSource;
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
import java.util.stream.Stream;
import javax.sql.XADataSource;
import org.postgresql.xa.PGXADataSource;

/**
 * A database the kit's tests run against, and what the tests look at in it, asked in SQL rather than through the
 * kit: the work's table {@code reservations}, the records table, and the server's prepared branches.
 */
abstract class KitDatabase {

    static final String DATABASE = "dtc_participant_kit";

    static Stream<KitDatabase> all() {
        return Stream.of(new Postgres(), new Mysql());
    }

    abstract DatabaseServer server();

    abstract XADataSource xaDataSource();

    /** The ids of transactions the named participant has prepared in the server, from the server's own list. */
    abstract List<String> preparedTransactions(Connection c, String participant) throws SQLException;

    Connection connect() throws SQLException {
        return server().connect(DATABASE);
    }

    /** Creates the database and the work's table {@code reservations(transaction_id, sku)} if missing. */
    void prepareSchema() throws SQLException {
        server().createDatabase(DATABASE);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS reservations (transaction_id VARCHAR(64) PRIMARY KEY,"
                    + " sku VARCHAR(64) NOT NULL)");
        }
    }

    int reservations(String transactionId) throws SQLException {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(
                "SELECT count(*) FROM reservations WHERE transaction_id = ?")) {
            s.setString(1, transactionId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** The state recorded for the participant's part in a transaction, or null if there is no (visible) row. */
    String recordedState(String participant, String transactionId) throws SQLException {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(
                "SELECT state FROM dtc_participant_outcomes WHERE participant = ? AND transaction_id = ?")) {
            s.setString(1, participant);
            s.setString(2, transactionId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    List<String> preparedTransactions(String participant) throws SQLException {
        try (Connection c = connect()) {
            return preparedTransactions(c, participant);
        }
    }

    static final class Postgres extends KitDatabase {
        @Override
        DatabaseServer server() {
            return TestDatabases.postgres();
        }

        @Override
        XADataSource xaDataSource() {
            PGXADataSource ds = new PGXADataSource();
            ds.setURL(server().jdbcUrl(DATABASE));
            ds.setUser(server().user());
            ds.setPassword(server().password());
            return ds;
        }

        /** pgjdbc writes a gid as formatId_base64(gtrid)_base64(bqual). */
        @Override
        List<String> preparedTransactions(Connection c, String participant) throws SQLException {
            String prefix = BranchXid.FORMAT_ID + "_";
            String suffix = "_" + Base64.getEncoder().encodeToString(participant.getBytes(StandardCharsets.US_ASCII));
            List<String> ids = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT gid FROM pg_prepared_xacts WHERE database = current_database()")) {
                while (rs.next()) {
                    String gid = rs.getString(1);
                    if (gid.startsWith(prefix) && gid.endsWith(suffix)) {
                        String gtrid = gid.substring(prefix.length(), gid.length() - suffix.length());
                        ids.add(new String(Base64.getDecoder().decode(gtrid), StandardCharsets.US_ASCII));
                    }
                }
            }
            return ids;
        }

        @Override
        public String toString() {
            return "PostgreSQL";
        }
    }

    static final class Mysql extends KitDatabase {
        @Override
        DatabaseServer server() {
            return TestDatabases.mysql();
        }

        @Override
        XADataSource xaDataSource() {
            MysqlXADataSource ds = new MysqlXADataSource();
            ds.setUrl(server().jdbcUrl(DATABASE));
            ds.setUser(server().user());
            ds.setPassword(server().password());
            return ds;
        }

        /** XA RECOVER: formatID, gtrid_length, bqual_length, data (gtrid then bqual), server-wide. */
        @Override
        List<String> preparedTransactions(Connection c, String participant) throws SQLException {
            List<String> ids = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("XA RECOVER")) {
                while (rs.next()) {
                    int gtridLength = rs.getInt(2);
                    byte[] data = rs.getBytes(4);
                    String bqual = new String(data, gtridLength, rs.getInt(3), StandardCharsets.US_ASCII);
                    if (rs.getInt(1) == BranchXid.FORMAT_ID && bqual.equals(participant)) {
                        ids.add(new String(data, 0, gtridLength, StandardCharsets.US_ASCII));
                    }
                }
            }
            return ids;
        }

        @Override
        public String toString() {
            return "MariaDB";
        }
    }
}
