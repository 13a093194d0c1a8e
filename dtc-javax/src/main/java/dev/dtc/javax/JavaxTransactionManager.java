package dev.dtc.javax;

import static dev.dtc.javax.TransactionExceptions.javax;

import javax.transaction.HeuristicMixedException;
import javax.transaction.HeuristicRollbackException;
import javax.transaction.InvalidTransactionException;
import javax.transaction.NotSupportedException;
import javax.transaction.RollbackException;
import javax.transaction.SystemException;
import javax.transaction.Transaction;
import javax.transaction.TransactionManager;

/**
 * dtc's {@code jakarta.transaction.TransactionManager} as a {@code javax.transaction.TransactionManager}: every
 * call goes to the jakarta one, so thread association, timeouts and completion are the engine's, shared with the
 * jakarta face (a transaction begun here is the jakarta current transaction, and the other way round).
 *
 * <p>{@link #getTransaction()} and {@link #suspend()} return the transaction's one javax view, kept among the
 * transaction's own resources (the synchronization registry's {@code putResource}) under a key of this class, so
 * every adapter over the same service returns the same object for the same transaction. {@link #resume} takes
 * only such a view, of a transaction of this service.
 */
final class JavaxTransactionManager implements TransactionManager {

    /** Where a transaction keeps its javax view (the registry's resources are per transaction). */
    private static final Object VIEW = new Object() {
        @Override
        public String toString() {
            return "dtc-javax transaction view";
        }
    };

    private final jakarta.transaction.TransactionManager tm;
    private final jakarta.transaction.TransactionSynchronizationRegistry tsr;
    private final String node;

    JavaxTransactionManager(jakarta.transaction.TransactionManager tm,
                            jakarta.transaction.TransactionSynchronizationRegistry tsr, String node) {
        this.tm = tm;
        this.tsr = tsr;
        this.node = node;
    }

    /** The javax view of the thread's current transaction, made on first use; null without a transaction. */
    JavaxTransaction current() {
        jakarta.transaction.Transaction tx;
        try {
            tx = tm.getTransaction();
        } catch (jakarta.transaction.SystemException e) {
            throw new IllegalStateException(e.getMessage(), e); // dtc's getTransaction() never throws it
        }
        if (tx == null) {
            return null;
        }
        Object view = tsr.getResource(VIEW);
        if (view instanceof JavaxTransaction v && v.jakarta() == tx) {
            return v;
        }
        JavaxTransaction v = new JavaxTransaction(tx, tm);
        tsr.putResource(VIEW, v);
        return v;
    }

    /**
     * The jakarta transaction behind a javax one from this adapter (or another adapter over the same service).
     *
     * @throws InvalidTransactionException for a transaction of another transaction manager
     */
    jakarta.transaction.Transaction unwrap(Transaction transaction) throws InvalidTransactionException {
        if (transaction instanceof JavaxTransaction v && v.owner() == tm) {
            return v.jakarta();
        }
        throw new InvalidTransactionException("transaction " + transaction + " was not obtained from dtc's javax"
                + " adapter of node '" + node + "' (DtcJavax.of(service).transactionManager().getTransaction() or"
                + " suspend()): a javax.transaction.Transaction of another transaction manager cannot be used here");
    }

    @Override
    public void begin() throws NotSupportedException, SystemException {
        try {
            tm.begin();
        } catch (jakarta.transaction.NotSupportedException e) {
            throw javax(e);
        } catch (jakarta.transaction.SystemException e) {
            throw javax(e);
        }
    }

    @Override
    public void commit() throws RollbackException, HeuristicMixedException, HeuristicRollbackException,
            SecurityException, IllegalStateException, SystemException {
        try {
            tm.commit();
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
    public void rollback() throws IllegalStateException, SecurityException, SystemException {
        try {
            tm.rollback();
        } catch (jakarta.transaction.SystemException e) {
            throw javax(e);
        }
    }

    @Override
    public void setRollbackOnly() throws IllegalStateException, SystemException {
        try {
            tm.setRollbackOnly();
        } catch (jakarta.transaction.SystemException e) {
            throw javax(e);
        }
    }

    @Override
    public int getStatus() throws SystemException {
        try {
            return tm.getStatus();
        } catch (jakarta.transaction.SystemException e) {
            throw javax(e);
        }
    }

    @Override
    public Transaction getTransaction() {
        return current();
    }

    @Override
    public void setTransactionTimeout(int seconds) throws SystemException {
        try {
            tm.setTransactionTimeout(seconds);
        } catch (jakarta.transaction.SystemException e) {
            throw javax(e);
        }
    }

    @Override
    public Transaction suspend() throws SystemException {
        JavaxTransaction view = current();
        try {
            tm.suspend();
        } catch (jakarta.transaction.SystemException e) {
            throw javax(e);
        }
        return view;
    }

    @Override
    public void resume(Transaction transaction) throws InvalidTransactionException, IllegalStateException,
            SystemException {
        jakarta.transaction.Transaction tx = transaction == null ? null : unwrap(transaction);
        try {
            tm.resume(tx);
        } catch (jakarta.transaction.InvalidTransactionException e) {
            throw javax(e);
        } catch (jakarta.transaction.SystemException e) {
            throw javax(e);
        }
    }

    @Override
    public String toString() {
        return "dtc javax TransactionManager of node " + node;
    }
}
