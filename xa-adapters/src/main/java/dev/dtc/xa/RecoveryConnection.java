package dev.dtc.xa;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The XAResource that recovery scans for one data source: one XAConnection kept open between scans and replaced
 * when it no longer answers. Servers close idle connections (MySQL's {@code wait_timeout} is 8 hours by default),
 * restart, or have sessions killed by an operator; a recovery pass must not fail because the last one left a dead
 * connection behind.
 *
 * <p>Each {@link #get()} checks the connection with {@link Connection#isValid(int)} (one round trip; scans are
 * periodic, so this is cheap) and opens a new one if the check fails. If no connection can be opened, {@code get()}
 * throws, and recovery reports the resource as not scanned.
 *
 * <p>{@link #close()} closes the connection and unregisters the resource from recovery.
 */
public final class RecoveryConnection implements Supplier<XAResource>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RecoveryConnection.class);

    /** Seconds isValid may wait; generous, since a slow answer is still an answer. */
    private static final int VALIDATION_TIMEOUT_SECONDS = 10;

    private final String name;
    private final XADataSource dataSource;
    private final Runnable onClose;
    // a lock, not synchronized: opening a connection blocks on the network (virtual threads would pin)
    private final ReentrantLock lock = new ReentrantLock();
    private XAConnection connection;
    private Connection handle;
    private boolean closed;

    RecoveryConnection(String name, XADataSource dataSource, Runnable onClose) {
        this.name = Objects.requireNonNull(name, "name");
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.onClose = Objects.requireNonNull(onClose, "onClose");
    }

    /** The name it is registered under with recovery. */
    public String name() {
        return name;
    }

    /**
     * The XAResource of a connection that answered just now.
     *
     * @throws IllegalStateException if closed, or if no connection can be opened (the message has the driver's reason)
     */
    @Override
    public XAResource get() {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("recovery connection '" + name + "' is closed");
            }
            if (connection != null && !answers()) {
                LOG.info("recovery connection '{}' no longer answers; opening a new one", name);
                discard();
            }
            if (connection == null) {
                open();
            }
            return connection.getXAResource();
        } catch (SQLException e) {
            discard();
            throw new IllegalStateException("recovery connection '" + name + "' cannot be opened: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private boolean answers() {
        try {
            return !handle.isClosed() && handle.isValid(VALIDATION_TIMEOUT_SECONDS);
        } catch (SQLException e) {
            return false;
        }
    }

    private void open() throws SQLException {
        XAConnection opened = dataSource.getXAConnection();
        try {
            // one logical handle for the connection's life, used only to check that it answers
            handle = opened.getConnection();
        } catch (SQLException e) {
            closeQuietly(opened);
            throw e;
        }
        connection = opened;
    }

    private void discard() {
        if (connection != null) {
            closeQuietly(connection);
        }
        connection = null;
        handle = null;
    }

    private static void closeQuietly(XAConnection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            // it is being thrown away because it is broken; closing it may well fail too
        }
    }

    /** Unregisters from recovery and closes the connection. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            discard();
        } finally {
            lock.unlock();
        }
        onClose.run();
    }

    @Override
    public String toString() {
        return "RecoveryConnection[" + name + "]";
    }
}
