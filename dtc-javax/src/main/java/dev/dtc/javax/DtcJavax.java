package dev.dtc.javax;

import dev.dtc.ConfigurationException;
import dev.dtc.TransactionService;
import javax.transaction.InvalidTransactionException;
import javax.transaction.Transaction;
import javax.transaction.TransactionManager;
import javax.transaction.TransactionSynchronizationRegistry;
import javax.transaction.UserTransaction;

/**
 * A dtc {@link TransactionService} through the {@code javax.transaction} API (JTA 1.3), for code written before
 * Jakarta EE 9: adapters over the service's jakarta objects, not a second engine. A transaction begun through one
 * API is the current transaction of the other, and XA data sources built for the service (dtc-xa-adapters) enlist
 * in it either way.
 *
 * <pre>{@code
 * DtcJavax jta = DtcJavax.of(service);
 * javax.transaction.UserTransaction ut = jta.userTransaction();
 * }</pre>
 *
 * <p>Adapters are cheap and hold no state of their own: any number of them over one service see the same
 * transactions, and the same javax {@link Transaction} object for each.
 */
public final class DtcJavax {
    private final JavaxTransactionManager tm;
    private final JavaxUserTransaction ut;
    private final JavaxSynchronizationRegistry tsr;

    private DtcJavax(TransactionService service) {
        this.tm = new JavaxTransactionManager(service.transactionManager(), service.synchronizationRegistry(),
                service.nodeName());
        this.ut = new JavaxUserTransaction(tm);
        this.tsr = new JavaxSynchronizationRegistry(service.synchronizationRegistry(), tm);
    }

    /** The javax face of this service. */
    public static DtcJavax of(TransactionService service) {
        if (service == null) {
            throw new ConfigurationException("DtcJavax.of needs a TransactionService, got null");
        }
        return new DtcJavax(service);
    }

    public TransactionManager transactionManager() {
        return tm;
    }

    public UserTransaction userTransaction() {
        return ut;
    }

    public TransactionSynchronizationRegistry synchronizationRegistry() {
        return tsr;
    }

    /**
     * The jakarta transaction behind a javax one obtained from this service's adapters: the object the service's
     * jakarta {@code TransactionManager} knows it by (to {@code resume} it there, for example).
     *
     * @throws InvalidTransactionException for a transaction of another transaction manager (or null)
     */
    public jakarta.transaction.Transaction jakartaTransaction(Transaction transaction) throws InvalidTransactionException {
        return tm.unwrap(transaction);
    }
}
