package dev.dtc.internal.tm;

import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where one JTA transaction stands: its phase (finer than the JTA status) and its JTA status, in one atomic word.
 *
 * <p>Why one word: {@code setRollbackOnly()} and {@code getStatus()} must not wait for the transaction's lock
 * (completion holds it through a slow prepare), yet a mark must never be lost or land too late. With phase and
 * status in two fields, a mark could read "active", then completion decide to commit, then the mark write
 * "marked rollback-only" and return normally while the transaction commits (or overwrite its final status).
 * Here a mark is one compare-and-set that only succeeds while completion has not begun, and completion begins
 * with another: exactly one of the two wins.
 *
 * <p>Every other change is made by the thread that holds the transaction's lock, in phase COMPLETING or before
 * it, where marks are the only other writers.
 */
final class TxState {

    enum Phase { ACTIVE, BEFORE_COMPLETION, COMPLETING, DONE }

    private static final Phase[] PHASES = Phase.values();

    /** Phase (high bits) and JTA status (low byte). */
    private final AtomicInteger word = new AtomicInteger(pack(Phase.ACTIVE, Status.STATUS_ACTIVE));

    private static int pack(Phase phase, int status) {
        return phase.ordinal() << 8 | status;
    }

    private static Phase phase(int word) {
        return PHASES[word >>> 8];
    }

    private static int status(int word) {
        return word & 0xFF;
    }

    int status() {
        return status(word.get());
    }

    Phase phase() {
        return phase(word.get());
    }

    /**
     * Marks the transaction rollback-only if it may still be marked. Lock-free.
     *
     * @return false if completion has begun another way (or is over), so the mark came too late; true if the
     *         transaction is (now) marked, or is completing because it was marked
     */
    boolean mark() {
        while (true) {
            int w = word.get();
            Phase p = phase(w);
            int st = status(w);
            if (p == Phase.DONE || p == Phase.COMPLETING) {
                return p == Phase.COMPLETING && st == Status.STATUS_MARKED_ROLLBACK;
            }
            if (st == Status.STATUS_MARKED_ROLLBACK || word.compareAndSet(w, pack(p, Status.STATUS_MARKED_ROLLBACK))) {
                return true;
            }
        }
    }

    /** Commit begins calling beforeCompletion: only from ACTIVE with status ACTIVE (not marked). */
    boolean beginBeforeCompletion() {
        return word.compareAndSet(pack(Phase.ACTIVE, Status.STATUS_ACTIVE),
                pack(Phase.BEFORE_COMPLETION, Status.STATUS_ACTIVE));
    }

    /** Completion decides its way: from now on marks fail. Returns true if the transaction was marked. */
    boolean enterCompleting() {
        while (true) {
            int w = word.get();
            if (word.compareAndSet(w, pack(Phase.COMPLETING, status(w)))) {
                return status(w) == Status.STATUS_MARKED_ROLLBACK;
            }
        }
    }

    /** A status change during completion, by the completing thread (nobody else writes the word then). */
    void completing(int status) {
        word.set(pack(Phase.COMPLETING, status));
    }

    /** Completion is over; the final status stays. Returns false if it was over already. */
    boolean finish() {
        int w = word.get();
        if (phase(w) == Phase.DONE) {
            return false;
        }
        word.set(pack(Phase.DONE, status(w)));
        return true;
    }

    /**
     * Under the transaction's lock, before new work joins it: a marked transaction refuses it with
     * RollbackException, one that is completing or over with IllegalStateException.
     */
    void requireAcceptsWork(String txId, String what) throws RollbackException {
        int w = word.get();
        Phase p = phase(w);
        if (status(w) == Status.STATUS_MARKED_ROLLBACK && p == Phase.ACTIVE) {
            throw new RollbackException("transaction " + txId + " is marked rollback-only");
        }
        if (status(w) != Status.STATUS_ACTIVE || (p != Phase.ACTIVE && p != Phase.BEFORE_COMPLETION)) {
            throw new IllegalStateException("transaction " + txId + " is not active: cannot " + what);
        }
    }
}
