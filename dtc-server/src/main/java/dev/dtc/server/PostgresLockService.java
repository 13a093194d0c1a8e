package dev.dtc.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leased locks in the shared store ({@code dtc_lock}, one row per lock name), so that a lock held through one
 * coordinator is held for all of them.
 *
 * <p>The row decides everything, on the database's clock: a grant is one statement that takes the row only if it
 * is free or its lease is past {@code now()}, and raises the row's token in the same statement, so the tokens of a
 * lock form one increasing sequence whichever coordinator grants them (the row is kept after release for that).
 * Renew and release are conditional on owner, token and a lease not yet past. A lease that runs out needs no
 * timer: the next grant finds it past.
 *
 * <p>Waiters may be on any coordinator, so they are not told of a release: each coordinator polls for its own
 * waiters, with a backoff from {@value #MIN_POLL_MS} to {@value #MAX_POLL_MS} ms, and at once after a release it
 * made itself. Waiters on one coordinator are served in the order they came (only the first polls); between
 * coordinators there is no order, the poll that comes first after a release wins.
 */
final class PostgresLockService implements LockService {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresLockService.class);
    static final long MIN_POLL_MS = 20;
    static final long MAX_POLL_MS = 200;

    private static final class Waiter {
        final String owner;
        final long ttlMs;
        final CompletableFuture<Grant> answer = new CompletableFuture<>();
        ScheduledFuture<?> timeout;

        Waiter(String owner, long ttlMs) {
            this.owner = owner;
            this.ttlMs = ttlMs;
        }
    }

    /** This coordinator's waiters for one lock. */
    private static final class Waiters {
        final String name;
        final ReentrantLock guard = new ReentrantLock();
        final ArrayDeque<Waiter> queue = new ArrayDeque<>();
        ScheduledFuture<?> poll;
        long backoffMs = MIN_POLL_MS;

        Waiters(String name) {
            this.name = name;
        }
    }

    /** A lock's row as read. */
    private record Row(String owner, long token, Instant expiresAt, boolean held) {
    }

    private final DataSource db;
    private final ScheduledExecutorService timer;
    private final Map<String, Waiters> waiting = new ConcurrentHashMap<>();

    PostgresLockService(DataSource db, ScheduledExecutorService timer) {
        this.db = db;
        this.timer = timer;
    }

    @Override
    public CompletableFuture<Grant> acquire(String name, String owner, long ttlMs, long waitMs) {
        Waiters ws = waiting.computeIfAbsent(name, Waiters::new);
        ws.guard.lock();
        try {
            Row row = null;
            if (ws.queue.isEmpty()) {
                // a lease released between the grant and the read is tried again, a few times
                for (int attempt = 1; row == null || !row.held(); attempt++) {
                    Grant g = tryGrant(name, owner, ttlMs);
                    if (g != null) {
                        return CompletableFuture.completedFuture(g);
                    }
                    row = read(name);
                    if (attempt == 3) {
                        break;
                    }
                }
            }
            if (waitMs == 0) {
                return CompletableFuture.failedFuture(held(name, row != null ? row : read(name), ws.queue.size()));
            }
            Waiter w = new Waiter(owner, ttlMs);
            ws.queue.addLast(w);
            w.timeout = timer.schedule(() -> giveUp(ws, w), waitMs, TimeUnit.MILLISECONDS);
            if (ws.poll == null) {
                ws.backoffMs = MIN_POLL_MS;
                ws.poll = timer.schedule(() -> poll(ws), ws.backoffMs, TimeUnit.MILLISECONDS);
            }
            return w.answer;
        } catch (SQLException e) {
            return CompletableFuture.failedFuture(new IOException("the shared store did not answer for lock '" + name
                    + "': " + e.getMessage(), e));
        } finally {
            ws.guard.unlock();
        }
    }

    @Override
    public Grant renew(String name, String owner, long token, long ttlMs) throws Refused {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("UPDATE dtc_lock SET"
                + " expires_at = now() + ? * interval '1 millisecond' WHERE name = ? AND owner = ? AND token = ? AND"
                + " expires_at > now() RETURNING expires_at")) {
            ps.setLong(1, ttlMs);
            ps.setString(2, name);
            ps.setString(3, owner);
            ps.setLong(4, token);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return new Grant(name, owner, token, rs.getObject(1, OffsetDateTime.class).toInstant());
                }
            }
            throw notHeldBy(name, owner, token, read(c, name), "renew");
        } catch (SQLException e) {
            throw unavailable(name, e);
        }
    }

    @Override
    public void release(String name, String owner, long token) throws Refused {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("UPDATE dtc_lock SET"
                + " owner = NULL, expires_at = NULL WHERE name = ? AND owner = ? AND token = ? AND expires_at > now()")) {
            ps.setString(1, name);
            ps.setString(2, owner);
            ps.setLong(3, token);
            if (ps.executeUpdate() == 0) {
                throw notHeldBy(name, owner, token, read(c, name), "release");
            }
        } catch (SQLException e) {
            throw unavailable(name, e);
        }
        Waiters ws = waiting.get(name);
        if (ws != null) {
            pollNow(ws); // this coordinator's next waiter need not wait for its poll
        }
    }

    @Override
    public View view(String name) {
        Waiters ws = waiting.get(name);
        int waiters = 0;
        if (ws != null) {
            ws.guard.lock();
            try {
                waiters = ws.queue.size();
            } finally {
                ws.guard.unlock();
            }
        }
        try {
            Row r = read(name);
            return r == null || !r.held() ? new View(name, null, 0, null, waiters)
                    : new View(name, r.owner(), r.token(), r.expiresAt(), waiters);
        } catch (SQLException e) {
            throw unavailable(name, e);
        }
    }

    @Override
    public void later(Runnable task, long nanos) {
        timer.schedule(task, nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Takes the lock if it is free or its lease is past, raising its token in the same statement; null if it is
     * held. A lock never granted before is inserted with token 1.
     */
    private Grant tryGrant(String name, String owner, long ttlMs) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO dtc_lock AS l"
                + " (name, owner, token, expires_at) VALUES (?, ?, 1, now() + ? * interval '1 millisecond')"
                + " ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, token = l.token + 1,"
                + " expires_at = EXCLUDED.expires_at WHERE l.owner IS NULL OR l.expires_at <= now()"
                + " RETURNING token, expires_at")) {
            ps.setString(1, name);
            ps.setString(2, owner);
            ps.setLong(3, ttlMs);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Grant(name, owner, rs.getLong(1),
                        rs.getObject(2, OffsetDateTime.class).toInstant()) : null;
            }
        }
    }

    /** On the timer: the first waiter tries for the lock; the next poll comes later the longer the lock is held. */
    private void poll(Waiters ws) {
        List<Runnable> after = new ArrayList<>();
        ws.guard.lock();
        try {
            ws.poll = null;
            Waiter w;
            while ((w = ws.queue.peekFirst()) != null && w.answer.isDone()) {
                ws.queue.pollFirst();
            }
            if (w == null) {
                return;
            }
            Grant g;
            try {
                g = tryGrant(ws.name, w.owner, w.ttlMs);
            } catch (SQLException e) {
                LOG.warn("lock {}: the shared store did not answer a waiter's poll ({}); trying again", ws.name,
                        e.getMessage());
                g = null;
            }
            if (g != null) {
                ws.queue.pollFirst();
                w.timeout.cancel(false);
                Waiter granted = w;
                Grant grant = g;
                after.add(() -> granted.answer.complete(grant)); // outside the guard: it writes the answer
                ws.backoffMs = MIN_POLL_MS;
            } else {
                ws.backoffMs = Math.min(MAX_POLL_MS, ws.backoffMs * 2);
            }
            if (!ws.queue.isEmpty()) {
                ws.poll = timer.schedule(() -> poll(ws), ws.backoffMs, TimeUnit.MILLISECONDS);
            }
        } finally {
            ws.guard.unlock();
            after.forEach(Runnable::run);
        }
    }

    private void pollNow(Waiters ws) {
        ws.guard.lock();
        try {
            if (ws.queue.isEmpty()) {
                return;
            }
            if (ws.poll != null) {
                ws.poll.cancel(false);
            }
            ws.backoffMs = MIN_POLL_MS;
            ws.poll = timer.schedule(() -> poll(ws), 0, TimeUnit.MILLISECONDS);
        } finally {
            ws.guard.unlock();
        }
    }

    private void giveUp(Waiters ws, Waiter w) {
        int left;
        ws.guard.lock();
        try {
            if (!ws.queue.remove(w)) {
                return; // granted meanwhile
            }
            left = ws.queue.size();
        } finally {
            ws.guard.unlock();
        }
        Refused r;
        try {
            Row row = read(ws.name);
            r = row == null || !row.held() ? new Refused("lock '" + ws.name + "' was not free within the wait", null,
                    null) : held(ws.name, row, left);
        } catch (SQLException e) {
            r = new Refused("lock '" + ws.name + "' was not granted within the wait", null, null);
        }
        w.answer.completeExceptionally(r);
    }

    private Row read(String name) throws SQLException {
        try (Connection c = db.getConnection()) {
            return read(c, name);
        }
    }

    private static Row read(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT owner, token, expires_at, owner IS NOT NULL AND"
                + " expires_at > now() FROM dtc_lock WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                OffsetDateTime e = rs.getObject(3, OffsetDateTime.class);
                return new Row(rs.getString(1), rs.getLong(2), e == null ? null : e.toInstant(), rs.getBoolean(4));
            }
        }
    }

    private static Refused held(String name, Row r, int waiters) {
        if (r == null || !r.held()) {
            // freed between the grant that failed and this read: the caller did not wait, so it is told to retry
            return new Refused("lock '" + name + "' was released just now; ask again", null, null);
        }
        return new Refused("lock '" + name + "' is held by " + r.owner() + " until " + r.expiresAt()
                + (waiters == 0 ? "" : ", with " + waiters + " waiting here"), r.owner(), r.expiresAt());
    }

    private static Refused notHeldBy(String name, String owner, long token, Row r, String what) {
        if (r == null || !r.held()) {
            return new Refused("lock '" + name + "' is not held (its lease may have expired); acquire it again",
                    null, null);
        }
        return new Refused("cannot " + what + " lock '" + name + "': it is held by " + r.owner() + " with token "
                + r.token() + ", not by " + owner + " with token " + token, r.owner(), r.expiresAt());
    }

    private static UncheckedIOException unavailable(String name, SQLException e) {
        return new UncheckedIOException(new IOException("the shared store did not answer for lock '" + name + "': "
                + e.getMessage(), e));
    }
}
