package dev.dtc.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outcome history and idempotency keys in the shared store ({@code dtc_outcome}, {@code dtc_idempotency}), so
 * that every coordinator answers for every other's finished transactions and no key starts two transactions,
 * whichever coordinators the retries reach.
 *
 * <p>Outcomes are written as the file version writes them: one writer thread takes everything queued and writes it
 * as one multi-row INSERT, one commit, so concurrent transactions share a round trip and a commit (group commit).
 * A record's future completes once its commit has returned: the row is durable in the database.
 *
 * <p>An idempotency key is claimed by inserting its row (the key is the primary key, {@code ON CONFLICT DO
 * NOTHING}): the one INSERT that inserts wins, a loser reads the winner's row. The claim is durable when it
 * returns, so {@link #accept} has nothing left to write.
 *
 * <p>Retention counts on the database's clock: rows older than the retention are not answered, and are deleted
 * by the writer thread every {@link #PRUNE_EVERY}.
 */
final class PostgresOutcomeHistory implements OutcomeHistory {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresOutcomeHistory.class);
    /** At most this many rows in one INSERT: PostgreSQL takes at most 65535 parameters in a statement. */
    static final int MAX_BATCH = 1000;
    static final Duration PRUNE_EVERY = Duration.ofMinutes(10);

    private record Pending(String id, String answer, CompletableFuture<Void> done) {
    }

    private final DataSource db;
    private final ObjectMapper json;
    private final Duration retention;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    /** Claims whose INSERT failed, by key and id: their accept fails, so that the request is refused with 503. */
    private final Map<String, Exception> failedClaims = new ConcurrentHashMap<>();
    private final Thread writer;
    private volatile boolean closed;
    private long nextPrune; // writer thread only

    PostgresOutcomeHistory(DataSource db, ObjectMapper json, Duration retention) {
        this.db = db;
        this.json = json;
        this.retention = retention;
        this.writer = new Thread(this::writeLoop, "dtc-outcome-history");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public CompletableFuture<Void> record(String id, ObjectNode answer) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new IOException("the outcome history is closed"));
            return done;
        }
        try {
            queue.add(new Pending(id, json.writeValueAsString(answer), done));
        } catch (IOException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    @Override
    public Accepted claim(String key, String hash, String id) {
        try (Connection c = db.getConnection()) {
            // a few rounds at most: a holder released, or a key past retention deleted, between two statements
            for (int round = 1; ; round++) {
                try (PreparedStatement ins = c.prepareStatement("INSERT INTO dtc_idempotency (key, hash, tx_id)"
                        + " VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING")) {
                    ins.setString(1, key);
                    ins.setString(2, hash);
                    ins.setString(3, id);
                    if (ins.executeUpdate() == 1) {
                        return null;
                    }
                }
                Accepted holder = holder(c, key);
                if (holder != null || round == 3) {
                    if (holder == null) {
                        throw new SQLException("Idempotency-Key " + key + " changed hands three times while it was"
                                + " being claimed");
                    }
                    return holder;
                }
            }
        } catch (SQLException e) {
            LOG.warn("could not claim Idempotency-Key {} in the shared store", key, e);
            failedClaims.put(key + '\n' + id, e);
            return null;
        }
    }

    /**
     * The request holding a key, or null if none does now: released meanwhile, or past retention and not yet
     * pruned (then it is deleted here, so that the key can start a new transaction, as with files).
     */
    private Accepted holder(Connection c, String key) throws SQLException {
        try (PreparedStatement sel = c.prepareStatement("SELECT hash, tx_id, recorded_at < now() - ? * interval"
                + " '1 millisecond' FROM dtc_idempotency WHERE key = ?")) {
            sel.setLong(1, retention.toMillis());
            sel.setString(2, key);
            try (ResultSet rs = sel.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                if (!rs.getBoolean(3)) {
                    return new Accepted(rs.getString(1), rs.getString(2));
                }
            }
        }
        try (PreparedStatement old = c.prepareStatement("DELETE FROM dtc_idempotency WHERE key = ? AND"
                + " recorded_at < now() - ? * interval '1 millisecond'")) {
            old.setString(1, key);
            old.setLong(2, retention.toMillis());
            old.executeUpdate();
        }
        return null;
    }

    @Override
    public CompletableFuture<Void> accept(String key, String hash, String id) {
        Exception failed = failedClaims.remove(key + '\n' + id);
        if (failed != null) {
            return CompletableFuture.failedFuture(new IOException("the shared store did not take the key: "
                    + failed.getMessage(), failed));
        }
        return CompletableFuture.completedFuture(null); // the claim's INSERT was committed already
    }

    @Override
    public void release(String key, String id) {
        failedClaims.remove(key + '\n' + id);
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM dtc_idempotency WHERE key = ? AND tx_id = ?")) {
            ps.setString(1, key);
            ps.setString(2, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            // the key stays with a transaction that never started: a retry is told it did not commit, the truth
            LOG.warn("could not give Idempotency-Key {} back in the shared store", key, e);
        }
    }

    /**
     * Reads the table, so any coordinator's outcome is found. A store that cannot be read is an error, not
     * "unknown": unknown would tell the client "presumed rolled back", which may be false.
     */
    @Override
    public ObjectNode answer(String id) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT answer FROM"
                + " dtc_outcome WHERE tx_id = ? AND recorded_at >= now() - ? * interval '1 millisecond'")) {
            ps.setString(1, id);
            ps.setLong(2, retention.toMillis());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                JsonNode answer = json.readTree(rs.getString(1));
                return answer instanceof ObjectNode o ? o : null;
            }
        } catch (SQLException e) {
            throw new UncheckedIOException(new IOException("cannot read the outcome of " + id + " from the shared"
                    + " store: " + e.getMessage(), e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        nextPrune = System.nanoTime();
        while (!closed || !queue.isEmpty()) {
            try {
                if (System.nanoTime() - nextPrune >= 0) {
                    prune();
                    nextPrune = System.nanoTime() + PRUNE_EVERY.toNanos();
                }
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                write(batch);
                for (Pending p : batch) {
                    p.done().complete(null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (SQLException | RuntimeException e) {
                LOG.error("could not write {} outcome record(s) to the shared store", batch.size(), e);
                for (Pending p : batch) {
                    p.done().completeExceptionally(e);
                }
            } finally {
                batch.clear();
            }
        }
    }

    /** One INSERT for the batch, committed (autocommit) before it returns. */
    private void write(List<Pending> batch) throws SQLException {
        // a statement may not change one row twice: of two records of one id in a batch, the later one counts
        Map<String, Pending> last = new LinkedHashMap<>();
        for (Pending p : batch) {
            last.remove(p.id());
            last.put(p.id(), p);
        }
        StringBuilder sql = new StringBuilder("INSERT INTO dtc_outcome (tx_id, node, answer) VALUES ");
        for (int i = 0; i < last.size(); i++) {
            sql.append(i == 0 ? "(?, ?, ?)" : ", (?, ?, ?)");
        }
        sql.append(" ON CONFLICT (tx_id) DO UPDATE SET answer = EXCLUDED.answer, recorded_at = now()");
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            for (Pending p : last.values()) {
                int tilde = p.id().indexOf('~');
                ps.setString(i++, p.id());
                ps.setString(i++, tilde < 0 ? "" : p.id().substring(0, tilde));
                ps.setString(i++, p.answer());
            }
            ps.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }

    /** Deletes outcomes and keys past the retention period. */
    private void prune() {
        try (Connection c = db.getConnection()) {
            int outcomes = deleteOlder(c, "dtc_outcome");
            int keys = deleteOlder(c, "dtc_idempotency");
            if (outcomes + keys > 0) {
                LOG.info("deleted {} outcome(s) and {} Idempotency-Key(s) past the retention period of {}", outcomes,
                        keys, retention);
            }
        } catch (SQLException e) {
            LOG.warn("could not prune old outcomes in the shared store; the next pass tries again", e);
        }
    }

    private int deleteOlder(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE recorded_at < now() - ?"
                + " * interval '1 millisecond'")) {
            ps.setLong(1, retention.toMillis());
            return ps.executeUpdate();
        }
    }

    @Override
    public void close() {
        closed = true; // the writer finishes what is queued, then stops
        try {
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
