package dev.dtc.internal.recovery;

import dev.dtc.internal.twopc.Branch;
import dev.dtc.internal.xid.DtcXid;
import java.util.List;
import javax.transaction.xa.XAException;

/**
 * How recovery reaches one resource: the in-doubt branches it holds, and a way to finish each. Registered under
 * the resource's name, which is the name every branch enlisted in that resource carries in its commit decision;
 * only a scan of that resource may declare such a branch finished. An XA data source is one kind (the JTA face
 * adapts a {@code Supplier<XAResource>}); a participant service reached over HTTP is another.
 */
public interface RecoverySource {

    /**
     * Opens one recovery pass over the resource (for XA: takes a connection that answers).
     *
     * @throws XAException      if the resource cannot be reached; the pass reports it as not scanned
     * @throws RuntimeException likewise
     */
    Scan open() throws XAException;

    /** One pass over a resource. */
    interface Scan extends AutoCloseable {

        /**
         * The branches the resource holds prepared: all of them, whoever's they are (recovery settles only its
         * own node's).
         *
         * @throws XAException if the resource cannot list them; the pass reports it as not scanned
         */
        List<DtcXid> inDoubt() throws XAException;

        /** The branch {@code xid} in this resource, to commit, roll back or forget it. */
        Branch branch(DtcXid xid);

        /** Ends the pass; the source may keep its connection for the next one. */
        @Override
        default void close() {
        }
    }
}
