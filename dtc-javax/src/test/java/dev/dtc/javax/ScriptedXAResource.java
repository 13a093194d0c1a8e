package dev.dtc.javax;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * An in-memory XA resource that answers start or commit with a given XA error code: for the outcomes no real
 * database produces on demand (heuristics, a resource that cannot start a branch), to check how the javax
 * adapters report them. Everything else succeeds.
 */
final class ScriptedXAResource implements XAResource {
    private final int startError;
    private final int commitError;

    private ScriptedXAResource(int startError, int commitError) {
        this.startError = startError;
        this.commitError = commitError;
    }

    static ScriptedXAResource failingCommit(int xaErrorCode) {
        return new ScriptedXAResource(0, xaErrorCode);
    }

    static ScriptedXAResource failingStart(int xaErrorCode) {
        return new ScriptedXAResource(xaErrorCode, 0);
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        if (startError != 0) {
            throw new XAException(startError);
        }
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        if (commitError != 0) {
            throw new XAException(commitError);
        }
    }

    @Override
    public void end(Xid xid, int flags) {
    }

    @Override
    public int prepare(Xid xid) {
        return XA_OK;
    }

    @Override
    public void rollback(Xid xid) {
    }

    @Override
    public void forget(Xid xid) {
    }

    @Override
    public Xid[] recover(int flag) {
        return new Xid[0];
    }

    @Override
    public boolean isSameRM(XAResource other) {
        return other == this;
    }

    @Override
    public int getTransactionTimeout() {
        return 0;
    }

    @Override
    public boolean setTransactionTimeout(int seconds) {
        return false;
    }
}
