package dev.dtc.internal.twopc;

import dev.dtc.internal.xid.DtcXid;
import javax.transaction.xa.XAException;

/**
 * One participant of a transaction as the phase engines and recovery see it: the engine knows branches, never
 * XAResources or HTTP. An enlisted XAResource is one kind (the JTA face's {@code XaBranch}); a remote service
 * reached over HTTP is another. Failures are reported as {@link XAException} with X/Open XA error codes, whatever
 * the transport, and {@link Failure} reads them, so the engines handle every kind of branch the same way.
 */
public interface Branch {

    /** The branch's Xid: its identity in the log and in the resource. */
    DtcXid xid();

    /**
     * The name of the resource the branch lives in: the name its recovery source is registered under, which is
     * how recovery reaches the branch after a crash and who may declare it finished. Empty if the resource did
     * not name itself; such a branch is finished only when acknowledged, or committed through a resource that
     * lists it.
     */
    String resourceName();

    /**
     * What the time of this branch's calls is kept under ({@link CallTimes}): its {@link #resourceName()}, or for a
     * branch of an unnamed resource something else that tells that resource apart from others, such as its class.
     */
    default String timingKey() {
        return resourceName();
    }

    /** Asks the participant to prepare; it votes {@link Vote#COMMIT} or {@link Vote#READ_ONLY}, or throws to abort. */
    Vote prepare() throws XAException;

    /** Commits; {@code onePhase} when this is the only branch and prepare was skipped. */
    void commit(boolean onePhase) throws XAException;

    void rollback() throws XAException;

    /** Lets the participant forget a heuristic outcome it reported. */
    void forget() throws XAException;

    /**
     * {@link #forget()}, for after dtc has recorded the heuristic itself (log and audit): a participant that
     * cannot forget keeps the outcome for its own operator, nothing more.
     */
    default void forgetQuietly() {
        try {
            forget();
        } catch (XAException | RuntimeException ignored) {
            // recorded by dtc already
        }
    }
}
