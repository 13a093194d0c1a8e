package dev.dtc.demo.shop;

import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.SystemException;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import javax.sql.DataSource;
import javax.sql.XAConnection;
import javax.sql.XADataSource;

/**
 * TEMPORARY stand-in for xa-adapters' pooled {@code TransactionalDataSource} (being written on branch pool), with
 * the behaviour the demo relies on and no pooling: inside a transaction {@code getConnection()} enlists a new
 * XAConnection's resource, a second call in the same transaction returns a handle on the same branch, and the
 * physical connection is closed after completion; outside a transaction a connection is plain auto-commit.
 * Deleted when {@code XaDataSources.postgres(dtc, ...)} lands.
 */
final class InterimEnlistingDataSource implements DataSource, AutoCloseable {

    private final XADataSource xa;
    private final TransactionManager tm;
    private final Map<Transaction, XAConnection> byTransaction = new ConcurrentHashMap<>();

    InterimEnlistingDataSource(XADataSource xa, TransactionManager tm) {
        this.xa = xa;
        this.tm = tm;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Transaction tx;
        try {
            tx = tm.getTransaction();
            if (tx == null || tx.getStatus() == Status.STATUS_NO_TRANSACTION) {
                return closingWithHandle(xa.getXAConnection());
            }
            XAConnection existing = byTransaction.get(tx);
            if (existing != null) {
                return existing.getConnection();
            }
            XAConnection xc = xa.getXAConnection();
            try {
                tx.enlistResource(xc.getXAResource());
                tx.registerSynchronization(new Synchronization() {
                    @Override
                    public void beforeCompletion() {
                    }

                    @Override
                    public void afterCompletion(int status) {
                        byTransaction.remove(tx);
                        try {
                            xc.close();
                        } catch (SQLException ignored) {
                            // closing a connection that broke
                        }
                    }
                });
            } catch (RollbackException | RuntimeException e) {
                xc.close();
                throw new SQLException("cannot enlist in the transaction: " + e.getMessage(), e);
            }
            byTransaction.put(tx, xc);
            return xc.getConnection();
        } catch (SystemException e) {
            throw new SQLException(e);
        }
    }

    /** A handle whose close() also closes its physical XA connection. */
    private static Connection closingWithHandle(XAConnection xc) throws SQLException {
        Connection handle = xc.getConnection();
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    try {
                        Object result = method.invoke(handle, args);
                        if (method.getName().equals("close")) {
                            xc.close();
                        }
                        return result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the user is configured");
    }

    @Override
    public void close() {
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }
}
