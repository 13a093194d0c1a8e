package dev.dtc.engine;

import dev.dtc.NamedXAResource;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The connection a resource was enlisted through, which can break: until then every call goes to the resource;
 * after {@link #breakNow(int)} phase-2 calls fail with the given code, as calls on a connection whose session
 * the server ended do. The resource itself keeps its branches, so recovery, which registers the resource and not
 * this connection, can still finish them.
 */
final class BrokenConnection implements NamedXAResource {
    private final InMemoryResource resource;
    private volatile int failWith;
    volatile int phaseTwoCalls;

    BrokenConnection(InMemoryResource resource) {
        this.resource = resource;
    }

    /** From now on commit, rollback and forget fail with {@code code}. */
    void breakNow(int code) {
        failWith = code;
    }

    private void check() throws XAException {
        phaseTwoCalls++;
        if (failWith != 0) {
            throw new XAException(failWith);
        }
    }

    @Override
    public String resourceName() {
        return resource.resourceName();
    }

    @Override
    public void start(Xid xid, int flags) {
        resource.start(xid, flags);
    }

    @Override
    public void end(Xid xid, int flags) {
        resource.end(xid, flags);
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        return resource.prepare(xid);
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        check();
        resource.commit(xid, onePhase);
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        check();
        resource.rollback(xid);
    }

    @Override
    public void forget(Xid xid) throws XAException {
        check();
        resource.forget(xid);
    }

    @Override
    public Xid[] recover(int flag) throws XAException {
        return resource.recover(flag);
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

    @Override
    public String toString() {
        return "connection to " + resource;
    }
}
