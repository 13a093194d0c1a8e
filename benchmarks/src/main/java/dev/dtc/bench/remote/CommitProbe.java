package dev.dtc.bench.remote;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How many commits a second this PostgreSQL makes: connections each inserting one row per auto-committed
 * transaction, back to back, in a schema of their own. A coordinator's decision writer is one such connection
 * (one statement and one commit per group of decisions), so one connection's rate bounds the groups one coordinator
 * can write a second, and several connections show how far the server's own group commit of the WAL goes.
 */
final class CommitProbe {

    /** One measurement: connections, commits a second, and the mean time one commit took a connection. */
    record Result(int connections, double commitsPerSecond, double meanMillis) {
        String describe() {
            return String.format(Locale.ROOT, "%d connection%s %,.0f commits/s (%.3f ms each)", connections,
                    connections == 1 ? "" : "s", commitsPerSecond, meanMillis);
        }
    }

    private CommitProbe() {
    }

    /** Runs each connection count for {@code duration}, in schema {@code schema} (made and dropped here). */
    static List<Result> run(StoreDatabase store, String schema, List<Integer> connectionCounts, Duration duration)
            throws SQLException, InterruptedException {
        List<Result> results = new ArrayList<>();
        store.dropSchema(schema);
        try (Connection c = store.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
            s.execute("CREATE TABLE " + schema + ".probe (id bigserial PRIMARY KEY, payload bytea NOT NULL)");
        }
        try {
            for (int n : connectionCounts) {
                results.add(measure(store, schema, n, duration));
            }
        } finally {
            store.dropSchema(schema);
        }
        return results;
    }

    private static Result measure(StoreDatabase store, String schema, int connections, Duration duration)
            throws SQLException, InterruptedException {
        AtomicLong commits = new AtomicLong();
        AtomicReference<SQLException> failure = new AtomicReference<>();
        List<Connection> open = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                open.add(store.connect());
            }
            long until = System.nanoTime() + duration.toNanos();
            List<Thread> threads = new ArrayList<>();
            for (Connection c : open) {
                Thread t = new Thread(() -> {
                    byte[] payload = new byte[100]; // about a decision record's size
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema + ".probe (payload) VALUES (?)")) {
                        while (System.nanoTime() < until) {
                            ps.setBytes(1, payload);
                            ps.executeUpdate();
                            commits.incrementAndGet();
                        }
                    } catch (SQLException e) {
                        failure.compareAndSet(null, e);
                    }
                }, "commit-probe");
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
        } finally {
            for (Connection c : open) {
                c.close();
            }
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        double seconds = duration.toNanos() / 1e9;
        double perSecond = commits.get() / seconds;
        return new Result(connections, perSecond, perSecond == 0 ? Double.NaN : connections * 1000.0 / perSecond);
    }
}
