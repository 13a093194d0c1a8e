package dev.dtc.bench;

import jakarta.transaction.Status;
import jakarta.transaction.TransactionManager;

/** What a client thread does after a failed transaction through a transaction manager. */
final class Threads {

    private Threads() {
    }

    /** Leave the thread without a transaction, so the next begin() works. */
    static void clearTransaction(TransactionManager tm) {
        try {
            if (tm.getStatus() != Status.STATUS_NO_TRANSACTION) {
                tm.rollback();
            }
        } catch (Exception | Error ignored) {
            try {
                tm.suspend();
            } catch (Exception | Error alsoIgnored) {
                // nothing more to do: the next begin() will report it
            }
        }
    }
}
