package dev.dtc.xa;

import dev.dtc.ConfigurationException;
import io.agroal.api.exceptionsorter.PostgreSQLExceptionSorter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import org.postgresql.xa.PGXADataSource;

/**
 * PostgreSQL through pgjdbc's {@link PGXADataSource}. What a transaction manager must know about it:
 * <ul>
 *   <li><b>max_prepared_transactions</b> is 0 by default, which disables PREPARE TRANSACTION: checked here at start,
 *       because otherwise every transaction would fail at prepare, long after deployment.</li>
 *   <li>{@code isSameRM} is true only for the very same XAResource, and {@code start(TMJOIN)} works only on the
 *       connection that ended the branch; TMSUSPEND/TMRESUME throw "Suspend/resume not implemented". So each
 *       connection enlisted in a transaction is its own branch.</li>
 *   <li>{@code prepare} always votes XA_OK, never XA_RDONLY.</li>
 *   <li>{@code recover} returns Xids only when the flags include TMSTARTRSCAN (TMNOFLAGS gives an empty array), and
 *       only the prepared transactions of the connection's database whose owner role the connected user is a member
 *       of: a recovery connection must use the same database and role as the transactions.</li>
 *   <li>{@code COMMIT PREPARED} / {@code ROLLBACK PREPARED} may be sent from any session of that database, so a
 *       fresh connection can finish what a dead one prepared; a prepared transaction survives its session and a
 *       server restart.</li>
 *   <li><b>A session ended by the server</b> ({@code pg_terminate_backend}, a shutdown, {@code idle_session_timeout})
 *       reports SQLSTATE 57P01&ndash;57P05 or 25P03 first, and only later calls get class 08 (connection exception),
 *       which is all Agroal's own PostgreSQL sorter knows. {@link #connectionBroken} knows both, so the pool closes
 *       such a connection at the first error instead of handing it out again.</li>
 * </ul>
 */
final class PostgresXa {

    static final String EXAMPLE_URL = "jdbc:postgresql://host:5432/database";

    /**
     * SQLSTATEs of a session the server ended: admin_shutdown (pg_terminate_backend, smart/fast shutdown),
     * crash_shutdown, cannot_connect_now, database_dropped, idle_session_timeout (PostgreSQL 14), and
     * idle_in_transaction_session_timeout.
     */
    private static final Set<String> SESSION_ENDED = Set.of("57P01", "57P02", "57P03", "57P04", "57P05", "25P03");

    private static final PostgreSQLExceptionSorter CONNECTION_EXCEPTION = new PostgreSQLExceptionSorter();

    private PostgresXa() {
    }

    /** What the pool needs to know about PostgreSQL. */
    static PooledXaDataSource.Vendor poolVendor() {
        return new PooledXaDataSource.Vendor(PGXADataSource.class, Map.of("tcpKeepAlive", "true"),
                PostgresXa::connectionBroken);
    }

    /** Whether the error says the session is gone, so the connection must not be used again. */
    static boolean connectionBroken(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            String state = s.getSQLState(); // null for errors pgjdbc makes up itself, e.g. "connection is closed"
            if (CONNECTION_EXCEPTION.isFatal(s) || (state != null && SESSION_ENDED.contains(state))) {
                return true;
            }
        }
        return false;
    }

    static PGXADataSource dataSource(String url, String user, String password) {
        XaDataSources.requirePrefix(url, "jdbc:postgresql:", EXAMPLE_URL);
        PGXADataSource ds = new PGXADataSource();
        try {
            ds.setUrl(url); // first: setting the URL resets every property it names
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("'" + XaDataSources.withoutParameters(url)
                    + "' is not a valid PostgreSQL JDBC URL (expected " + EXAMPLE_URL + "): " + e.getMessage(), e);
        }
        if (user != null) {
            ds.setUser(user);
        }
        if (password != null) {
            ds.setPassword(password);
        }
        // A prepared branch may wait on its connection for the coordinator's decision, and the recovery connection
        // lives for hours between scans: keep-alives let the OS notice a peer that vanished without a FIN.
        ds.setTcpKeepAlive(true);
        requirePreparedTransactions(ds, url);
        return ds;
    }

    private static void requirePreparedTransactions(PGXADataSource ds, String url) {
        int max;
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW max_prepared_transactions")) {
            rs.next();
            max = rs.getInt(1);
        } catch (SQLException e) {
            throw new ConfigurationException("cannot connect to PostgreSQL at " + XaDataSources.withoutParameters(url)
                    + " as " + ds.getUser() + " to check that it supports two-phase commit: " + e.getMessage()
                    + ". Check the URL, user and password, and that the server is running.", e);
        }
        if (max <= 0) {
            throw new ConfigurationException("PostgreSQL at " + XaDataSources.withoutParameters(url)
                    + " has max_prepared_transactions = " + max + ", so it refuses PREPARE TRANSACTION and cannot take"
                    + " part in two-phase commit. Set max_prepared_transactions in postgresql.conf (e.g. 200; at least"
                    + " the number of transactions that may be prepared at once, typically max_connections) and restart"
                    + " PostgreSQL, or run ALTER SYSTEM SET max_prepared_transactions = 200; as a superuser and restart.");
        }
    }
}
