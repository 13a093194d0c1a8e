package dev.dtc.differential;

import jakarta.transaction.TransactionManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.UserTransaction;

/** One transaction manager as the scenarios see it: only the jakarta.transaction interfaces. */
interface ManagerUnderTest extends AutoCloseable {

    String name();

    TransactionManager transactionManager();

    UserTransaction userTransaction();

    TransactionSynchronizationRegistry registry();

    /**
     * Leaves the calling thread as a scenario found it: no associated transaction, default
     * timeout. Scenarios that fail half-way must not leak into the next one.
     */
    @Override
    void close();

    /** Rolls back or dissociates whatever the scenario left on this thread. */
    static void resetThread(TransactionManager tm) {
        try {
            if (tm.getTransaction() != null) {
                try {
                    tm.rollback();
                } catch (Exception | Error ignored) {
                    // already completing or completed: dissociating below is what matters
                }
                if (tm.getTransaction() != null) {
                    tm.suspend();
                }
            }
            tm.setTransactionTimeout(0);
        } catch (Exception e) {
            throw new IllegalStateException("could not reset the thread after a scenario", e);
        }
    }
}
