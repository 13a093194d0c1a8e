package dev.dtc.participant;

import java.sql.SQLException;
import java.util.Optional;
import javax.sql.XAConnection;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;

/**
 * Phase two: commits or rolls back this participant's branch of a transaction, for the coordinator's call or for
 * recovery, as often as asked. The caller holds the transaction's lock.
 *
 * <p>The rules, so that a repeated or late call has the effect of the first:
 * <ul>
 *   <li>commit of a committed (or read-only) transaction: done. Commit of a transaction the database does not
 *       know: done too, because the coordinator commits only what voted COMMIT, so the branch committed earlier
 *       and was forgotten (what XAER_NOTA means to XA recovery).</li>
 *   <li>rollback of a rolled-back, aborted or read-only transaction: done. Rollback of a transaction never seen:
 *       a ROLLED_BACK record is written (a tombstone), so that a prepare arriving late votes ABORT instead of
 *       doing the work after the coordinator gave up.</li>
 *   <li>commit of what this participant rolled back, or rollback of what it committed: {@link Conflict}, the
 *       record is not changed. Only a coordinator that broke the protocol asks that.</li>
 * </ul>
 */
final class Finisher {

    /** The coordinator asked for the opposite of what this participant recorded. */
    static final class Conflict extends Exception {
        private static final long serialVersionUID = 1L;

        Conflict(String message) {
            super(message, null, false, false);
        }
    }

    private final String participant;
    private final XaConnections connections;
    private final OutcomeRecords records;
    private final PreparedBranches prepared;
    private final Audit audit;
    private final FaultHook fault;

    Finisher(String participant, XaConnections connections, OutcomeRecords records, PreparedBranches prepared,
             Audit audit, FaultHook fault) {
        this.participant = participant;
        this.connections = connections;
        this.records = records;
        this.prepared = prepared;
        this.audit = audit;
        this.fault = fault;
    }

    /** @param by who asks, for the audit line: "coordinator" or "recovery" */
    void commit(String transactionId, String by) throws Conflict, SQLException, XAException {
        audit.step(transactionId, "commit requested by " + by);
        if (finishHeld(transactionId, true)) {
            audit.step(transactionId, "committed");
            fault.afterCommit(transactionId);
            return;
        }
        Optional<OutcomeRecords.Outcome> recorded = records.find(transactionId);
        if (recorded.isPresent()) {
            switch (recorded.get().state()) {
                case COMMITTED:
                case READ_ONLY:
                    audit.step(transactionId, "already " + recorded.get().state() + ": commit acknowledged");
                    return;
                default:
                    throw conflict(transactionId, "commit", recorded.get());
            }
        }
        if (finishFresh(transactionId, true)) {
            audit.step(transactionId, "committed (a branch prepared by an earlier run)");
            fault.afterCommit(transactionId);
        } else {
            audit.step(transactionId, "no such branch: committed earlier and forgotten, commit acknowledged");
        }
    }

    void rollback(String transactionId, String by) throws Conflict, SQLException, XAException {
        audit.step(transactionId, "rollback requested by " + by);
        if (finishHeld(transactionId, false)) {
            records.write(transactionId, OutcomeRecords.State.ROLLED_BACK, "rolled back by " + by + " after prepare");
            audit.step(transactionId, "rolled back");
            return;
        }
        Optional<OutcomeRecords.Outcome> recorded = records.find(transactionId);
        if (recorded.isPresent()) {
            if (recorded.get().state() == OutcomeRecords.State.COMMITTED) {
                throw conflict(transactionId, "rollback", recorded.get());
            }
            audit.step(transactionId, "already " + recorded.get().state() + ": rollback acknowledged");
            return;
        }
        boolean existed = finishFresh(transactionId, false);
        records.write(transactionId, OutcomeRecords.State.ROLLED_BACK, existed
                ? "rolled back by " + by + " after prepare"
                : "rolled back by " + by + " before this participant prepared it");
        audit.step(transactionId, existed ? "rolled back (a branch prepared by an earlier run)"
                : "not prepared here: recorded as rolled back, so a late prepare votes ABORT");
    }

    /**
     * Finishes the branch through the connection that prepared it, if this process holds it. When that connection
     * fails it is closed, which hands the branch to the server (MariaDB lets other sessions finish it only then),
     * and false is returned: the caller goes on as if the branch were not held.
     */
    private boolean finishHeld(String transactionId, boolean commit) {
        PreparedBranches.Held held = prepared.take(transactionId);
        if (held == null || held.connection() == null) {
            return false; // not held, or held without its connection: any connection finishes it
        }
        XAConnection xc = held.connection();
        try {
            boolean finished = finish(xc.getXAResource(), transactionId, commit);
            connections.giveBack(xc);
            if (!finished) {
                audit.warn(transactionId, "the connection that prepared the branch no longer knows it");
            }
            return true;
        } catch (SQLException | XAException | RuntimeException e) {
            audit.warn(transactionId, (commit ? "commit" : "rollback") + " on the preparing connection failed;"
                    + " closing it and trying on a fresh one", e);
            connections.discard(xc);
            return false;
        }
    }

    /** Finishes a branch through a fresh connection; false if the database has no such branch. */
    private boolean finishFresh(String transactionId, boolean commit) throws SQLException, XAException {
        XAConnection xc = connections.borrow();
        try {
            boolean finished = finish(xc.getXAResource(), transactionId, commit);
            connections.giveBack(xc);
            return finished;
        } catch (SQLException | XAException | RuntimeException e) {
            connections.discard(xc);
            throw e;
        }
    }

    /** XA commit or rollback of a prepared branch; false for XAER_NOTA (no such branch). */
    private boolean finish(XAResource xa, String transactionId, boolean commit) throws XAException {
        BranchXid xid = BranchXid.of(transactionId, participant);
        try {
            if (commit) {
                xa.commit(xid, false);
            } else {
                xa.rollback(xid);
            }
            return true;
        } catch (XAException e) {
            if (e.errorCode == XAException.XAER_NOTA) {
                return false;
            }
            if (commit && e.errorCode == XAException.XA_HEURCOM || !commit && e.errorCode == XAException.XA_HEURRB) {
                forgetQuietly(xa, xid, transactionId); // the database did on its own what was asked anyway
                return true;
            }
            if (e.errorCode >= XAException.XA_HEURHAZ && e.errorCode <= XAException.XA_HEURRB) {
                audit.error(transactionId, "HEURISTIC outcome (XA error " + e.errorCode + "): the database decided"
                        + " this branch on its own against the coordinator's " + (commit ? "commit" : "rollback")
                        + "; left for an operator (XA FORGET once reconciled)", e);
            }
            throw e;
        }
    }

    private void forgetQuietly(XAResource xa, BranchXid xid, String transactionId) {
        try {
            xa.forget(xid);
        } catch (XAException | RuntimeException e) {
            audit.warn(transactionId, "forget after a heuristic outcome failed", e);
        }
    }

    private static Conflict conflict(String transactionId, String asked, OutcomeRecords.Outcome recorded) {
        return new Conflict("transaction " + transactionId + " is " + recorded.state() + " here"
                + (recorded.reason() == null ? "" : " (" + recorded.reason() + ")") + "; it cannot be "
                + (asked.equals("commit") ? "committed" : "rolled back") + " now");
    }
}
