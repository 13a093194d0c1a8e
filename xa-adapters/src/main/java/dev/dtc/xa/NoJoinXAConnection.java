package dev.dtc.xa;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.ConnectionEventListener;
import javax.sql.StatementEventListener;
import javax.sql.XAConnection;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * An XAConnection whose XAResource is "the same resource manager" only as itself, so a transaction manager never
 * tries {@code start(xid, TMJOIN)} from another connection. Everything else is passed through unchanged.
 *
 * <p>Connection events are fired by the wrapped connection, so their source is that connection, not this one.
 */
final class NoJoinXAConnection implements XAConnection, XAResource {

    private final XAConnection connection;
    private final XAResource resource;

    NoJoinXAConnection(XAConnection connection) throws SQLException {
        this.connection = connection;
        this.resource = connection.getXAResource();
    }

    // ---- XAConnection

    @Override
    public XAResource getXAResource() {
        return this;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return connection.getConnection();
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }

    @Override
    public void addConnectionEventListener(ConnectionEventListener listener) {
        connection.addConnectionEventListener(listener);
    }

    @Override
    public void removeConnectionEventListener(ConnectionEventListener listener) {
        connection.removeConnectionEventListener(listener);
    }

    @Override
    public void addStatementEventListener(StatementEventListener listener) {
        connection.addStatementEventListener(listener);
    }

    @Override
    public void removeStatementEventListener(StatementEventListener listener) {
        connection.removeStatementEventListener(listener);
    }

    // ---- XAResource

    /** The one change: true only for this very resource (the driver says true for any connection to the server). */
    @Override
    public boolean isSameRM(XAResource other) {
        return other == this;
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        resource.start(xid, flags);
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        resource.end(xid, flags);
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        return resource.prepare(xid);
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        resource.commit(xid, onePhase);
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        resource.rollback(xid);
    }

    @Override
    public void forget(Xid xid) throws XAException {
        resource.forget(xid);
    }

    @Override
    public Xid[] recover(int flag) throws XAException {
        return resource.recover(flag);
    }

    @Override
    public int getTransactionTimeout() throws XAException {
        return resource.getTransactionTimeout();
    }

    @Override
    public boolean setTransactionTimeout(int seconds) throws XAException {
        return resource.setTransactionTimeout(seconds);
    }

    @Override
    public String toString() {
        return "NoJoin[" + connection + "]";
    }
}
