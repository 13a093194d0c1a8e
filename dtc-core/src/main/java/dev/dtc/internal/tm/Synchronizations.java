package dev.dtc.internal.tm;

import jakarta.transaction.Synchronization;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The synchronizations of one transaction and the order rules of Jakarta Transactions: normal ones' {@code
 * beforeCompletion} first, then the interposed ones'; {@code afterCompletion} the other way round. Not
 * thread-safe: its {@link DtcTransaction} calls it under its lock.
 */
final class Synchronizations {
    private static final Logger LOG = LoggerFactory.getLogger(Synchronizations.class);

    private final String txId;
    private final List<Synchronization> normal = new ArrayList<>(); // no array until the first one: most have none
    private final List<Synchronization> interposed = new ArrayList<>();
    /** The interposed beforeCompletion calls have begun: a normal synchronization could no longer be called. */
    private boolean interposedPhase;

    Synchronizations(String txId) {
        this.txId = txId;
    }

    /**
     * @throws IllegalStateException for a normal synchronization once the interposed ones' beforeCompletion calls
     *                               have begun: its own beforeCompletion would never run (an ORM session joined
     *                               that way would never flush, and the commit would go ahead without its work)
     */
    void add(Synchronization sync, boolean isInterposed) {
        if (isInterposed) {
            interposed.add(sync);
            return;
        }
        if (interposedPhase) {
            throw new IllegalStateException("transaction " + txId + " is calling its interposed synchronizations'"
                    + " beforeCompletion: a normal synchronization registered now would never be called before"
                    + " completion (Jakarta Transactions calls every normal one first); register it earlier, or as"
                    + " an interposed synchronization");
        }
        normal.add(sync);
    }

    /**
     * Calls beforeCompletion on each synchronization in order while {@code active} holds; one may register others
     * meanwhile, so the lists are walked by index. A synchronization that throws is reported to {@code failed},
     * which marks the transaction rollback-only (and so ends the walk).
     */
    void beforeCompletion(BooleanSupplier active, Consumer<Throwable> failed) {
        for (int i = 0; i < normal.size() && active.getAsBoolean(); i++) {
            callBefore(normal.get(i), failed);
        }
        interposedPhase = true;
        for (int i = 0; i < interposed.size() && active.getAsBoolean(); i++) {
            callBefore(interposed.get(i), failed);
        }
    }

    private void callBefore(Synchronization s, Consumer<Throwable> failed) {
        try {
            s.beforeCompletion();
        } catch (RuntimeException | Error e) {
            LOG.warn("beforeCompletion of {} in transaction {} threw; rolling back", s, txId, e);
            failed.accept(e);
        }
    }

    /** Interposed synchronizations' afterCompletion comes before the normal ones'. */
    void afterCompletion(int status) {
        for (Synchronization s : interposed) {
            callAfter(s, status);
        }
        for (Synchronization s : normal) {
            callAfter(s, status);
        }
    }

    private void callAfter(Synchronization s, int status) {
        try {
            s.afterCompletion(status);
        } catch (RuntimeException | Error e) {
            LOG.warn("afterCompletion of {} in transaction {} threw; ignored", s, txId, e);
        }
    }
}
