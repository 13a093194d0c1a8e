package dev.dtc.internal.tm;

import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

/** The TransactionSynchronizationRegistry of one service, acting on the thread's current transaction. */
public final class DtcSynchronizationRegistry implements TransactionSynchronizationRegistry {
    private final DtcTransactionManager tm;

    public DtcSynchronizationRegistry(DtcTransactionManager tm) {
        this.tm = tm;
    }

    @Override
    public Object getTransactionKey() {
        return tm.current();
    }

    @Override
    public void putResource(Object key, Object value) {
        active("putResource").putResource(key, value);
    }

    @Override
    public Object getResource(Object key) {
        return active("getResource").getResource(key);
    }

    @Override
    public void registerInterposedSynchronization(Synchronization sync) {
        active("registerInterposedSynchronization").registerInterposed(sync);
    }

    @Override
    public int getTransactionStatus() {
        return tm.getStatus();
    }

    @Override
    public void setRollbackOnly() {
        active("setRollbackOnly").setRollbackOnly();
    }

    @Override
    public boolean getRollbackOnly() {
        return active("getRollbackOnly").getStatus() == Status.STATUS_MARKED_ROLLBACK;
    }

    private DtcTransaction active(String what) {
        DtcTransaction tx = tm.current();
        if (tx == null) {
            throw new IllegalStateException(what + ": no transaction is associated with this thread");
        }
        return tx;
    }
}
