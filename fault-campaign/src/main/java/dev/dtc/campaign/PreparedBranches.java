package dev.dtc.campaign;

import dev.dtc.testdb.DatabaseServer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The branches left prepared in the campaign's databases, as the databases themselves list them. */
public final class PreparedBranches {

    private PreparedBranches() {
    }

    /** The gids of {@code pg_prepared_xacts} of one PostgreSQL database (asked through the database "postgres"). */
    public static List<String> postgres(DatabaseServer pg, String database) throws SQLException {
        List<String> gids = new ArrayList<>();
        try (Connection c = pg.connect("postgres");
             PreparedStatement p = c.prepareStatement("SELECT gid FROM pg_prepared_xacts WHERE database = ?")) {
            p.setString(1, database);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    gids.add(rs.getString(1));
                }
            }
        }
        return gids;
    }

    /**
     * The global transaction id of a {@code pg_prepared_xacts} gid as the PostgreSQL JDBC driver writes an XA
     * branch's ({@code formatId_base64(gtrid)_base64(bqual)}), read as ISO-8859-1; null for a gid of another form.
     * The participant kit's gtrid is the coordinator's transaction id, so this tells whose branch it is.
     */
    public static String gtrid(String gid) {
        String[] parts = gid.split("_");
        if (parts.length != 3) {
            return null;
        }
        try {
            return new String(java.util.Base64.getDecoder().decode(parts[1]), StandardCharsets.ISO_8859_1);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The data (gtrid and bqual, read as ISO-8859-1) of the branches in MySQL/MariaDB's {@code XA RECOVER}
     * (server-wide, asked through {@code database}) that {@code ours} accepts.
     */
    public static List<String> mysql(DatabaseServer my, String database, Predicate<String> ours) throws SQLException {
        List<String> left = new ArrayList<>();
        try (Connection c = my.connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("XA RECOVER")) {
            while (rs.next()) {
                String data = new String(rs.getBytes("data"), StandardCharsets.ISO_8859_1);
                if (ours.test(data)) {
                    left.add(data);
                }
            }
        }
        return left;
    }
}
