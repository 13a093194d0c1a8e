package dev.dtc.internal.twopc;

import javax.transaction.xa.XAException;

/**
 * What a failed call to a branch means, read from its X/Open XA error code: the one place where dtc interprets
 * those codes. Every kind of branch reports failures as {@link XAException}s with XA codes (an HTTP participant
 * maps its answers onto them), so every phase engine and recovery classify them here and act on the class.
 *
 * <p>What a class means for the transaction depends on the call and on whether it is a first attempt, a retry or
 * recovery; {@link Answers} holds those tables.
 */
public enum Failure {
    /** XA_RB*: the resource rolled the branch back (and forgot it). */
    ROLLED_BACK,
    /** XAER_NOTA: the resource does not know the Xid (never started, already finished, or held by another session). */
    UNKNOWN_BRANCH,
    /**
     * XAER_RMFAIL, XA_RETRY, or an unchecked exception from the branch's code: the call did not get an answer
     * (the resource is unreachable, its connection broke, or it asked to be asked again). Nothing is known to have
     * changed, so the call may be repeated.
     */
    UNAVAILABLE,
    /** XA_HEURCOM: the resource committed on its own. */
    HEURISTIC_COMMIT,
    /** XA_HEURRB: the resource rolled back on its own. */
    HEURISTIC_ROLLBACK,
    /** XA_HEURMIX: the resource committed part of the branch and rolled back the rest. */
    HEURISTIC_MIXED,
    /** XA_HEURHAZ: the resource cannot tell what became of the branch. */
    HEURISTIC_HAZARD,
    /**
     * XAER_RMERR, XAER_PROTO, XAER_INVAL and every other code: the resource refused or failed the call, and what
     * became of the branch is not known. JDBC drivers use XAER_RMERR loosely: pgjdbc reports a session the server
     * ended, and a prepared transaction the connection's role may not finish, that way, with the branch intact.
     */
    REFUSED;

    /** The class of an error code. */
    public static Failure of(int xaCode) {
        if (xaCode >= XAException.XA_RBBASE && xaCode <= XAException.XA_RBEND) {
            return ROLLED_BACK;
        }
        return switch (xaCode) {
            case XAException.XAER_NOTA -> UNKNOWN_BRANCH;
            case XAException.XAER_RMFAIL, XAException.XA_RETRY -> UNAVAILABLE;
            case XAException.XA_HEURCOM -> HEURISTIC_COMMIT;
            case XAException.XA_HEURRB -> HEURISTIC_ROLLBACK;
            case XAException.XA_HEURMIX -> HEURISTIC_MIXED;
            case XAException.XA_HEURHAZ -> HEURISTIC_HAZARD;
            default -> REFUSED;
        };
    }

    /** The class of what a call threw: an XAException by its code, anything else as {@link #UNAVAILABLE}. */
    public static Failure of(Throwable t) {
        return t instanceof XAException xa ? of(xa.errorCode) : UNAVAILABLE;
    }

    /** One of the four XA_HEUR* codes: the resource decided on its own and remembers it until told to forget. */
    public boolean heuristic() {
        return this == HEURISTIC_COMMIT || this == HEURISTIC_ROLLBACK || this == HEURISTIC_MIXED
                || this == HEURISTIC_HAZARD;
    }

    /** The XA name of an error code, e.g. "XAER_RMFAIL". */
    public static String codeName(int code) {
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

    /** What a call threw, in words for a person: the XA name, the message, and the database's own words. */
    public static String describe(Throwable t) {
        if (t instanceof XAException xa) {
            String m = xa.getMessage();
            String text = codeName(xa.errorCode) + (m == null || m.isEmpty() ? "" : ": " + m);
            // JDBC drivers put the database's own words (the constraint that failed, the trigger's message) in
            // the cause; that is what tells a user why the vote was abort.
            Throwable cause = xa.getCause();
            if (cause != null && cause.getMessage() != null && (m == null || !m.contains(cause.getMessage()))) {
                text += " (" + cause.getMessage().strip() + ")";
            }
            return text;
        }
        return t.toString();
    }
}
