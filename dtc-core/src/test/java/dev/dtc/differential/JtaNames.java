package dev.dtc.differential;

import jakarta.transaction.Status;
import java.util.ArrayList;
import java.util.List;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;

/** Symbolic names for the integers of JTA and XA, so traces read like the specs. */
final class JtaNames {

    private JtaNames() {
    }

    static String status(int status) {
        return switch (status) {
            case Status.STATUS_ACTIVE -> "STATUS_ACTIVE";
            case Status.STATUS_MARKED_ROLLBACK -> "STATUS_MARKED_ROLLBACK";
            case Status.STATUS_PREPARED -> "STATUS_PREPARED";
            case Status.STATUS_COMMITTED -> "STATUS_COMMITTED";
            case Status.STATUS_ROLLEDBACK -> "STATUS_ROLLEDBACK";
            case Status.STATUS_UNKNOWN -> "STATUS_UNKNOWN";
            case Status.STATUS_NO_TRANSACTION -> "STATUS_NO_TRANSACTION";
            case Status.STATUS_PREPARING -> "STATUS_PREPARING";
            case Status.STATUS_COMMITTING -> "STATUS_COMMITTING";
            case Status.STATUS_ROLLING_BACK -> "STATUS_ROLLING_BACK";
            default -> "status " + status;
        };
    }

    /** XAResource flags; combinations are joined with '|'. */
    static String flags(int flags) {
        if (flags == XAResource.TMNOFLAGS) {
            return "TMNOFLAGS";
        }
        List<String> names = new ArrayList<>();
        int left = flags;
        int[] bits = {XAResource.TMJOIN, XAResource.TMRESUME, XAResource.TMSUCCESS, XAResource.TMFAIL,
            XAResource.TMSUSPEND, XAResource.TMSTARTRSCAN, XAResource.TMENDRSCAN, XAResource.TMONEPHASE};
        String[] labels = {"TMJOIN", "TMRESUME", "TMSUCCESS", "TMFAIL",
            "TMSUSPEND", "TMSTARTRSCAN", "TMENDRSCAN", "TMONEPHASE"};
        for (int i = 0; i < bits.length; i++) {
            if ((left & bits[i]) != 0) {
                names.add(labels[i]);
                left &= ~bits[i];
            }
        }
        if (left != 0) {
            names.add("0x" + Integer.toHexString(left));
        }
        return String.join("|", names);
    }

    /** XAException error codes and prepare votes (XA_OK, XA_RDONLY share the space). */
    static String xaCode(int code) {
        return switch (code) {
            case XAResource.XA_OK -> "XA_OK";
            case XAException.XA_RDONLY -> "XA_RDONLY";
            case XAException.XA_RETRY -> "XA_RETRY";
            case XAException.XA_HEURMIX -> "XA_HEURMIX";
            case XAException.XA_HEURRB -> "XA_HEURRB";
            case XAException.XA_HEURCOM -> "XA_HEURCOM";
            case XAException.XA_HEURHAZ -> "XA_HEURHAZ";
            case XAException.XA_NOMIGRATE -> "XA_NOMIGRATE";
            case XAException.XA_RBROLLBACK -> "XA_RBROLLBACK";
            case XAException.XA_RBCOMMFAIL -> "XA_RBCOMMFAIL";
            case XAException.XA_RBDEADLOCK -> "XA_RBDEADLOCK";
            case XAException.XA_RBINTEGRITY -> "XA_RBINTEGRITY";
            case XAException.XA_RBOTHER -> "XA_RBOTHER";
            case XAException.XA_RBPROTO -> "XA_RBPROTO";
            case XAException.XA_RBTIMEOUT -> "XA_RBTIMEOUT";
            case XAException.XA_RBTRANSIENT -> "XA_RBTRANSIENT";
            case XAException.XAER_ASYNC -> "XAER_ASYNC";
            case XAException.XAER_RMERR -> "XAER_RMERR";
            case XAException.XAER_NOTA -> "XAER_NOTA";
            case XAException.XAER_INVAL -> "XAER_INVAL";
            case XAException.XAER_PROTO -> "XAER_PROTO";
            case XAException.XAER_RMFAIL -> "XAER_RMFAIL";
            case XAException.XAER_DUPID -> "XAER_DUPID";
            case XAException.XAER_OUTSIDE -> "XAER_OUTSIDE";
            default -> "xa code " + code;
        };
    }

    /**
     * The name of the exception a caller sees, as the standard type it is. Managers may throw
     * their own subclasses (Narayana has several); what the application can catch and rely on
     * is the nearest {@code jakarta.transaction} or {@code java.*} type.
     */
    static String exception(Throwable t) {
        Class<?> c = t.getClass();
        while (c != null && !isStandard(c)) {
            c = c.getSuperclass();
        }
        String name = c == null ? t.getClass().getName() : c.getSimpleName();
        return t instanceof XAException xa ? name + "(" + xaCode(xa.errorCode) + ")" : name;
    }

    private static boolean isStandard(Class<?> c) {
        String n = c.getName();
        return n.startsWith("jakarta.transaction.") || n.startsWith("java.") || n.startsWith("javax.transaction.");
    }
}
