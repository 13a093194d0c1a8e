package dev.dtc.xa;

import io.agroal.api.AgroalDataSourceListener;
import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Agroal reports about a pool, written to the log under the data source's name: leaks and warnings as
 * warnings, evictions as info (an operator wants to see that the pool closed broken connections), the rest at
 * debug. Agroal itself writes nothing; without a listener its warnings would be lost.
 */
final class PoolEventLog implements AgroalDataSourceListener {

    private static final Logger LOG = LoggerFactory.getLogger(PoolEventLog.class);

    private final String name;

    PoolEventLog(String name) {
        this.name = name;
    }

    @Override
    public void onConnectionLeak(Connection connection, Thread thread) {
        // the holder's stack now usually shows where the connection is being kept
        Throwable where = new Throwable("stack of " + thread.getName() + " now");
        where.setStackTrace(thread.getStackTrace());
        LOG.warn("{}: a connection has been held outside a transaction for longer than leakTimeout by thread {}"
                + " (not closed?)", name, thread.getName(), where);
    }

    @Override
    public void onConnectionInvalid(Connection connection) {
        LOG.info("{}: a connection failed validation and was closed", name);
    }

    @Override
    public void onConnectionFlush(Connection connection) {
        LOG.info("{}: a connection that broke (or whose XA call failed) was closed instead of pooled", name);
    }

    @Override
    public void onConnectionCreationFailure(SQLException e) {
        LOG.warn("{}: could not open a connection: {}", name, e.getMessage());
    }

    @Override
    public void onWarning(String message) {
        LOG.warn("{}: {}", name, message);
    }

    @Override
    public void onWarning(Throwable t) {
        LOG.warn("{}: {}", name, t.toString(), t);
    }

    @Override
    public void onInfo(String message) {
        LOG.debug("{}: {}", name, message);
    }
}
