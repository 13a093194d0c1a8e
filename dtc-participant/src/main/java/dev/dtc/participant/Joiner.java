package dev.dtc.participant;

import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.XAConnection;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;

/**
 * Taking part in a transaction by joining it: the service is called with {@code Dtc-Transaction: <id>} by whoever
 * began an open transaction on the coordinator, does its work in its own XA branch of that transaction and
 * enlists with the coordinator, which later prepares and commits (or rolls back) the branch like any other.
 *
 * <ul>
 *   <li>The first call for a transaction takes a connection, XA-starts the branch (the kit's Xid: format
 *       {@code 0x64747070}, the transaction id, this participant's name), enlists with the coordinator
 *       ({@code POST /v1/transactions/{id}/participants}) and then runs the work. The branch stays ACTIVE on that
 *       connection; later calls for the same transaction run on it (serialised by the transaction's lock).</li>
 *   <li>Enlisting comes before the work, so once the work has run the coordinator is bound to ask this participant
 *       at commit; a refused or failed enlistment rolls the (still empty) branch back and throws.</li>
 *   <li>A work that refuses or fails dooms the transaction here: the branch is rolled back at once (its locks and
 *       connection released) and ABORTED is recorded with the reason, which the coordinator's prepare then gets as
 *       an ABORT vote.</li>
 *   <li>{@link #rollbackActive} serves the coordinator's rollback of a branch never prepared (the creator rolled
 *       back, or the open transaction timed out); {@link #sweep} rolls back branches whose transaction the
 *       coordinator no longer knows (it restarted and forgot it) or rolled back without telling.</li>
 * </ul>
 * The caller of {@link #join} and {@link #rollbackActive} holds the transaction's lock.
 */
final class Joiner {

    private final String participant;
    private final URI advertisedUrl; // null: cannot join
    private final XaConnections connections;
    private final OutcomeRecords records;
    private final PreparedBranches prepared;
    private final ActiveBranches active;
    private final TransactionLocks locks;
    private final CoordinatorClient coordinator;
    private final Preparer preparer;
    private final Audit audit;
    private final Duration interval;
    /**
     * Transactions whose work failed here but whose ABORTED record could not be written: later calls must still be
     * refused (a fresh branch would let the prepare commit part of the work). Rare, so never pruned.
     */
    private final Map<String, String> doomed = new ConcurrentHashMap<>();

    Joiner(String participant, URI advertisedUrl, XaConnections connections, OutcomeRecords records,
           PreparedBranches prepared, ActiveBranches active, TransactionLocks locks, CoordinatorClient coordinator,
           Preparer preparer, Audit audit, Duration interval) {
        this.participant = participant;
        this.advertisedUrl = advertisedUrl;
        this.connections = connections;
        this.records = records;
        this.prepared = prepared;
        this.active = active;
        this.locks = locks;
        this.coordinator = coordinator;
        this.preparer = preparer;
        this.audit = audit;
        this.interval = interval;
    }

    <T> T join(String transactionId, JoinedWork<T> work) throws Refusal, SQLException, JoinException {
        ActiveBranches.Branch branch = active.get(transactionId);
        if (branch == null) {
            branch = begin(transactionId);
        } else {
            audit.step(transactionId, "joined call: working in the active branch " + branch.xid());
        }
        try (DtcContext.Scope scope = DtcContext.enter(transactionId)) {
            return work.perform(branch.connection());
        } catch (Refusal r) {
            abort(transactionId, r.reason(), null);
            throw r;
        } catch (SQLException e) {
            abort(transactionId, Preparer.describe(e), null);
            throw e;
        } catch (RuntimeException | Error e) {
            abort(transactionId, "the work failed: " + e, e);
            throw e;
        }
    }

    /** First call of a transaction here: checks it is new here, starts the branch and enlists. */
    private ActiveBranches.Branch begin(String transactionId) throws JoinException {
        refuseIfFinishedHere(transactionId);
        BranchXid xid = BranchXid.of(transactionId, participant);
        XAConnection xc;
        try {
            xc = connections.borrow();
        } catch (SQLException e) {
            throw new JoinException(503, "participant " + participant + " could not join transaction "
                    + transactionId + ": " + e.getMessage(), e);
        }
        XAResource xa;
        Connection c;
        try {
            xa = xc.getXAResource();
            c = xc.getConnection();
            c.setAutoCommit(false);
            xa.start(xid, XAResource.TMNOFLAGS);
            preparer.boundLockWait(xc, c, -1);
        } catch (SQLException | XAException | RuntimeException e) {
            connections.discard(xc);
            throw new JoinException(503, "participant " + participant + " could not start its branch of transaction "
                    + transactionId + " (" + Preparer.describe(e) + "); nothing was done", e);
        }
        CoordinatorClient.EnlistAnswer enlisted = coordinator.enlist(transactionId, participant, advertisedUrl);
        if (!enlisted.ok()) {
            preparer.rollBackQuietly(transactionId, xa, xid);
            release(xc, c);
            audit.warn(transactionId, "could not enlist with the coordinator (" + enlisted.detail()
                    + "): branch rolled back, nothing was done");
            throw enlistRefused(transactionId, enlisted);
        }
        ActiveBranches.Branch branch = new ActiveBranches.Branch(xid, xc, xa, c, Instant.now());
        if (enlisted.status() == 200) {
            // Already enlisted, yet this process has no branch: an earlier call's branch was lost (the service
            // restarted since it joined) or an earlier enlistment's answer was. Going on in a fresh branch could
            // commit this call's work without the earlier calls': the transaction can only roll back here.
            String reason = "participant " + participant + " lost its branch of transaction " + transactionId
                    + " (the service restarted since it joined), so the work of earlier calls is gone";
            preparer.rollBackQuietly(transactionId, xa, xid);
            release(xc, c);
            recordAborted(transactionId, reason);
            audit.warn(transactionId, "already enlisted but no branch here: " + reason + "; will vote ABORT");
            throw new JoinException(409, reason + "; the transaction will roll back");
        }
        active.put(transactionId, branch);
        audit.step(transactionId, "joined: branch " + xid + " started, enlisted with the coordinator as "
                + participant + " -> " + advertisedUrl + " (" + enlisted.detail() + ")");
        return branch;
    }

    private void refuseIfFinishedHere(String transactionId) throws JoinException {
        String failed = doomed.get(transactionId);
        if (failed != null) {
            throw new JoinException(409, "participant " + participant + " cannot join transaction " + transactionId
                    + ": an earlier call failed here (" + failed + "); the transaction will roll back");
        }
        if (prepared.contains(transactionId)) {
            throw new JoinException(409, "participant " + participant + " already prepared its part of transaction "
                    + transactionId + ": it cannot do more work in it");
        }
        Optional<OutcomeRecords.Outcome> recorded;
        try {
            recorded = records.find(transactionId);
        } catch (SQLException e) {
            throw new JoinException(503, "participant " + participant + " could not read its records to join"
                    + " transaction " + transactionId + ": " + e.getMessage(), e);
        }
        if (recorded.isPresent()) {
            OutcomeRecords.Outcome o = recorded.get();
            throw new JoinException(409, "participant " + participant + " cannot join transaction " + transactionId
                    + ": its part there is already " + o.state() + (o.reason() == null ? "" : " (" + o.reason() + ")")
                    + (o.state() == OutcomeRecords.State.ABORTED ? "; the transaction will roll back" : ""));
        }
    }

    private static JoinException enlistRefused(String transactionId, CoordinatorClient.EnlistAnswer a) {
        String prefix = "could not enlist in transaction " + transactionId + ": ";
        switch (a.status()) {
            case 404:
                return new JoinException(409, prefix + "the coordinator does not know it (never begun, or lost in a"
                        + " coordinator restart: presumed rolled back) [" + a.detail() + "]; nothing was done");
            case 409:
                return new JoinException(409, prefix + "the coordinator refused: the transaction is completing or"
                        + " has ended, or this name is enlisted with another URL [" + a.detail() + "]; nothing was"
                        + " done");
            case 0:
            case 503:
                return new JoinException(503, prefix + a.detail() + "; nothing was done, try again");
            default:
                return new JoinException(502, prefix + "the coordinator answered " + a.detail()
                        + "; nothing was done");
        }
    }

    /**
     * The work refused or failed: rolls the branch back now (releasing its locks and connection) and records
     * ABORTED with the reason, so that the coordinator's prepare votes ABORT and later calls are refused.
     */
    private void abort(String transactionId, String reason, Throwable cause) {
        ActiveBranches.Branch branch = active.take(transactionId);
        if (cause != null) {
            audit.warn(transactionId, "the joined work threw", cause);
        }
        if (branch != null) {
            rollBack(transactionId, branch);
        }
        recordAborted(transactionId, reason);
        audit.step(transactionId, "joined work refused or failed: branch rolled back, will vote ABORT: " + reason);
    }

    private void recordAborted(String transactionId, String reason) {
        try {
            records.write(transactionId, OutcomeRecords.State.ABORTED, reason);
        } catch (SQLException e) {
            // a prepare finds no branch and votes ABORT all the same; later calls are refused from memory
            doomed.put(transactionId, reason);
            audit.warn(transactionId, "could not record ABORTED", e);
        }
    }

    /**
     * Rolls back the transaction's active branch, if there is one, and records ROLLED_BACK.
     *
     * @param by who asks, for the audit line and the record: "coordinator" or "recovery"
     * @return false if there was no active branch (the caller goes on with the prepared-branch rules)
     */
    boolean rollbackActive(String transactionId, String by) throws SQLException {
        ActiveBranches.Branch branch = active.take(transactionId);
        if (branch == null) {
            return false;
        }
        rollBack(transactionId, branch);
        records.write(transactionId, OutcomeRecords.State.ROLLED_BACK,
                "rolled back by " + by + " before prepare (a joined branch)");
        audit.step(transactionId, "rolled back the active joined branch (" + by + ")");
        return true;
    }

    /** Ends (TMFAIL) and rolls back an active branch and releases its connection (closed if anything failed). */
    private void rollBack(String transactionId, ActiveBranches.Branch branch) {
        boolean clean = true;
        try {
            branch.resource().end(branch.xid(), XAResource.TMFAIL);
        } catch (XAException | RuntimeException e) {
            clean = false; // the rollback below (or closing the connection) takes care of it
        }
        try {
            branch.resource().rollback(branch.xid());
        } catch (XAException | RuntimeException e) {
            clean = false;
            audit.warn(transactionId, "rolling back the active branch failed (the server drops it with the"
                    + " connection, which is closed now)", e);
        }
        if (clean) {
            release(branch.xaConnection(), branch.connection());
        } else {
            connections.discard(branch.xaConnection());
        }
    }

    private void release(XAConnection xc, Connection c) {
        try {
            c.close();
            connections.giveBack(xc);
        } catch (SQLException | RuntimeException e) {
            connections.discard(xc);
        }
    }

    /**
     * Asks the coordinator about each active branch joined more than a recovery interval ago that no call is using,
     * and rolls back those whose transaction it rolled back or does not know (404: presumed rolled back). A branch
     * whose transaction is in progress, or whose outcome cannot be had now, stays. Never throws.
     */
    void sweep() {
        for (String transactionId : active.transactionIds()) {
            ActiveBranches.Branch branch = active.get(transactionId);
            if (branch == null || locks.busy(transactionId)
                    || Duration.between(branch.joinedAt(), Instant.now()).compareTo(interval) < 0) {
                continue;
            }
            try {
                settle(transactionId);
            } catch (RuntimeException e) {
                audit.warn(transactionId, "sweeping the active branch failed", e);
            }
        }
    }

    private void settle(String transactionId) {
        audit.step(transactionId, "recovery asks the coordinator about the active joined branch");
        CoordinatorClient.Answer answer = coordinator.outcomeOf(transactionId);
        audit.step(transactionId, "recovery: coordinator answered " + answer.detail());
        switch (answer.outcome()) {
            case ROLLED_BACK:
                break;
            case COMMITTED:
                audit.error(transactionId, "recovery: the coordinator says COMMITTED, but this participant's joined"
                        + " branch was never prepared (its vote was not asked); the branch is left active for an"
                        + " operator", null);
                return;
            default:
                audit.step(transactionId, "recovery: the active joined branch stays");
                return;
        }
        try (TransactionLocks.Held lock = locks.lock(transactionId)) {
            if (rollbackActive(transactionId, "recovery")) {
                audit.step(transactionId, "recovery: rolled back the orphaned joined branch");
            }
        } catch (SQLException e) {
            audit.warn(transactionId, "recovery rolled the joined branch back but could not record it", e);
        }
    }

    /** At close: rolls back every active branch and closes its connection (no records: a prepare finds no branch). */
    void closeAll() {
        for (String transactionId : active.transactionIds()) {
            ActiveBranches.Branch branch = active.take(transactionId);
            if (branch != null) {
                rollBack(transactionId, branch);
                audit.step(transactionId, "participant closing: active joined branch rolled back");
            }
        }
    }
}
