package dev.dtc.xa;

import com.mysql.cj.jdbc.MysqlXADataSource;
import dev.dtc.ConfigurationException;
import io.agroal.api.exceptionsorter.MySQLExceptionSorter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MySQL and MariaDB through MySQL Connector/J. The quirks, each handled here or in {@link NoJoinMysqlXADataSource}:
 * <ul>
 *   <li><b>No joining across connections.</b> Connector/J's {@code isSameRM} answers true for any two connections
 *       to the same server, but the server rejects {@code XA START ... JOIN} (MariaDB 10.11: XAER_INVAL), so a
 *       transaction manager that trusts {@code isSameRM} fails on the second connection. The data source returned
 *       here answers {@code isSameRM} truthfully (only for the same connection), so each connection becomes a
 *       branch of its own. Two branches of one transaction are separate server transactions: they do not share
 *       locks and can block each other.</li>
 *   <li><b>pinGlobalTxToPhysicalConnection stays off</b>, although it is often recommended. It makes Connector/J
 *       map each Xid to the physical connection that started it, in a map shared by the whole JVM, and route every
 *       later call for that Xid there. Measured on MariaDB 10.11 with Connector/J 26.10: (1) after that connection
 *       dies, a commit of the prepared branch from a fresh connection is still sent to the dead one and fails with
 *       XAER_RMFAIL until the JVM restarts, so recovery can never finish it; (2) its emulated JOIN resumes the branch
 *       on the first connection while the second connection's statements run outside the transaction (autocommitted),
 *       silently breaking atomicity. A URL that turns it on is refused.</li>
 *   <li><b>autoReconnect stays off</b> (refused in the URL too): a silent reconnect in the middle of a branch would
 *       carry on outside the XA transaction, which the server has already rolled back.</li>
 *   <li><b>A prepared branch must survive its connection.</b> MySQL before 5.7.7 and MariaDB before 10.5.2 roll back
 *       prepared XA transactions when the client disconnects (MDEV-742), so a coordinator crash after prepare would
 *       lose committed work on one side: such servers are refused.</li>
 *   <li><b>XA RECOVER needs a privilege</b> on MySQL 8 (XA_RECOVER_ADMIN); without it recovery cannot see in-doubt
 *       branches. Checked at start.</li>
 *   <li>{@code prepare} always votes XA_OK. {@code XA COMMIT} / {@code XA ROLLBACK} of a prepared branch may come from
 *       any connection, so recovery can use a fresh one. {@code recover} returns Xids only when the flags include
 *       TMSTARTRSCAN (TMNOFLAGS gives an empty array), and then every prepared branch on the server, of all
 *       databases.</li>
 *   <li><b>A killed session</b> shows as a communications failure (SQLSTATE 08S01), which Agroal's MySQL sorter
 *       knows, or, when the kill interrupts a running statement on MariaDB, as error 1927 "Connection was killed"
 *       (SQLSTATE 70100), which it does not; MySQL 8.0.24+ says 4031 when it dropped an idle client.
 *       {@link #connectionBroken} knows all of them, so the pool closes such a connection at the first error.</li>
 * </ul>
 */
final class MysqlXa {

    static final String EXAMPLE_URL = "jdbc:mysql://host:3306/database";

    /** MySQL's "access denied; you need (at least one of) the ... privilege(s)". */
    private static final int ER_SPECIFIC_ACCESS_DENIED = 1227;

    /** MariaDB: the session was killed while a statement ran (SQLSTATE 70100). */
    private static final int ER_CONNECTION_KILLED = 1927;
    /** The server is shutting down. */
    private static final int ER_SERVER_SHUTDOWN = 1053;
    /** MySQL 8.0.24+: "The client was disconnected by the server because of inactivity" (wait_timeout). */
    private static final int ER_CLIENT_INTERACTION_TIMEOUT = 4031;

    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)");

    private static final MySQLExceptionSorter AGROAL_SORTER = new MySQLExceptionSorter();

    private MysqlXa() {
    }

    /**
     * What the pool needs to know about MySQL/MariaDB. The XA settings are made by
     * {@link NoJoinMysqlXADataSource}'s constructor, not passed as properties, so no instance can lack them.
     */
    static PooledXaDataSource.Vendor poolVendor() {
        return new PooledXaDataSource.Vendor(NoJoinMysqlXADataSource.class, Map.of(), MysqlXa::connectionBroken);
    }

    /** Whether the error says the session is gone, so the connection must not be used again. */
    static boolean connectionBroken(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            int code = s.getErrorCode();
            if (AGROAL_SORTER.isFatal(s) || code == ER_CONNECTION_KILLED || code == ER_SERVER_SHUTDOWN
                    || code == ER_CLIENT_INTERACTION_TIMEOUT) {
                return true;
            }
        }
        return false;
    }

    static MysqlXADataSource dataSource(String url, String user, String password) {
        XaDataSources.requirePrefix(url, "jdbc:mysql:", EXAMPLE_URL);
        refuseUrlSetting(url, "pinGlobalTxToPhysicalConnection");
        refuseUrlSetting(url, "autoReconnect");
        refuseUrlSetting(url, "autoReconnectForPools");
        NoJoinMysqlXADataSource ds = new NoJoinMysqlXADataSource();
        ds.setUrl(url);
        if (user != null) {
            ds.setUser(user);
        }
        if (password != null) {
            ds.setPassword(password);
        }
        // pinGlobalTxToPhysicalConnection and autoReconnect off, keep-alive on: NoJoinMysqlXADataSource's constructor
        checkServer(ds, url);
        return ds;
    }

    /** A URL property can undo what is set here (measured: pinGlobalTxToPhysicalConnection=true in the URL turns pinning on whatever the setter says). */
    private static void refuseUrlSetting(String url, String property) {
        Matcher m = Pattern.compile("[?&]" + property + "=(true|yes)", Pattern.CASE_INSENSITIVE).matcher(url);
        if (m.find()) {
            throw new ConfigurationException("remove " + property + "=" + m.group(1) + " from the MySQL URL "
                    + XaDataSources.withoutParameters(url) + ": it breaks XA recovery or atomicity (see dev.dtc.xa.MysqlXa)");
        }
    }

    private static void checkServer(MysqlXADataSource ds, String url) {
        String where = XaDataSources.withoutParameters(url);
        try (Connection c = ds.getConnection()) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT VERSION()")) {
                rs.next();
                requirePreparedSurvivesDisconnect(rs.getString(1), where);
            }
            try (Statement s = c.createStatement()) {
                s.executeQuery("XA RECOVER").close();
            } catch (SQLException e) {
                if (e.getErrorCode() == ER_SPECIFIC_ACCESS_DENIED) {
                    throw new ConfigurationException("user " + ds.getUser() + " may not run XA RECOVER on " + where
                            + ", so recovery could not find in-doubt transactions. As an administrator run: GRANT"
                            + " XA_RECOVER_ADMIN ON *.* TO '" + ds.getUser() + "'@'%';", e);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new ConfigurationException("cannot connect to MySQL/MariaDB at " + where + " as " + ds.getUser()
                    + " to check that it supports two-phase commit: " + e.getMessage()
                    + ". Check the URL, user and password, and that the server is running.", e);
        }
    }

    static void requirePreparedSurvivesDisconnect(String version, String where) {
        // MariaDB may announce itself as "5.5.5-10.11.5-MariaDB" (a prefix for old replication clients)
        Matcher m = VERSION.matcher(version.startsWith("5.5.5-") ? version.substring("5.5.5-".length()) : version);
        if (!m.find()) {
            return; // an unknown format: let it through rather than guess
        }
        int[] v = {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
        boolean mariaDb = version.toLowerCase(Locale.ROOT).contains("mariadb");
        int[] minimum = mariaDb ? new int[] {10, 5, 2} : new int[] {5, 7, 7};
        if (compare(v, minimum) < 0) {
            throw new ConfigurationException((mariaDb ? "MariaDB " : "MySQL ") + version + " at " + where
                    + " rolls back prepared XA transactions when the client disconnects, so a crash after prepare could"
                    + " leave one database committed and this one rolled back. Upgrade to "
                    + (mariaDb ? "MariaDB 10.5.2" : "MySQL 5.7.7") + " or later.");
        }
    }

    private static int compare(int[] a, int[] b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                return Integer.compare(a[i], b[i]);
            }
        }
        return 0;
    }
}
