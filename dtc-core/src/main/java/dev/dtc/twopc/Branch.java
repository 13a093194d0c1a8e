package dev.dtc.twopc;

import dev.dtc.xid.DtcXid;
import javax.transaction.xa.XAException;

/**
 * One participant of a transaction as the phase engines see it. An enlisted XAResource is one
 * kind ({@link XaBranch}); a remote service reached over HTTP will be another. Failures are
 * reported as {@link XAException} with X/Open XA error codes, whatever the transport, so the
 * engines handle every kind of branch the same way.
 */
public interface Branch {

    /** The branch's Xid: its identity in the log and in the resource. */
    DtcXid xid();

    /** Asks the participant to prepare; it votes {@link Vote#COMMIT} or {@link Vote#READ_ONLY}, or throws to abort. */
    Vote prepare() throws XAException;

    /** Commits; {@code onePhase} when this is the only branch and prepare was skipped. */
    void commit(boolean onePhase) throws XAException;

    void rollback() throws XAException;

    /** Lets the participant forget a heuristic outcome it reported. */
    void forget() throws XAException;

    /**
     * {@link #forget()}, for after dtc has recorded the heuristic itself (log and audit): a
     * participant that cannot forget keeps the outcome for its own operator, nothing more.
     */
    default void forgetQuietly() {
        try {
            forget();
        } catch (XAException | RuntimeException ignored) {
            // recorded by dtc already
        }
    }
}
