package dev.dtc.log;

import java.io.IOException;
import java.util.List;

/**
 * A {@link DecisionStore} that several coordinators share (a database), each writing its own node's decisions.
 * What it adds to the contract of a store:
 * <ul>
 *   <li><b>A lease per node name.</b> Opening the store of a node takes that node's lease and bumps its
 *       <em>epoch</em>; the store renews the lease while it is open. Every append is conditional on the epoch
 *       still being the one this store took: once another coordinator has taken the node over, appends of this
 *       store fail (they throw {@link LeaseLostException}) and change nothing. A coordinator that was paused or
 *       cut off past its lease therefore cannot write a decision after another one has acted on that node's
 *       transactions.</li>
 *   <li><b>Takeover.</b> {@link #orphans()} names the nodes whose lease expired (their coordinator died or was cut
 *       off) or that were released with decisions still pending; {@link #takeOver(String)} opens such a node's
 *       store under this coordinator, with a new epoch, so that the engine can finish its work exactly as that
 *       node's own recovery would: commit what it decided, roll back what it did not.</li>
 * </ul>
 */
public interface SharedDecisionStore extends DecisionStore {

    /** The node whose decisions this store reads and writes. */
    String nodeName();

    /** The epoch this store holds the node's lease under; every append is conditional on it. */
    long epoch();

    /**
     * How often the lease is renewed: also how often a coordinator should look for {@link #orphans()}, so that a
     * dead node is taken over within about one renewal period of its lease running out.
     */
    java.time.Duration renewEvery();

    /**
     * Runs {@code whenLost} once, on a store thread, when the store learns that its lease is gone (another
     * coordinator took the node over, or the lease could not be renewed before it expired). Appends fail from then
     * on; the coordinator should stop taking new transactions.
     */
    void onLeaseLost(Runnable whenLost);

    /**
     * Node names, other than this store's, whose work waits for a coordinator: their lease expired while held, or
     * they were released with decisions pending.
     *
     * @throws IOException if the store cannot be read
     */
    List<String> orphans() throws IOException;

    /**
     * Takes over a node from {@link #orphans()}: takes its lease with a new epoch (so its old coordinator can no
     * longer append) and opens its store. Closing the returned store releases the lease; it is marked settled when
     * nothing is pending any more.
     *
     * @return the node's store, or null if the node is no longer an orphan (it came back, or another coordinator
     *         took it first)
     * @throws IOException if the store cannot be read or written
     */
    SharedDecisionStore takeOver(String node) throws IOException;

    /** An append refused because the store no longer holds its node's lease under its epoch. */
    final class LeaseLostException extends IOException {
        private static final long serialVersionUID = 1L;

        public LeaseLostException(String message) {
            super(message);
        }
    }
}
