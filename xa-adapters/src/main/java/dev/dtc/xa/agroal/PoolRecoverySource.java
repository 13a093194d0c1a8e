package dev.dtc.xa.agroal;

import io.agroal.api.transaction.TransactionIntegration.ResourceRecoveryFactory;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.XAConnection;
import javax.sql.XADataSource;

/**
 * The connections Agroal offers for recovery ({@link ResourceRecoveryFactory}), seen as an XADataSource, so that
 * dev.dtc.xa's {@code RecoveryConnection} can keep one open and reopen it when the server dropped it. They are
 * opened outside the pool, with the pool's URL and credentials. Also the source of the one-call connections that
 * finish a branch after its pooled connection went back ({@link EnlistedConnection}).
 *
 * <p>The factory arrives when the pool starts and leaves when it closes; in between it is always there.
 */
final class PoolRecoverySource implements XADataSource {

    private final String name;
    private volatile ResourceRecoveryFactory factory;

    PoolRecoverySource(String name) {
        this.name = name;
    }

    void attach(ResourceRecoveryFactory f) {
        factory = f;
    }

    void detach(ResourceRecoveryFactory f) {
        if (factory == f) {
            factory = null;
        }
    }

    @Override
    public XAConnection getXAConnection() throws SQLException {
        ResourceRecoveryFactory f = factory;
        if (f == null) {
            throw new SQLException("data source '" + name + "' has no pool (not started yet, or closed)");
        }
        if (!f.isRecoverable()) {
            throw new SQLException("data source '" + name + "' does not use an XADataSource, so it has no XA"
                    + " connections to recover with");
        }
        return f.getRecoveryConnection();
    }

    @Override
    public XAConnection getXAConnection(String user, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("recovery connections of '" + name + "' use the pool's credentials");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // no log writer: Agroal's factory has its own
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // the pool's login timeout applies
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("no java.util.logging logger");
    }

    @Override
    public String toString() {
        return "PoolRecoverySource[" + name + "]";
    }
}
