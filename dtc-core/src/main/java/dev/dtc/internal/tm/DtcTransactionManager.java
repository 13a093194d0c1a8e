package dev.dtc.internal.tm;

import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.HeuristicRollbackException;
import jakarta.transaction.InvalidTransactionException;
import jakarta.transaction.NotSupportedException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.SystemException;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;

/**
 * The JTA TransactionManager of one service: thread association and per-thread timeout. The
 * thread-locals are instance fields, so several services in one JVM never see each other's
 * transactions.
 */
public final class DtcTransactionManager implements TransactionManager {

    private final TmContext ctx;
    private final ThreadLocal<DtcTransaction> current = new ThreadLocal<>();
    private final ThreadLocal<Integer> timeoutSeconds = new ThreadLocal<>();

    public DtcTransactionManager(TmContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void begin() throws NotSupportedException, SystemException {
        if (current.get() != null) {
            throw new NotSupportedException("thread already has transaction " + current.get().id()
                    + ": nested transactions are not supported");
        }
        Integer t = timeoutSeconds.get();
        current.set(new DtcTransaction(ctx.xids().newTransactionId(), t == null ? ctx.defaultTimeoutSeconds() : t, ctx, this));
    }

    @Override
    public void commit() throws RollbackException, HeuristicMixedException, HeuristicRollbackException,
            SecurityException, IllegalStateException, SystemException {
        DtcTransaction tx = required();
        try {
            tx.commit();
        } finally {
            current.remove();
        }
    }

    @Override
    public void rollback() throws IllegalStateException, SecurityException, SystemException {
        DtcTransaction tx = required();
        try {
            tx.rollback();
        } finally {
            current.remove();
        }
    }

    @Override
    public void setRollbackOnly() throws IllegalStateException, SystemException {
        required().setRollbackOnly();
    }

    @Override
    public int getStatus() {
        DtcTransaction tx = current.get();
        return tx == null ? Status.STATUS_NO_TRANSACTION : tx.getStatus();
    }

    @Override
    public Transaction getTransaction() {
        return current.get();
    }

    @Override
    public void setTransactionTimeout(int seconds) throws SystemException {
        if (seconds < 0) {
            throw new SystemException("transaction timeout must be 0 (the default) or positive, was " + seconds);
        }
        if (seconds == 0) {
            timeoutSeconds.remove();
        } else {
            timeoutSeconds.set(seconds);
        }
    }

    @Override
    public Transaction suspend() {
        DtcTransaction tx = current.get();
        current.remove();
        return tx;
    }

    @Override
    public void resume(Transaction tobj) throws InvalidTransactionException, IllegalStateException, SystemException {
        if (tobj == null) {
            // tm.resume(tm.suspend()) on a thread without a transaction is a common idiom: a
            // no-op, as in Narayana
            return;
        }
        if (current.get() != null) {
            throw new IllegalStateException("thread already has transaction " + current.get().id() + ": suspend it first");
        }
        if (!(tobj instanceof DtcTransaction tx) || tx.manager() != this) {
            throw new InvalidTransactionException("transaction " + tobj + " does not belong to this transaction manager");
        }
        if (tx.isDone()) {
            throw new InvalidTransactionException("transaction " + tx.id() + " is already completed");
        }
        current.set(tx);
    }

    /** The current transaction, or null. */
    public DtcTransaction current() {
        return current.get();
    }

    void disassociateIfCurrent(DtcTransaction tx) {
        if (current.get() == tx) {
            current.remove();
        }
    }

    private DtcTransaction required() {
        DtcTransaction tx = current.get();
        if (tx == null) {
            throw new IllegalStateException("no transaction is associated with this thread");
        }
        return tx;
    }
}
