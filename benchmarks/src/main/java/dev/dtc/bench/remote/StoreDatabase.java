package dev.dtc.bench.remote;

import dev.dtc.store.postgresql.StoreUrl;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The PostgreSQL database the shared configurations keep their store in, and what the benchmark reads about it.
 *
 * <p>The benchmark's own queries go through the server's {@code postgres} database, never the store's, so that
 * {@code pg_stat_database} for the store's database counts only the coordinators' transactions: it should be a
 * database of its own ({@code dtc_bench_store} by default, created if missing), used by nothing else while the run
 * lasts. Only the schema's tables are read and dropped in the store's database itself, after the coordinators have
 * stopped.
 *
 * <p><b>PostgreSQL's counters lag.</b> A backend adds its transactions to the shared statistics when it goes idle,
 * at most once a second, and what it could not add then after at most 10 s idle (PostgreSQL 15); at exit it adds
 * everything. So the harness reads the counters before a point only after the coordinators were idle for longer
 * than that, and after the point only once the coordinators have stopped and their backends are gone.
 */
final class StoreDatabase {

    /** Counters of the server at one moment. */
    record Counters(long transactions, long walSyncs, long walRecords, long walBytes) {
        Counters minus(Counters before) {
            return new Counters(transactions - before.transactions, walSyncs - before.walSyncs,
                    walRecords - before.walRecords, walBytes - before.walBytes);
        }
    }

    /** Rows one table of the store received: inserted, updated, deleted. */
    record TableRows(long inserted, long updated, long deleted) {
    }

    private static final Set<String> LOCAL_HOSTS = Set.of("127.0.0.1", "localhost", "::1", "[::1]");

    private final StoreUrl url;
    private final String database;
    private final String adminJdbcUrl;
    private final String host;

    private StoreDatabase(StoreUrl url, String database, String adminJdbcUrl, String host) {
        this.url = url;
        this.database = database;
        this.adminJdbcUrl = adminJdbcUrl;
        this.host = host;
    }

    /**
     * Reads {@code postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE} (or the JDBC form).
     *
     * @throws IllegalArgumentException if it is not such a URL or names a schema (the benchmark makes its own)
     */
    static StoreDatabase parse(String text) {
        StoreUrl url = StoreUrl.parse(text);
        if (url.schema() != null) {
            throw new IllegalArgumentException("the store URL names the schema '" + url.schema() + "': leave it out,"
                    + " the benchmark makes a fresh schema per configuration and drops it at the end");
        }
        URI uri = URI.create(url.jdbcUrl().substring("jdbc:".length()));
        String database = uri.getPath().substring(1);
        if (!database.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("the store URL's database '" + database + "' is not a plain lower-case"
                    + " SQL name ([a-z_][a-z0-9_]*)");
        }
        String admin = "jdbc:postgresql://" + uri.getRawAuthority() + "/postgres"
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new StoreDatabase(url, database, admin, uri.getHost());
    }

    /** The URL a user would write, from the test databases' environment if set, else the local default. */
    static String defaultUrl(Map<String, String> env, String database) {
        String jdbc = env.get("DTC_TEST_POSTGRES_URL");
        String user = env.getOrDefault("DTC_TEST_POSTGRES_USER", "postgres");
        String password = env.get("DTC_TEST_POSTGRES_PASSWORD");
        String hostPort = "127.0.0.1:5432";
        if (jdbc != null && !jdbc.isBlank()) {
            URI uri = URI.create(jdbc.trim().replaceFirst("^jdbc:", ""));
            hostPort = uri.getRawAuthority();
        }
        return "postgresql://" + encode(user) + (password == null || password.isEmpty() ? "" : ":" + encode(password))
                + "@" + hostPort + "/" + database;
    }

    String database() {
        return database;
    }

    /** Whether the server runs on this machine, so that its processes' CPU can be read. */
    boolean local() {
        return LOCAL_HOSTS.contains(host);
    }

    /** Where, without the password. */
    String describe() {
        return url.describe();
    }

    /** The {@code --store} argument of a coordinator using {@code schema}. */
    String serverArgument(String schema) {
        StringBuilder s = new StringBuilder(url.jdbcUrl()).append(url.jdbcUrl().contains("?") ? '&' : '?')
                .append("schema=").append(schema);
        if (url.user() != null) {
            s.append("&user=").append(encode(url.user()));
        }
        if (url.password() != null) {
            s.append("&password=").append(encode(url.password()));
        }
        return s.toString();
    }

    /** Creates the store's database if it is missing. */
    void createIfMissing() throws SQLException {
        try (Connection c = admin(); PreparedStatement exists = c.prepareStatement(
                "SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, database);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + database);
            } catch (SQLException e) {
                throw new SQLException("cannot create the store's database " + database + " (" + e.getMessage()
                        + "): create it yourself, or give the user CREATEDB, or pass --store-url naming a database that"
                        + " exists", e);
            }
        }
    }

    /** The server's version and the settings that decide what a commit costs, for the report. */
    String settings() throws SQLException {
        try (Connection c = admin(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT current_setting('server_version'), current_setting('synchronous_commit'),"
                        + " current_setting('fsync'), current_setting('wal_sync_method'), current_setting('commit_delay')")) {
            rs.next();
            return "PostgreSQL " + rs.getString(1) + ", synchronous_commit=" + rs.getString(2) + ", fsync="
                    + rs.getString(3) + ", wal_sync_method=" + rs.getString(4) + ", commit_delay=" + rs.getString(5);
        }
    }

    /**
     * Transactions of the store's database (commits + rollbacks, read-only ones included: each is a round trip
     * that ends a database transaction) and the server's WAL counters (of the whole server: other databases' work
     * counts there too).
     */
    Counters counters() throws SQLException {
        try (Connection c = admin(); PreparedStatement ps = c.prepareStatement(
                "SELECT d.xact_commit + d.xact_rollback, w.wal_sync, w.wal_records, w.wal_bytes"
                        + " FROM pg_stat_database d, pg_stat_wal w WHERE d.datname = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("pg_stat_database has no row for " + database);
                }
                return new Counters(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
            }
        }
    }

    /** Waits until no backend serves the store's database (their counters are flushed when they exit). */
    boolean awaitNoBackends(Duration timeout) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection c = admin(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = ?")) {
            ps.setString(1, database);
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        return true;
                    }
                }
                if (System.nanoTime() >= deadline) {
                    return false;
                }
                Thread.sleep(50);
            }
        }
    }

    /** Process ids of the backends serving the store's database now (the coordinators' sessions). */
    Set<Long> sessionPids() throws SQLException {
        Set<Long> pids = new HashSet<>();
        try (Connection c = admin(); PreparedStatement ps = c.prepareStatement(
                "SELECT pid FROM pg_stat_activity WHERE datname = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pids.add(rs.getLong(1));
                }
            }
        }
        return pids;
    }

    /** Rows each table of {@code schema} received since it was made, by table name. */
    Map<String, TableRows> tableRows(String schema) throws SQLException {
        Map<String, TableRows> rows = new LinkedHashMap<>();
        try (Connection c = store(); PreparedStatement ps = c.prepareStatement("SELECT relname, n_tup_ins, n_tup_upd,"
                + " n_tup_del FROM pg_stat_user_tables WHERE schemaname = ? ORDER BY relname")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), new TableRows(rs.getLong(2), rs.getLong(3), rs.getLong(4)));
                }
            }
        }
        return rows;
    }

    void dropSchema(String schema) throws SQLException {
        try (Connection c = store(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    private Connection admin() throws SQLException {
        return DriverManager.getConnection(adminJdbcUrl, url.user(), url.password());
    }

    /** A connection to the store's database (its transactions count in its statistics: not during a point). */
    Connection connect() throws SQLException {
        return store();
    }

    private Connection store() throws SQLException {
        return DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
