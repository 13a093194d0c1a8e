package dev.dtc.campaign.scaleout;

import dev.dtc.campaign.PreparedBranches;
import dev.dtc.testdb.DatabaseServer;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The branches the part's two participants have prepared, as their databases list them ({@code pg_prepared_xacts},
 * {@code XA RECOVER}), each as {@code "<database>: <transaction id>"}: the kit's branch names the coordinator's
 * transaction id, and so the node that began it.
 */
final class Branches {

    private final DatabaseServer pg;
    private final String pgDatabase;
    private final DatabaseServer my;
    private final String myDatabase;
    private final String myParticipant;
    private final String nodePrefix;

    /**
     * @param myParticipant the MySQL/MariaDB participant's name (its branches' qualifier: XA RECOVER is server-wide)
     * @param nodePrefix    what every node name of the run starts with
     */
    Branches(DatabaseServer pg, String pgDatabase, DatabaseServer my, String myDatabase, String myParticipant,
             String nodePrefix) {
        this.pg = pg;
        this.pgDatabase = pgDatabase;
        this.my = my;
        this.myDatabase = myDatabase;
        this.myParticipant = myParticipant;
        this.nodePrefix = nodePrefix;
    }

    /** Every prepared branch of the run. */
    List<String> all() throws SQLException {
        List<String> left = new ArrayList<>();
        for (String gid : PreparedBranches.postgres(pg, pgDatabase)) {
            String tx = PreparedBranches.gtrid(gid);
            left.add("PostgreSQL " + pgDatabase + ": " + (tx == null ? "gid " + gid : tx));
        }
        for (String data : PreparedBranches.mysql(my, myDatabase,
                d -> d.startsWith(nodePrefix) && d.endsWith(myParticipant))) {
            left.add("MariaDB " + myDatabase + ": " + data.substring(0, data.length() - myParticipant.length()));
        }
        return left;
    }

    /** The prepared branches of transactions that {@code node} began. */
    List<String> of(String node) throws SQLException {
        List<String> mine = new ArrayList<>();
        for (String b : all()) {
            if (b.substring(b.indexOf(": ") + 2).startsWith(node + "~")) {
                mine.add(b);
            }
        }
        return mine;
    }
}
