package dev.dtc.bench;

import java.util.concurrent.atomic.LongAdder;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * An XA resource that does no work: it votes {@link #XA_OK} on prepare and returns at once, so
 * what is measured is the coordinator alone — its bookkeeping and its forced decision write.
 *
 * <p>Each instance claims to belong to the resource manager it is named after; the harness
 * enlists one of "rm-a" and one of "rm-b" per transaction, so neither coordinator may join them
 * into one branch or shortcut to one-phase commit. {@link CallCounts} records what the
 * coordinator actually sent, so a run can prove that two-phase commit happened.
 */
public final class NoOpXAResource implements XAResource {

    private final String resourceManager;
    private final CallCounts counts;

    public NoOpXAResource(String resourceManager, CallCounts counts) {
        this.resourceManager = resourceManager;
        this.counts = counts;
    }

    @Override
    public void start(Xid xid, int flags) {
    }

    @Override
    public void end(Xid xid, int flags) {
    }

    @Override
    public int prepare(Xid xid) {
        counts.prepares.increment();
        return XA_OK;
    }

    @Override
    public void commit(Xid xid, boolean onePhase) {
        (onePhase ? counts.onePhaseCommits : counts.twoPhaseCommits).increment();
    }

    @Override
    public void rollback(Xid xid) {
        counts.rollbacks.increment();
    }

    @Override
    public void forget(Xid xid) {
    }

    @Override
    public Xid[] recover(int flag) {
        return new Xid[0];
    }

    @Override
    public boolean isSameRM(XAResource other) throws XAException {
        return other instanceof NoOpXAResource && ((NoOpXAResource) other).resourceManager.equals(resourceManager);
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
        return "NoOpXAResource[" + resourceManager + "]";
    }

    /**
     * What the coordinator sent to all resources of one measurement point. Adders, because a
     * coordinator may call prepare and commit from its own threads, in parallel.
     */
    public static final class CallCounts {
        public final LongAdder prepares = new LongAdder();
        public final LongAdder twoPhaseCommits = new LongAdder();
        public final LongAdder onePhaseCommits = new LongAdder();
        public final LongAdder rollbacks = new LongAdder();

        @Override
        public String toString() {
            return "prepare=" + prepares.sum() + " commit(2PC)=" + twoPhaseCommits.sum()
                    + " commit(1PC)=" + onePhaseCommits.sum() + " rollback=" + rollbacks.sum();
        }
    }
}
