package dev.dtc.xa;

import dev.dtc.NamedXAResource;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * A real database's XAResource with test hooks around prepare and commit: to make a prepare
 * block past the timeout, or to kill the process right after a real commit. It carries the name
 * the database is registered under for recovery, as dtc's pooled connections do.
 */
final class HookedXAResource implements NamedXAResource {
    final String name;
    final XAResource real;
    volatile Runnable beforePrepare = () -> { };
    volatile Runnable beforeCommit = () -> { };
    volatile Runnable afterCommit = () -> { };

    HookedXAResource(String name, XAResource real) {
        this.name = name;
        this.real = real;
    }

    @Override
    public String resourceName() {
        return name;
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        real.start(xid, flags);
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        real.end(xid, flags);
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        beforePrepare.run();
        return real.prepare(xid);
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        beforeCommit.run();
        real.commit(xid, onePhase);
        afterCommit.run();
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        real.rollback(xid);
    }

    @Override
    public void forget(Xid xid) throws XAException {
        real.forget(xid);
    }

    @Override
    public Xid[] recover(int flag) throws XAException {
        return real.recover(flag);
    }

    @Override
    public boolean isSameRM(XAResource other) throws XAException {
        return other instanceof HookedXAResource h ? real.isSameRM(h.real) : real.isSameRM(other);
    }

    @Override
    public int getTransactionTimeout() throws XAException {
        return real.getTransactionTimeout();
    }

    @Override
    public boolean setTransactionTimeout(int seconds) throws XAException {
        return real.setTransactionTimeout(seconds);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
