package dev.dtc.campaign.random;

import dev.dtc.campaign.PreparedBranches;
import dev.dtc.testdb.DatabaseServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What the part reads from the databases: its rows, and the prepared branches left in them. */
public final class Rows {

    private Rows() {
    }

    /** The rows whose key starts with the prefix: key to transaction id (the key itself where there is no id). */
    public static Map<String, String> read(DatabaseServer server, String database, String table, String prefix)
            throws SQLException {
        Map<String, String> rows = new HashMap<>();
        try (Connection c = server.connect(database);
             PreparedStatement p = c.prepareStatement("SELECT k, tx FROM " + table + " WHERE k LIKE ?")) {
            p.setString(1, prefix + "%");
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return rows;
    }

    /** The prepared transactions of one PostgreSQL database ({@code pg_prepared_xacts}). */
    static List<String> preparedInPostgres(DatabaseServer pg, String database) throws SQLException {
        List<String> gids = new ArrayList<>();
        for (String gid : PreparedBranches.postgres(pg, database)) {
            gids.add("prepared in PostgreSQL " + database + ": " + gid);
        }
        return gids;
    }

    /**
     * The XA branches in {@code XA RECOVER} of MySQL/MariaDB (server-wide) whose data starts with {@code start} and
     * ends with {@code end}: the node's transactions (and one participant's branch qualifier).
     */
    static List<String> preparedInMysql(DatabaseServer my, String database, String start, String end)
            throws SQLException {
        List<String> left = new ArrayList<>();
        for (String data : PreparedBranches.mysql(my, database, d -> d.startsWith(start) && d.endsWith(end))) {
            left.add("prepared in MySQL/MariaDB (XA RECOVER): " + data);
        }
        return left;
    }
}
