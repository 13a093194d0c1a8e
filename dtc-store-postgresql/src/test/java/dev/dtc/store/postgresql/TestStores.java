package dev.dtc.store.postgresql;

import dev.dtc.testdb.TestDatabases;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** Shared stores on the test fixture's PostgreSQL, each in a schema of its own so tests never see each other. */
public final class TestStores {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    /** Short leases, so that takeover tests do not wait long: renew every 200 ms, expire after 1 s. */
    public static final LeaseSettings SHORT = new LeaseSettings(Duration.ofSeconds(1), Duration.ofMillis(200),
            Duration.ofMillis(1500));

    private TestStores() {
    }

    /** The URL of a new, empty schema in the fixture's {@code dtc_store} database. */
    public static String freshUrl() {
        var pg = TestDatabases.postgres();
        pg.createDatabase("dtc_store");
        String schema = "t" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 1_000_000_000L + "_"
                + COUNTER.incrementAndGet();
        String jdbc = pg.jdbcUrl("dtc_store");
        String url = jdbc + (jdbc.contains("?") ? "&" : "?") + "schema=" + schema + "&user=" + pg.user()
                + (pg.password() == null || pg.password().isEmpty() ? "" : "&password=" + pg.password());
        return url;
    }

    public static PostgresStore open(String url, LeaseSettings settings) throws IOException {
        return PostgresStore.open(StoreUrl.parse(url), settings, 6);
    }

    /** Makes an open store stop renewing its lease, as a paused coordinator would. */
    public static void stopRenewing(dev.dtc.log.DecisionStore store) {
        ((PostgresDecisionStore) store).stopRenewing();
    }

    /** Runs a query on the store's schema and returns the first column of the first row as a long. */
    public static long count(PostgresStore store, String sql) throws SQLException {
        try (Connection c = store.dataSource().getConnection(); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Runs SQL on the store's schema, as a test's own look at the tables. */
    public static void exec(PostgresStore store, String sql) throws SQLException {
        try (Connection c = store.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
