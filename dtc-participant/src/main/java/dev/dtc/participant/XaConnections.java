package dev.dtc.participant;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.XAConnection;
import javax.sql.XADataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small pool of physical XA connections to the service's database: enough to avoid a new connection per call,
 * no more. At most {@code max} are open at once (pooled, in use, or holding a prepared branch until phase two):
 * a database refuses connections past its own limit, and a participant that opened one per concurrent
 * transaction took every slot PostgreSQL had at 64 concurrent transactions. A call that finds them all taken
 * waits up to {@code wait} for one, then fails with a message that says so. At most {@code maxIdle} are kept
 * between calls and the rest are closed when given back. A connection that saw an error the kit cannot place is
 * discarded, never pooled. Connections holding a prepared branch are not in the pool: {@link PreparedBranches}
 * keeps them until phase two.
 */
final class XaConnections implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(XaConnections.class);

    private final XADataSource dataSource;
    private final int maxIdle;
    private final int max;
    private final long waitNanos;
    /** One permit per connection that may still be opened. */
    private final Semaphore openable;
    private final ConcurrentLinkedDeque<XAConnection> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger open = new AtomicInteger();
    private volatile boolean closed;

    XaConnections(XADataSource dataSource, int maxIdle, int max, Duration wait) {
        this.dataSource = dataSource;
        this.maxIdle = maxIdle;
        this.max = max;
        this.waitNanos = wait.toNanos();
        this.openable = new Semaphore(max);
    }

    XAConnection borrow() throws SQLException {
        long deadline = System.nanoTime() + waitNanos;
        while (true) {
            if (closed) {
                throw new SQLException("the participant is closed");
            }
            XAConnection c = idle.pollFirst();
            if (c != null) {
                return c;
            }
            boolean permitted;
            try {
                // short waits: a connection given back to the idle pool keeps its permit, so look there again
                permitted = openable.tryAcquire(Math.min(10_000_000L, Math.max(0, deadline - System.nanoTime())),
                        TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while waiting for a database connection");
            }
            if (permitted) {
                try {
                    c = dataSource.getXAConnection();
                } catch (SQLException | RuntimeException e) {
                    openable.release();
                    throw e;
                }
                open.incrementAndGet();
                return c;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new SQLException("all " + max + " database connections of this participant are in use"
                        + " (prepared branches hold theirs until the coordinator's commit or rollback); waited "
                        + TimeUnit.NANOSECONDS.toMillis(waitNanos) + " ms. Raise maxConnections if the database"
                        + " allows, or send fewer concurrent transactions");
            }
        }
    }

    /** Returns a connection that is outside any branch; it is closed if the pool is full or closed. */
    void giveBack(XAConnection c) {
        if (!closed && idle.size() < maxIdle) {
            idle.addFirst(c);
            if (!closed) {
                return;
            }
            idle.remove(c); // close() ran in between: do not leave it behind
        }
        discard(c);
    }

    /** Closes a connection that must not be used again. */
    void discard(XAConnection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("closing a discarded XA connection failed", e);
        }
        open.decrementAndGet();
        openable.release();
    }

    /** Physical connections open now, pooled or in use: for tests of leaks. */
    int open() {
        return open.get();
    }

    @Override
    public void close() {
        closed = true;
        for (XAConnection c; (c = idle.pollFirst()) != null; ) {
            discard(c);
        }
    }
}
