package dev.dtc.store.postgresql;

import dev.dtc.log.LogRecord;
import dev.dtc.log.RecordType;
import dev.dtc.log.SharedDecisionStore;
import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's decisions in the shared PostgreSQL store, written under that node's lease.
 *
 * <p><b>Group commit.</b> Appends queue up; one writer thread takes everything queued and writes it with a single
 * statement in its own (auto-committed) database transaction: one round trip and one database commit for every
 * decision that arrived while the previous write was in flight. A forced append returns when the write that carried
 * it has committed; an END need not wait and rides with the next write (or, if no forced append comes, is written
 * after {@value #UNFORCED_DELAY_MILLIS} ms).
 *
 * <p><b>Fencing.</b> The statement locks the node's lease row ({@code FOR SHARE}) and writes only if the row still
 * has this store's epoch and holder. A takeover bumps the epoch with an UPDATE of that row, so the two are ordered
 * by the row lock: either this write committed first and the taker reads it, or the taker's bump committed first
 * and this write changes nothing (and the appender gets {@link LeaseLostException}).
 *
 * <p>An END deletes the transaction's rows instead of adding one, so the table holds only what recovery needs.
 */
final class PostgresDecisionStore implements SharedDecisionStore {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresDecisionStore.class);

    static final long UNFORCED_DELAY_MILLIS = 5;
    /** Bounds one statement's arrays; the rest waits for the next round. */
    private static final int MAX_BATCH = 2048;

    private static final String WRITE = "WITH lease AS (SELECT epoch FROM dtc_node WHERE node = ? AND epoch = ?"
            + " AND holder = ? FOR SHARE),"
            + " ins AS (INSERT INTO dtc_record (node, seq, tx_id, kind, payload, epoch)"
            + " SELECT ?, u.s, u.t, u.k, u.p, ? FROM unnest(?::bigint[], ?::text[], ?::smallint[], ?::bytea[])"
            + " AS u(s, t, k, p) WHERE EXISTS (SELECT 1 FROM lease) RETURNING 1),"
            + " del AS (DELETE FROM dtc_record WHERE node = ? AND tx_id = ANY (?::text[])"
            + " AND EXISTS (SELECT 1 FROM lease) RETURNING 1)"
            + " SELECT (SELECT count(*) FROM lease), (SELECT count(*) FROM ins), (SELECT count(*) FROM del)";

    private final PostgresStore shared;
    private final String node;
    private final String holder;
    private final long epoch;
    private final Map<String, List<LogRecord>> pendingAtOpen;
    private final String description;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition written = lock.newCondition();
    // guarded by lock
    private List<Queued> queue = new ArrayList<>();
    private boolean forcedQueued;
    private long nextSeq;
    private long doneGeneration;
    private long queuedGeneration = 1;
    private boolean closing;
    private int inWrite;
    private IOException failure;
    private Runnable whenLost;
    private boolean lostReported;

    private final Thread writer;
    private final ScheduledExecutorService renewer;
    private Connection writeConnection; // the writer thread's own
    private volatile long lastRenewalNanos = System.nanoTime();
    /** Statements written: against the appends, how well they were grouped. */
    private final java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();

    private record Queued(LogRecord record, long generation) {
    }

    PostgresDecisionStore(PostgresStore shared, String node, String holder, long epoch,
                          Map<String, List<LogRecord>> pendingAtOpen, long lastSeq) {
        this.shared = shared;
        this.node = node;
        this.holder = holder;
        this.epoch = epoch;
        this.pendingAtOpen = pendingAtOpen;
        this.nextSeq = lastSeq + 1;
        this.description = "decisions of node " + node + " (epoch " + epoch + ") in the " + shared.describe();
        this.writer = new Thread(this::writeLoop, "dtc-store-writer " + node);
        writer.setDaemon(true);
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dtc-lease " + node);
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the writer and the lease renewal; separate from the constructor so no thread sees a half-built store. */
    void start() {
        writer.start();
        long every = shared.leaseSettings().renewEvery().toMillis();
        renewer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Stops renewing the lease, as a coordinator that is paused or cut off from the database stops: for tests of
     * expiry and fencing in one JVM (real pauses are tested with SIGSTOP on real processes).
     */
    void stopRenewing() {
        renewer.shutdownNow();
    }

    /** Appends queued or being written now. */
    int unwritten() {
        lock.lock();
        try {
            return queue.size() + inWrite;
        } finally {
            lock.unlock();
        }
    }

    /** Write statements so far. */
    long writes() {
        return writes.get();
    }

    @Override
    public String nodeName() {
        return node;
    }

    @Override
    public java.time.Duration renewEvery() {
        return shared.leaseSettings().renewEvery();
    }

    @Override
    public long epoch() {
        return epoch;
    }

    /** The instance that holds the lease under this store. */
    String holder() {
        return holder;
    }

    @Override
    public Map<String, List<LogRecord>> pendingAtOpen() {
        return pendingAtOpen;
    }

    @Override
    public void appendForced(LogRecord record) throws IOException {
        long generation;
        lock.lock();
        try {
            generation = enqueue(record, true);
            while (doneGeneration < generation && failure == null) {
                written.awaitUninterruptibly();
            }
            if (doneGeneration < generation) {
                throw failed();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void append(LogRecord record) throws IOException {
        lock.lock();
        try {
            enqueue(record, false);
        } finally {
            lock.unlock();
        }
    }

    /** With the lock held. */
    private long enqueue(LogRecord record, boolean forced) throws IOException {
        if (record == null) {
            throw new IllegalArgumentException("record must not be null");
        }
        if (failure != null) {
            throw failed();
        }
        if (closing) {
            throw new IOException(description + " is closed");
        }
        queue.add(new Queued(record, queuedGeneration));
        if (forced) {
            forcedQueued = true;
        }
        if (forced || queue.size() == 1) {
            work.signal();
        }
        return queuedGeneration;
    }

    private IOException failed() {
        IOException e = failure instanceof LeaseLostException
                ? new LeaseLostException(failure.getMessage()) : new IOException(failure.getMessage(), failure);
        return e;
    }

    private void writeLoop() {
        while (true) {
            List<Queued> batch;
            long doneWhenWritten;
            lock.lock();
            try {
                while (queue.isEmpty() && !closing) {
                    work.awaitUninterruptibly();
                }
                if (queue.isEmpty()) {
                    return; // closing with nothing left
                }
                if (!forcedQueued && !closing) {
                    // only ENDs: give a forced append a moment to carry them
                    try {
                        work.await(UNFORCED_DELAY_MILLIS, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (failure != null) {
                    queue.clear();
                    written.signalAll();
                    if (closing) {
                        return;
                    }
                    continue;
                }
                if (queue.size() <= MAX_BATCH) {
                    batch = queue;
                    queue = new ArrayList<>();
                } else {
                    batch = new ArrayList<>(queue.subList(0, MAX_BATCH));
                    queue = new ArrayList<>(queue.subList(MAX_BATCH, queue.size()));
                }
                forcedQueued = !queue.isEmpty() && forcedQueued;
                long last = batch.get(batch.size() - 1).generation();
                // a generation split over two writes is done only with the second
                doneWhenWritten = !queue.isEmpty() && queue.get(0).generation() == last ? last - 1 : last;
                queuedGeneration++; // appends from now on wait for a later write
                inWrite = batch.size();
            } finally {
                lock.unlock();
            }
            IOException error = null;
            try {
                write(batch);
            } catch (IOException e) {
                error = e;
            }
            lock.lock();
            try {
                inWrite = 0;
                if (error != null) {
                    if (failure == null) {
                        failure = error;
                    }
                } else {
                    doneGeneration = Math.max(doneGeneration, doneWhenWritten);
                }
                written.signalAll();
            } finally {
                lock.unlock();
            }
            if (error instanceof LeaseLostException) {
                reportLost(error.getMessage());
            }
        }
    }

    /** One statement: the batch's DECISION and HEURISTIC rows in, the ENDed transactions' rows out. */
    private void write(List<Queued> batch) throws IOException {
        // A transaction decided and ended within one batch needs no row at all.
        Map<String, List<LogRecord>> rows = new LinkedHashMap<>();
        Set<String> ended = new LinkedHashSet<>();
        for (Queued q : batch) {
            LogRecord r = q.record();
            if (r.type() == RecordType.END) {
                rows.remove(r.txId());
                ended.add(r.txId());
            } else {
                rows.computeIfAbsent(r.txId(), k -> new ArrayList<>()).add(r);
            }
        }
        int n = 0;
        for (List<LogRecord> l : rows.values()) {
            n += l.size();
        }
        Long[] seqs = new Long[n];
        String[] txs = new String[n];
        Short[] kinds = new Short[n];
        byte[][] payloads = new byte[n][];
        int i = 0;
        for (Queued q : batch) { // in append order, skipping what was ended in the batch
            LogRecord r = q.record();
            if (r.type() != RecordType.END && rows.containsKey(r.txId())) {
                seqs[i] = nextSeq++;
                txs[i] = r.txId();
                kinds[i] = (short) r.type().code();
                payloads[i] = r.payload();
                i++;
            }
        }
        for (int attempt = 1; ; attempt++) {
            try {
                Connection c = writeConnection();
                try (PreparedStatement ps = c.prepareStatement(WRITE)) {
                    ps.setString(1, node);
                    ps.setLong(2, epoch);
                    ps.setString(3, holder);
                    ps.setString(4, node);
                    ps.setLong(5, epoch);
                    Array a1 = c.createArrayOf("bigint", seqs);
                    Array a2 = c.createArrayOf("text", txs);
                    Array a3 = c.createArrayOf("smallint", kinds);
                    Array a4 = c.createArrayOf("bytea", payloads);
                    ps.setArray(6, a1);
                    ps.setArray(7, a2);
                    ps.setArray(8, a3);
                    ps.setArray(9, a4);
                    ps.setString(10, node);
                    ps.setArray(11, c.createArrayOf("text", ended.toArray(new String[0])));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        writes.incrementAndGet();
                        if (rs.getLong(1) == 0) {
                            throw new LeaseLostException("node " + node + " is no longer held by this coordinator under"
                                    + " epoch " + epoch + " in the " + shared.describe() + ": another coordinator has"
                                    + " taken it over (this one was paused or cut off past its lease); nothing was"
                                    + " written. Restart this coordinator.");
                        }
                    }
                }
                return;
            } catch (SQLException e) {
                closeWriteConnection();
                // A write that failed on a broken connection may or may not have committed: the caller is told
                // so (appendForced's contract); one retry on a fresh connection covers a connection the pool or
                // the server dropped while idle, which is the common case and wrote nothing.
                if (attempt >= 2 || !isConnectionError(e)) {
                    throw new IOException("writing " + n + " decision record(s) to the " + description + " failed: "
                            + e.getMessage(), e);
                }
                LOG.warn("{}: write failed on a broken connection ({}); retrying once on a new one", description,
                        e.getMessage());
            }
        }
    }

    private static boolean isConnectionError(SQLException e) {
        String state = e.getSQLState();
        return state != null && state.startsWith("08");
    }

    private Connection writeConnection() throws SQLException {
        if (writeConnection == null) {
            writeConnection = shared.connection();
        }
        return writeConnection;
    }

    private void closeWriteConnection() {
        if (writeConnection != null) {
            try {
                writeConnection.close();
            } catch (SQLException ignored) {
                // it is broken already
            }
            writeConnection = null;
        }
    }

    private void renew() {
        long ttlMillis = shared.leaseSettings().ttl().toMillis();
        try (Connection c = shared.connection()) {
            if (shared.leaseTable().renew(c, node, epoch, holder, ttlMillis)) {
                lastRenewalNanos = System.nanoTime();
                return;
            }
            lost("node " + node + " was taken over by another coordinator (its epoch is no longer " + epoch + ")");
        } catch (SQLException e) {
            long since = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastRenewalNanos);
            if (since >= ttlMillis) {
                lost("the lease of node " + node + " could not be renewed for " + since + " ms (" + e.getMessage()
                        + "): another coordinator may take it over");
            } else {
                LOG.warn("{}: renewing the lease failed ({}); last renewed {} ms ago, it lasts {} ms", description,
                        e.getMessage(), since, ttlMillis);
            }
        }
    }

    private void lost(String why) {
        lock.lock();
        try {
            if (failure == null) {
                failure = new LeaseLostException(why + "; this coordinator no longer decides for it. Restart it.");
            }
            written.signalAll();
            work.signal();
        } finally {
            lock.unlock();
        }
        reportLost(why);
    }

    private void reportLost(String why) {
        Runnable r;
        lock.lock();
        try {
            if (lostReported) {
                return;
            }
            lostReported = true;
            r = whenLost;
        } finally {
            lock.unlock();
        }
        LOG.error("{}: lease lost: {}", description, why);
        renewer.shutdown();
        if (r != null) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("{}: the lease-lost callback failed", description, e);
            }
        }
    }

    @Override
    public void onLeaseLost(Runnable whenLost) {
        boolean now;
        lock.lock();
        try {
            this.whenLost = whenLost;
            now = lostReported;
        } finally {
            lock.unlock();
        }
        if (now && whenLost != null) {
            whenLost.run();
        }
    }

    @Override
    public List<String> orphans() throws IOException {
        try {
            return shared.leaseTable().orphans(node);
        } catch (SQLException e) {
            throw new IOException("reading the leases in the " + shared.describe() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public SharedDecisionStore takeOver(String deadNode) throws IOException {
        if (deadNode.equals(node)) {
            throw new IllegalArgumentException("a node cannot take itself over");
        }
        return shared.takeOver(deadNode, node);
    }

    @Override
    public String describe() {
        return description;
    }

    /**
     * Writes what is queued, stops renewing and releases the lease (settled when nothing is pending).
     */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (closing) {
                return;
            }
            closing = true;
            work.signal();
        } finally {
            lock.unlock();
        }
        try {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        renewer.shutdownNow();
        closeWriteConnection();
        IOException error;
        lock.lock();
        try {
            error = failure;
        } finally {
            lock.unlock();
        }
        if (error instanceof LeaseLostException) {
            return; // not ours to release
        }
        try {
            shared.leaseTable().release(node, epoch, holder);
        } catch (SQLException e) {
            throw new IOException("releasing the lease of node " + node + " in the " + shared.describe()
                    + " failed: " + e.getMessage() + " (it runs out by itself)", e);
        }
        if (error != null) {
            throw new IOException("closing the " + description + ": an earlier write failed: " + error.getMessage(),
                    error);
        }
    }

    /** Reads a node's pending records; returns the last sequence number used. */
    static long readPending(Connection c, String node, Map<String, List<LogRecord>> into) throws SQLException {
        long last = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, tx_id, kind, payload FROM dtc_record"
                + " WHERE node = ? ORDER BY seq")) {
            ps.setString(1, node);
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    last = rs.getLong(1);
                    String tx = rs.getString(2);
                    RecordType type = RecordType.ofCode((byte) rs.getShort(3));
                    byte[] payload = rs.getBytes(4);
                    LogRecord r = type == RecordType.DECISION ? LogRecord.decision(tx, payload)
                            : LogRecord.heuristic(tx, payload);
                    into.computeIfAbsent(tx, k -> new ArrayList<>()).add(r);
                }
            }
        }
        return last;
    }

    /** An unmodifiable deep copy, for {@link #pendingAtOpen()}. */
    static Map<String, List<LogRecord>> frozen(Map<String, List<LogRecord>> m) {
        Map<String, List<LogRecord>> copy = new LinkedHashMap<>();
        m.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        return Collections.unmodifiableMap(copy);
    }
}
