package dev.dtc.xa;

import com.mysql.cj.jdbc.MysqlXADataSource;
import dev.dtc.ConfigurationException;
import dev.dtc.TransactionService;
import java.util.regex.Pattern;
import org.postgresql.xa.PGXADataSource;

/**
 * Data sources for the databases dtc supports, configured for XA and checked against the server at start.
 *
 * <p><b>Pooled and transactional</b>, what an application normally wants: JDBC inside
 * {@code UserTransaction.begin()/commit()} is atomic across databases, with no {@code enlistResource} in sight.
 *
 * <pre>{@code
 * TransactionalDataSource orders = XaDataSources.postgres(service, "jdbc:postgresql://db1:5432/orders", "app", secret);
 * TransactionalDataSource stock  = XaDataSources.mysql(service, "jdbc:mysql://db2:3306/stock", "app", secret);
 * UserTransaction ut = service.userTransaction();
 * ut.begin();
 * try (Connection o = orders.getConnection(); Connection s = stock.getConnection()) {
 *     ... // ordinary JDBC
 * }
 * ut.commit(); // two-phase commit across both
 * }</pre>
 *
 * <p><b>Plain XA data sources</b> ({@link #postgres(String, String, String)}, {@link #mysql(String, String,
 * String)}), for code that enlists XAResources itself.
 *
 * <p>Each call opens one connection to check that the server can take part in two-phase commit, and throws
 * {@link ConfigurationException} with a message that says what to fix when it cannot (or cannot be reached).
 * The vendor quirks and the reason for each setting are documented where they are handled:
 * {@code PostgresXa} and {@code MysqlXa}.
 *
 * <p>Only the driver of a database you use needs to be on the class path.
 */
public final class XaDataSources {

    /** user:password@ in a URL's authority, kept out of names and messages. */
    private static final Pattern USER_INFO = Pattern.compile("(//)[^/@]*@");

    private XaDataSources() {
    }

    /**
     * A pooled PostgreSQL data source whose connections join {@code dtc}'s transactions, with
     * {@link PoolSettings#defaults() default pool settings}.
     *
     * @see #postgres(TransactionService, String, String, String, PoolSettings)
     */
    public static TransactionalDataSource postgres(TransactionService dtc, String url, String user, String password) {
        return postgres(dtc, url, user, password, PoolSettings.defaults());
    }

    /**
     * A pooled PostgreSQL data source whose connections join {@code dtc}'s transactions. It is registered for
     * recovery with {@code dtc.recovery()} under {@link PoolSettings#name()} until it is closed.
     *
     * @param url      {@code jdbc:postgresql://host:port/database[?parameters]}
     * @param user     the role to connect as; null to take it from the URL
     * @param password null to take it from the URL (or for trust authentication)
     * @throws ConfigurationException if the URL is malformed, the server cannot be reached, its
     *                                {@code max_prepared_transactions} is 0 (PostgreSQL's default), or the name is
     *                                already registered with {@code dtc}'s recovery
     */
    public static TransactionalDataSource postgres(TransactionService dtc, String url, String user, String password,
                                                   PoolSettings settings) {
        requireServiceAndSettings(dtc, settings);
        PostgresXa.dataSource(url, user, password); // checks the URL and the server before anything starts
        return PooledXaDataSource.start(dtc, PostgresXa.poolVendor(), url, user, password, settings);
    }

    /**
     * A pooled MySQL or MariaDB data source whose connections join {@code dtc}'s transactions, with
     * {@link PoolSettings#defaults() default pool settings}.
     *
     * @see #mysql(TransactionService, String, String, String, PoolSettings)
     */
    public static TransactionalDataSource mysql(TransactionService dtc, String url, String user, String password) {
        return mysql(dtc, url, user, password, PoolSettings.defaults());
    }

    /**
     * A pooled MySQL or MariaDB data source (through MySQL Connector/J) whose connections join {@code dtc}'s
     * transactions. It is registered for recovery with {@code dtc.recovery()} under {@link PoolSettings#name()}
     * until it is closed.
     *
     * @param url      {@code jdbc:mysql://host:port/database[?parameters]}
     * @param user     the user to connect as; null to take it from the URL
     * @param password null to take it from the URL
     * @throws ConfigurationException if the URL is malformed or has settings that break XA, the server cannot be
     *                                reached, is a version whose prepared XA transactions do not survive a
     *                                disconnect, the user may not run {@code XA RECOVER}, or the name is already
     *                                registered with {@code dtc}'s recovery
     */
    public static TransactionalDataSource mysql(TransactionService dtc, String url, String user, String password,
                                                PoolSettings settings) {
        requireServiceAndSettings(dtc, settings);
        MysqlXa.dataSource(url, user, password); // checks the URL and the server before anything starts
        return PooledXaDataSource.start(dtc, MysqlXa.poolVendor(), url, user, password, settings);
    }

    private static void requireServiceAndSettings(TransactionService dtc, PoolSettings settings) {
        if (dtc == null) {
            throw new ConfigurationException("a TransactionService is required: the data source's connections join"
                    + " its transactions and register with its recovery");
        }
        if (settings == null) {
            throw new ConfigurationException("pool settings must not be null: pass PoolSettings.defaults() for the"
                    + " defaults");
        }
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

    /**
     * The recovery name of a data source that was given none: its URL without "jdbc:", credentials or parameters,
     * e.g. {@code postgresql://db1:5432/orders}.
     */
    static String defaultName(String url) {
        String name = withoutParameters(url);
        if (name.startsWith("jdbc:")) {
            name = name.substring("jdbc:".length());
        }
        return USER_INFO.matcher(name).replaceFirst("$1");
    }

    static void requirePrefix(String url, String prefix, String example) {
        if (url == null || !url.startsWith(prefix)) {
            throw new ConfigurationException("'" + (url == null ? null : withoutParameters(url))
                    + "' is not a JDBC URL for this database: expected " + example);
        }
    }
}
