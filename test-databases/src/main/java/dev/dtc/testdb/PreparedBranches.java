package dev.dtc.testdb;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The XA branches of one dtc node still prepared in a database: what a test checks is empty once every
 * transaction ended ("nothing left in {@code pg_prepared_xacts} / {@code XA RECOVER}"). dtc's global transaction
 * ids start with {@code node/}, so one node's leftovers are told from another test's.
 */
public final class PreparedBranches {

    private PreparedBranches() {
    }

    /** Global transaction ids of PostgreSQL's prepared transactions ({@code pg_prepared_xacts}) of {@code node}. */
    public static List<String> inPostgres(Connection c, String node) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT gid FROM pg_prepared_xacts")) {
            while (rs.next()) {
                // pgjdbc writes an Xid as formatId_base64(gtrid)_base64(bqual)
                String[] parts = rs.getString(1).split("_");
                if (parts.length == 3) {
                    String gtrid = new String(Base64.getDecoder().decode(parts[1]), StandardCharsets.ISO_8859_1);
                    if (gtrid.startsWith(node + "/")) {
                        out.add(gtrid);
                    }
                }
            }
        }
        return out;
    }

    /** The {@code data} column of MySQL/MariaDB's {@code XA RECOVER} rows of {@code node} (gtrid then bqual). */
    public static List<String> inMysql(Connection c, String node) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("XA RECOVER")) {
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
