package dev.dtc.javax;

import java.rmi.RemoteException;

/**
 * The checked exceptions of {@code jakarta.transaction} and {@code javax.transaction} mapped into each other: the
 * same class name, the same message, the same cause (and {@code errorCode} for SystemException). The exception that
 * was mapped is kept as a suppressed exception, so its stack trace (where in dtc it was thrown) is not lost.
 *
 * <p>The adapters of this package use {@code javax(...)} on everything dtc throws; {@code jakarta(...)} is the
 * other direction, for code that bridges the other way (a javax exception to be rethrown through a jakarta API).
 */
public final class TransactionExceptions {

    private static final String NESTED = "; nested exception is:";

    private TransactionExceptions() {
    }

    // ---------------------------------------------------------------- jakarta -> javax

    public static javax.transaction.RollbackException javax(jakarta.transaction.RollbackException e) {
        return carry(e, new javax.transaction.RollbackException(e.getMessage()));
    }

    public static javax.transaction.HeuristicMixedException javax(jakarta.transaction.HeuristicMixedException e) {
        return carry(e, new javax.transaction.HeuristicMixedException(e.getMessage()));
    }

    public static javax.transaction.HeuristicRollbackException javax(jakarta.transaction.HeuristicRollbackException e) {
        return carry(e, new javax.transaction.HeuristicRollbackException(e.getMessage()));
    }

    public static javax.transaction.SystemException javax(jakarta.transaction.SystemException e) {
        javax.transaction.SystemException out = new javax.transaction.SystemException(e.getMessage());
        out.errorCode = e.errorCode;
        return carry(e, out);
    }

    public static javax.transaction.NotSupportedException javax(jakarta.transaction.NotSupportedException e) {
        return carry(e, new javax.transaction.NotSupportedException(e.getMessage()));
    }

    public static javax.transaction.InvalidTransactionException javax(jakarta.transaction.InvalidTransactionException e) {
        return remote(e, new javax.transaction.InvalidTransactionException(ownMessage(e)));
    }

    // ---------------------------------------------------------------- javax -> jakarta

    public static jakarta.transaction.RollbackException jakarta(javax.transaction.RollbackException e) {
        return carry(e, new jakarta.transaction.RollbackException(e.getMessage()));
    }

    public static jakarta.transaction.HeuristicMixedException jakarta(javax.transaction.HeuristicMixedException e) {
        return carry(e, new jakarta.transaction.HeuristicMixedException(e.getMessage()));
    }

    public static jakarta.transaction.HeuristicRollbackException jakarta(javax.transaction.HeuristicRollbackException e) {
        return carry(e, new jakarta.transaction.HeuristicRollbackException(e.getMessage()));
    }

    public static jakarta.transaction.SystemException jakarta(javax.transaction.SystemException e) {
        jakarta.transaction.SystemException out = new jakarta.transaction.SystemException(e.getMessage());
        out.errorCode = e.errorCode;
        return carry(e, out);
    }

    public static jakarta.transaction.NotSupportedException jakarta(javax.transaction.NotSupportedException e) {
        return carry(e, new jakarta.transaction.NotSupportedException(e.getMessage()));
    }

    public static jakarta.transaction.InvalidTransactionException jakarta(javax.transaction.InvalidTransactionException e) {
        return remote(e, new jakarta.transaction.InvalidTransactionException(ownMessage(e)));
    }

    // ---------------------------------------------------------------- the common part

    private static <T extends Exception> T carry(Exception from, T to) {
        if (from.getCause() != null) {
            to.initCause(from.getCause());
        }
        to.addSuppressed(from);
        return to;
    }

    /** RemoteException fixes its cause at construction; its cause is the public field {@code detail}. */
    private static <T extends RemoteException> T remote(RemoteException from, T to) {
        to.detail = from.detail;
        to.addSuppressed(from);
        return to;
    }

    /** A RemoteException's message without the "; nested exception is: ..." that getMessage() appends for its cause. */
    private static String ownMessage(RemoteException e) {
        String m = e.getMessage();
        if (e.detail == null || m == null) {
            return m;
        }
        int at = m.lastIndexOf(NESTED);
        return at < 0 ? m : m.substring(0, at);
    }
}
