package dev.dtc.xa;

import com.mysql.cj.jdbc.MysqlXADataSource;
import dev.dtc.ConfigurationException;
import org.postgresql.xa.PGXADataSource;

/**
 * Correctly configured XA data sources for the databases dtc supports, checked against the server at start.
 *
 * <pre>{@code
 * XADataSource orders = XaDataSources.postgres("jdbc:postgresql://db1:5432/orders", "app", secret);
 * XADataSource stock  = XaDataSources.mysql("jdbc:mysql://db2:3306/stock", "app", secret);
 * }</pre>
 *
 * <p>Each call opens one connection to check that the server can take part in two-phase commit, and throws
 * {@link ConfigurationException} with a message that says what to fix when it cannot (or cannot be reached).
 * The vendor quirks and the reason for each setting are documented where they are handled:
 * {@code PostgresXa} and {@code MysqlXa}.
 *
 * <p>Only the driver of a database you use needs to be on the class path.
 */
public final class XaDataSources {

    private XaDataSources() {
    }

    /**
     * A PostgreSQL XA data source.
     *
     * @param url      {@code jdbc:postgresql://host:port/database[?parameters]}
     * @param user     the role to connect as; null to take it from the URL
     * @param password null to take it from the URL (or for trust authentication)
     * @throws ConfigurationException if the URL is malformed, the server cannot be reached, or its
     *                                {@code max_prepared_transactions} is 0 (PostgreSQL's default)
     */
    public static PGXADataSource postgres(String url, String user, String password) {
        return PostgresXa.dataSource(url, user, password);
    }

    /**
     * A MySQL or MariaDB XA data source (through MySQL Connector/J).
     *
     * @param url      {@code jdbc:mysql://host:port/database[?parameters]}
     * @param user     the user to connect as; null to take it from the URL
     * @param password null to take it from the URL
     * @throws ConfigurationException if the URL is malformed, the server cannot be reached, is a version whose
     *                                prepared XA transactions do not survive a disconnect, or the user may not
     *                                run {@code XA RECOVER}
     */
    public static MysqlXADataSource mysql(String url, String user, String password) {
        return MysqlXa.dataSource(url, user, password);
    }

    /** The URL without its parameters, which may carry a password, for messages. */
    static String withoutParameters(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    static void requirePrefix(String url, String prefix, String example) {
        if (url == null || !url.startsWith(prefix)) {
            throw new ConfigurationException("'" + (url == null ? null : withoutParameters(url))
                    + "' is not a JDBC URL for this database: expected " + example);
        }
    }
}
