package dev.dtc.internal.tm;

import dev.dtc.internal.twopc.Branch;
import dev.dtc.internal.twopc.Vote;
import dev.dtc.internal.xid.DtcXid;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;

/**
 * A branch on an {@link XAResource}: one enlisted in a JTA transaction, or one that recovery reaches through a
 * resource's recovery connection. Besides the phase calls it tracks the association of the resource with the
 * branch ({@code start}/{@code end}), which decides the flags of the next call: X/Open XA forbids, for example,
 * {@code end} on a branch that is not associated.
 */
public final class XaBranch implements Branch {

    /** Where the resource stands with respect to this branch. */
    public enum Association {
        /** start(TMNOFLAGS | TMJOIN | TMRESUME) done: work is going into the branch. */
        ACTIVE,
        /** end(TMSUSPEND) done: may be resumed with start(TMRESUME). */
        SUSPENDED,
        /** end(TMSUCCESS) done: the branch is ready to prepare; may be joined again. */
        ENDED,
        /** end(TMFAIL) done, or start/end failed: the branch can only roll back. */
        FAILED
    }

    private final XAResource resource;
    private final DtcXid xid;
    private final String resourceName;
    private volatile Association association;

    /**
     * @param resourceName the name of the recovery registration the resource belongs to; empty if unknown
     */
    public XaBranch(XAResource resource, DtcXid xid, String resourceName) {
        this.resource = resource;
        this.xid = xid;
        this.resourceName = resourceName;
    }

    public XAResource resource() {
        return resource;
    }

    @Override
    public DtcXid xid() {
        return xid;
    }

    @Override
    public String resourceName() {
        return resourceName;
    }

    /** An unnamed resource's calls are timed by its class: a database's driver does not answer like a cache. */
    @Override
    public String timingKey() {
        return resourceName.isEmpty() ? resource.getClass().getName() : resourceName;
    }

    public Association association() {
        return association;
    }

    /** start(xid, flags) and, when it succeeds, the association it implies. */
    public void start(int flags) throws XAException {
        resource.start(xid, flags);
        association = Association.ACTIVE;
    }

    /** end(xid, flags); the branch is marked failed if the resource says it rolled back. */
    public void end(int flags) throws XAException {
        try {
            resource.end(xid, flags);
        } catch (XAException e) {
            association = Association.FAILED;
            throw e;
        }
        association = switch (flags) {
            case XAResource.TMSUSPEND -> Association.SUSPENDED;
            case XAResource.TMFAIL -> Association.FAILED;
            default -> Association.ENDED;
        };
    }

    @Override
    public Vote prepare() throws XAException {
        return resource.prepare(xid) == XAResource.XA_RDONLY ? Vote.READ_ONLY : Vote.COMMIT;
    }

    @Override
    public void commit(boolean onePhase) throws XAException {
        resource.commit(xid, onePhase);
    }

    @Override
    public void rollback() throws XAException {
        resource.rollback(xid);
    }

    @Override
    public void forget() throws XAException {
        resource.forget(xid);
    }

    @Override
    public String toString() {
        return xid.toString();
    }
}
