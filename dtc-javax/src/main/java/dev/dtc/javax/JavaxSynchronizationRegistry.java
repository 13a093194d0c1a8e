package dev.dtc.javax;

import javax.transaction.Synchronization;
import javax.transaction.TransactionSynchronizationRegistry;

/**
 * dtc's {@code jakarta.transaction.TransactionSynchronizationRegistry} as the javax one: the same resources, the
 * same interposed synchronizations, on the thread's current transaction. Its transaction key is the transaction's
 * javax view, the object {@code getTransaction()} returns.
 */
final class JavaxSynchronizationRegistry implements TransactionSynchronizationRegistry {
    private final jakarta.transaction.TransactionSynchronizationRegistry tsr;
    private final JavaxTransactionManager tm;

    JavaxSynchronizationRegistry(jakarta.transaction.TransactionSynchronizationRegistry tsr, JavaxTransactionManager tm) {
        this.tsr = tsr;
        this.tm = tm;
    }

    @Override
    public Object getTransactionKey() {
        return tm.current();
    }

    @Override
    public void putResource(Object key, Object value) {
        tsr.putResource(key, value);
    }

    @Override
    public Object getResource(Object key) {
        return tsr.getResource(key);
    }

    @Override
    public void registerInterposedSynchronization(Synchronization sync) {
        tsr.registerInterposedSynchronization(new JakartaSynchronization(sync));
    }

    @Override
    public int getTransactionStatus() {
        return tsr.getTransactionStatus();
    }

    @Override
    public void setRollbackOnly() {
        tsr.setRollbackOnly();
    }

    @Override
    public boolean getRollbackOnly() {
        return tsr.getRollbackOnly();
    }
}
