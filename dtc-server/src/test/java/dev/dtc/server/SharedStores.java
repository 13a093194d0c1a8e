package dev.dtc.server;

import dev.dtc.store.postgresql.LeaseSettings;
import dev.dtc.store.postgresql.PostgresStore;
import dev.dtc.store.postgresql.StoreUrl;
import dev.dtc.testdb.TestDatabases;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two coordinators' shared state on one store, as two dtc-server processes on one database have it: each "coordinator"
 * opens its own {@link PostgresStore} (its own pool) on the same URL, a schema of its own per test.
 */
final class SharedStores implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    static final Duration RETENTION = Duration.ofDays(1);

    /** A clock the test moves, for registrations' TTLs without waiting. */
    static final class MovableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-12-02T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final String url = freshUrl();
    final MovableClock clock = new MovableClock();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "test-locks");
        t.setDaemon(true);
        return t;
    });

    /** The URL of a new, empty schema in the fixture's {@code dtc_store} database. */
    static String freshUrl() {
        var pg = TestDatabases.postgres();
        pg.createDatabase("dtc_store");
        String schema = "s" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 1_000_000_000L + "_"
                + COUNTER.incrementAndGet();
        String jdbc = pg.jdbcUrl("dtc_store");
        return jdbc + (jdbc.contains("?") ? "&" : "?") + "schema=" + schema + "&user=" + pg.user()
                + (pg.password() == null || pg.password().isEmpty() ? "" : "&password=" + pg.password());
    }

    PostgresStore store() throws IOException {
        PostgresStore s = PostgresStore.open(StoreUrl.parse(url), LeaseSettings.DEFAULT, 6);
        open.add(s);
        return s;
    }

    /** One coordinator's shared state: a store of its own on the common URL. */
    SharedState coordinator() throws IOException {
        return coordinator(store());
    }

    SharedState coordinator(PostgresStore store) {
        SharedState s = SharedState.postgres(store, DtcServer.json(), RETENTION, clock, timer);
        open.add(0, s); // closed before its store
        return s;
    }

    /** A test's own look at the tables: a store opened for that alone. */
    PostgresStore look() throws IOException {
        return store();
    }

    static long count(PostgresStore s, String sql, Object... args) throws SQLException {
        try (Connection c = s.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static String text(PostgresStore s, String sql, Object... args) throws SQLException {
        try (Connection c = s.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    static void exec(PostgresStore s, String sql) throws SQLException {
        try (Connection c = s.dataSource().getConnection(); var st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception e) {
                // closing what the test left open; the test's own assertions have spoken
            }
        }
    }
}
