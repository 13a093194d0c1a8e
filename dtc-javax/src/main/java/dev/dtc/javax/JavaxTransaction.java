package dev.dtc.javax;

import static dev.dtc.javax.TransactionExceptions.javax;

import javax.transaction.HeuristicMixedException;
import javax.transaction.HeuristicRollbackException;
import javax.transaction.RollbackException;
import javax.transaction.Synchronization;
import javax.transaction.SystemException;
import javax.transaction.Transaction;
import javax.transaction.xa.XAResource;

/**
 * A dtc transaction seen through {@code javax.transaction}. There is one such object per transaction (see
 * {@link JavaxTransactionManager#current()}), so the identity a javax framework keys its state on is the
 * transaction's; {@code equals} is the underlying transaction's as well.
 */
final class JavaxTransaction implements Transaction {

    private final jakarta.transaction.Transaction tx;
    private final jakarta.transaction.TransactionManager owner;

    JavaxTransaction(jakarta.transaction.Transaction tx, jakarta.transaction.TransactionManager owner) {
        this.tx = tx;
        this.owner = owner;
    }

    /** The jakarta transaction it shows. */
    jakarta.transaction.Transaction jakarta() {
        return tx;
    }

    /** The jakarta transaction manager (so the dtc service) it belongs to. */
    jakarta.transaction.TransactionManager owner() {
        return owner;
    }

    @Override
    public void commit() throws RollbackException, HeuristicMixedException, HeuristicRollbackException,
            SecurityException, IllegalStateException, SystemException {
        try {
            tx.commit();
        } catch (jakarta.transaction.RollbackException e) {
            throw javax(e);
        } catch (jakarta.transaction.HeuristicMixedException e) {
            throw javax(e);
        } catch (jakarta.transaction.HeuristicRollbackException e) {
            throw javax(e);
        } catch (jakarta.transaction.SystemException e) {
            throw javax(e);
        }
    }

    @Override
    public void rollback() throws IllegalStateException, SystemException {
        try {
            tx.rollback();
        } catch (jakarta.transaction.SystemException e) {
            throw javax(e);
        }
    }

    @Override
    public void setRollbackOnly() throws IllegalStateException, SystemException {
        try {
            tx.setRollbackOnly();
        } catch (jakarta.transaction.SystemException e) {
            throw javax(e);
        }
    }

    @Override
    public int getStatus() throws SystemException {
        try {
            return tx.getStatus();
        } catch (jakarta.transaction.SystemException e) {
            throw javax(e);
        }
    }

    @Override
    public boolean enlistResource(XAResource xaRes) throws RollbackException, IllegalStateException, SystemException {
        try {
            return tx.enlistResource(xaRes);
        } catch (jakarta.transaction.RollbackException e) {
            throw javax(e);
        } catch (jakarta.transaction.SystemException e) {
            throw javax(e);
        }
    }

    @Override
    public boolean delistResource(XAResource xaRes, int flag) throws IllegalStateException, SystemException {
        try {
            return tx.delistResource(xaRes, flag);
        } catch (jakarta.transaction.SystemException e) {
            throw javax(e);
        }
    }

    @Override
    public void registerSynchronization(Synchronization sync) throws RollbackException, IllegalStateException,
            SystemException {
        try {
            tx.registerSynchronization(new JakartaSynchronization(sync));
        } catch (jakarta.transaction.RollbackException e) {
            throw javax(e);
        } catch (jakarta.transaction.SystemException e) {
            throw javax(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JavaxTransaction other && other.tx.equals(tx);
    }

    @Override
    public int hashCode() {
        return tx.hashCode();
    }

    @Override
    public String toString() {
        return "javax view of " + tx;
    }
}
