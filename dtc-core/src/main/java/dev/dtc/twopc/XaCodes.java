package dev.dtc.twopc;

import javax.transaction.xa.XAException;

/** How the phase engines read X/Open XA error codes. */
final class XaCodes {
    private XaCodes() {
    }

    /** XA_RB*: the resource rolled the branch back on its own. */
    static boolean isRollback(int code) {
        return code >= XAException.XA_RBBASE && code <= XAException.XA_RBEND;
    }

    /**
     * Failures worth retrying: the resource manager was unreachable (XAER_RMFAIL, which JDBC
     * drivers also raise for a lost connection) or asked to be retried (XA_RETRY).
     */
    static boolean isTransient(int code) {
        return code == XAException.XAER_RMFAIL || code == XAException.XA_RETRY;
    }

    static boolean isHeuristic(int code) {
        return code == XAException.XA_HEURCOM || code == XAException.XA_HEURRB
                || code == XAException.XA_HEURMIX || code == XAException.XA_HEURHAZ;
    }

    static String name(int code) {
        return switch (code) {
            case XAException.XA_RBROLLBACK -> "XA_RBROLLBACK";
            case XAException.XA_RBCOMMFAIL -> "XA_RBCOMMFAIL";
            case XAException.XA_RBDEADLOCK -> "XA_RBDEADLOCK";
            case XAException.XA_RBINTEGRITY -> "XA_RBINTEGRITY";
            case XAException.XA_RBOTHER -> "XA_RBOTHER";
            case XAException.XA_RBPROTO -> "XA_RBPROTO";
            case XAException.XA_RBTIMEOUT -> "XA_RBTIMEOUT";
            case XAException.XA_RBTRANSIENT -> "XA_RBTRANSIENT";
            case XAException.XA_NOMIGRATE -> "XA_NOMIGRATE";
            case XAException.XA_HEURHAZ -> "XA_HEURHAZ";
            case XAException.XA_HEURCOM -> "XA_HEURCOM";
            case XAException.XA_HEURRB -> "XA_HEURRB";
            case XAException.XA_HEURMIX -> "XA_HEURMIX";
            case XAException.XA_RETRY -> "XA_RETRY";
            case XAException.XA_RDONLY -> "XA_RDONLY";
            case XAException.XAER_ASYNC -> "XAER_ASYNC";
            case XAException.XAER_RMERR -> "XAER_RMERR";
            case XAException.XAER_NOTA -> "XAER_NOTA";
            case XAException.XAER_INVAL -> "XAER_INVAL";
            case XAException.XAER_PROTO -> "XAER_PROTO";
            case XAException.XAER_RMFAIL -> "XAER_RMFAIL";
            case XAException.XAER_DUPID -> "XAER_DUPID";
            case XAException.XAER_OUTSIDE -> "XAER_OUTSIDE";
            default -> "XA code " + code;
        };
    }

    static String describe(Throwable t) {
        if (t instanceof XAException xa) {
            String m = xa.getMessage();
            String text = name(xa.errorCode) + (m == null || m.isEmpty() ? "" : ": " + m);
            // JDBC drivers put the database's own words (the constraint that failed, the
            // trigger's message) in the cause; that is what tells a user why the vote was abort.
            Throwable cause = xa.getCause();
            if (cause != null && cause.getMessage() != null && (m == null || !m.contains(cause.getMessage()))) {
                text += " (" + cause.getMessage().strip() + ")";
            }
            return text;
        }
        return t.toString();
    }
}
