package dev.dtc.participant;

import java.sql.SQLException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.XAConnection;
import javax.sql.XADataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small pool of physical XA connections to the service's database: enough to avoid a new connection per call,
 * no more. Borrowing never waits (a busy service opens another connection); at most {@code maxIdle} are kept
 * between calls and the rest are closed when given back. A connection that saw an error the kit cannot place is
 * discarded, never pooled. Connections holding a prepared branch are not in the pool: {@link PreparedBranches}
 * keeps them until phase two.
 */
final class XaConnections implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(XaConnections.class);

    private final XADataSource dataSource;
    private final int maxIdle;
    private final ConcurrentLinkedDeque<XAConnection> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger open = new AtomicInteger();
    private volatile boolean closed;

    XaConnections(XADataSource dataSource, int maxIdle) {
        this.dataSource = dataSource;
        this.maxIdle = maxIdle;
    }

    XAConnection borrow() throws SQLException {
        if (closed) {
            throw new SQLException("the participant is closed");
        }
        XAConnection c = idle.pollFirst();
        if (c != null) {
            return c;
        }
        c = dataSource.getXAConnection();
        open.incrementAndGet();
        return c;
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
