package dev.dtc.differential;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The branch bookkeeping of one X/Open XA resource manager (X/Open XA §2.3, state tables in
 * chapter 6), shared by all {@link RecordingResource}s ("connections") that belong to it, as
 * connections of one database share its transaction table. That sharing is what makes
 * {@code start(TMJOIN)} from a second connection legal when {@code isSameRM} is true.
 *
 * <p>Each check method verifies that a call is legal in the current state and throws what a real
 * RM throws when it is not (XAER_NOTA for an unknown branch, XAER_PROTO for a call out of order,
 * XAER_DUPID for a second start); it returns the state change to apply if the call then
 * succeeds, because a scripted failure must leave the state as a real RM would.
 */
final class SimulatedResourceManager {

    /** Per-connection association with a branch. */
    private enum Association { ACTIVE, SUSPENDED }

    /** Branch states a TM can observe. */
    private enum State { OPEN, PREPARED, HEURISTIC }

    private static final class Branch {
        final Xid xid;
        State state = State.OPEN;
        boolean rollbackOnly;
        final Map<String, Association> associations = new HashMap<>();

        Branch(Xid xid) {
            this.xid = xid;
        }
    }

    private final Map<XidKey, Branch> branches = new HashMap<>();

    synchronized Runnable start(XidKey k, String connection, int flags) throws XAException {
        Branch b = branches.get(k);
        if ((flags & XAResource.TMJOIN) != 0) {
            require(b != null && b.state == State.OPEN && !b.associations.containsKey(connection), b);
        } else if ((flags & XAResource.TMRESUME) != 0) {
            require(b != null && b.associations.get(connection) == Association.SUSPENDED, b);
        } else if (b != null) {
            throw new XAException(XAException.XAER_DUPID);
        }
        return () -> {
            synchronized (this) {
                branches.computeIfAbsent(k, key -> new Branch(key.xid())).associations.put(connection, Association.ACTIVE);
            }
        };
    }

    synchronized Runnable end(XidKey k, String connection, int flags) throws XAException {
        Branch b = branches.get(k);
        Association a = b == null ? null : b.associations.get(connection);
        if ((flags & XAResource.TMSUSPEND) != 0) {
            require(a == Association.ACTIVE, b);
        } else {
            require(a != null, b);
        }
        return () -> {
            synchronized (this) {
                if ((flags & XAResource.TMSUSPEND) != 0) {
                    b.associations.put(connection, Association.SUSPENDED);
                } else {
                    b.associations.remove(connection);
                }
                if ((flags & XAResource.TMFAIL) != 0) {
                    b.rollbackOnly = true;
                }
            }
        };
    }

    /** Returns the change for a successful prepare given its vote. */
    synchronized java.util.function.IntConsumer prepare(XidKey k) throws XAException {
        Branch b = branches.get(k);
        require(b != null && b.state == State.OPEN && b.associations.isEmpty(), b);
        if (b.rollbackOnly) {
            // ended with TMFAIL: the RM rolled its work back and says so
            branches.remove(k);
            throw new XAException(XAException.XA_RBROLLBACK);
        }
        return vote -> {
            synchronized (this) {
                if (vote == XAException.XA_RDONLY) {
                    branches.remove(k);
                } else {
                    b.state = State.PREPARED;
                }
            }
        };
    }

    synchronized Runnable commit(XidKey k, boolean onePhase) throws XAException {
        Branch b = branches.get(k);
        if (onePhase) {
            require(b != null && b.state == State.OPEN && b.associations.isEmpty(), b);
            if (b.rollbackOnly) {
                branches.remove(k);
                throw new XAException(XAException.XA_RBROLLBACK);
            }
        } else {
            require(b != null && b.state == State.PREPARED, b);
        }
        return () -> remove(k);
    }

    synchronized Runnable rollback(XidKey k) throws XAException {
        Branch b = branches.get(k);
        // a rollback implicitly ends associations (XA allows it; real RMs differ), so only
        // an unknown branch and a heuristically completed one are refused
        require(b != null && b.state != State.HEURISTIC, b);
        return () -> remove(k);
    }

    synchronized Runnable forget(XidKey k) throws XAException {
        Branch b = branches.get(k);
        require(b != null && b.state == State.HEURISTIC, b);
        return () -> remove(k);
    }

    /** Prepared and heuristically completed branches, as xa_recover reports them. */
    synchronized List<Xid> inDoubt() {
        List<Xid> out = new ArrayList<>();
        for (Branch b : branches.values()) {
            if (b.state != State.OPEN) {
                out.add(b.xid);
            }
        }
        return out;
    }

    /** What a branch becomes after a call failed with {@code code}, as a real RM leaves it. */
    synchronized void failed(XidKey k, int code) {
        Branch b = branches.get(k);
        if (b == null) {
            return;
        }
        boolean heuristic = code == XAException.XA_HEURCOM || code == XAException.XA_HEURRB
                || code == XAException.XA_HEURMIX || code == XAException.XA_HEURHAZ;
        boolean rolledBack = code >= XAException.XA_RBBASE && code <= XAException.XA_RBEND;
        if (heuristic) {
            b.state = State.HEURISTIC;
            b.associations.clear();
        } else if (rolledBack || code == XAException.XAER_NOTA) {
            branches.remove(k);
        }
        // XAER_RMFAIL, XAER_RMERR, XA_RETRY...: the branch stays as it was, so a retry works
    }

    private synchronized void remove(XidKey k) {
        branches.remove(k);
    }

    private static void require(boolean ok, Branch b) throws XAException {
        if (!ok) {
            throw new XAException(b == null ? XAException.XAER_NOTA : XAException.XAER_PROTO);
        }
    }

    /** An Xid by content: managers may hand the same branch over in different Xid objects. */
    record XidKey(int format, String gtrid, String bqual, Xid xid) {
        XidKey(Xid xid) {
            this(xid.getFormatId(), java.util.HexFormat.of().formatHex(xid.getGlobalTransactionId()),
                    java.util.HexFormat.of().formatHex(xid.getBranchQualifier()), xid);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof XidKey k && k.format == format && k.gtrid.equals(gtrid) && k.bqual.equals(bqual);
        }

        @Override
        public int hashCode() {
            return gtrid.hashCode() * 31 + bqual.hashCode();
        }
    }
}
