package dev.dtc.participant;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import javax.sql.XAConnection;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;

/**
 * Phase one: runs the service's {@link Work} in an XA branch and prepares it, or answers the vote recorded for an
 * earlier prepare of the same transaction. The caller holds the transaction's lock.
 *
 * <p>Any vote but COMMIT leaves nothing in the database but its record: the branch is rolled back before the
 * answer. Voting ABORT is always safe, so when the kit itself fails (database unreachable, XA error) the vote is
 * ABORT with what failed as the reason.
 */
final class Preparer {

    /** The vote and, for ABORT, why. */
    record Answer(Vote vote, String reason) {
    }

    private final String participant;
    private final Work work;
    private final XaConnections connections;
    private final OutcomeRecords records;
    private final PreparedBranches prepared;
    private final ActiveBranches active;
    private final Audit audit;
    private final FaultHook fault;

    /** Set at start from the database's dialect: see {@link Dialect#preparedBranchOutlivesSession()}. */
    private volatile boolean releaseAfterPrepare;

    void releaseConnectionAfterPrepare(boolean release) {
        this.releaseAfterPrepare = release;
    }

    /** Set at start: bounds the work's lock waits (see {@link #boundLockWait}). */
    private volatile Dialect dialect;
    /** The builder's lockWait in ms, or -1 for none (then only the coordinator's time left bounds it). */
    private final long lockWaitMillis;
    /** MySQL/MariaDB connections whose session holds a bound from an earlier branch (it outlives the branch). */
    private final Set<XAConnection> bounded = Collections.synchronizedSet(Collections.newSetFromMap(
            new WeakHashMap<>()));

    void dialect(Dialect d) {
        this.dialect = d;
    }

    /**
     * Bounds how long the work in the branch just started on {@code c} may wait for a row lock: by the time the
     * coordinator still waits for this prepare ({@code timeLeftMillis}, -1 when it did not say) and by the
     * builder's lockWait, whichever is shorter. Without a bound, a prepare blocked behind a branch that was
     * prepared before a crash (its locks stay until recovery settles it) held its connection until the database's
     * own timeout, long after the coordinator had counted the vote as ABORT; enough of them took every connection
     * of the participant, and phase two of other transactions, which needs one, stalled.
     */
    void boundLockWait(XAConnection xc, Connection c, long timeLeftMillis) throws SQLException {
        Dialect d = dialect;
        if (d == null) {
            return;
        }
        long bound = lockWaitMillis;
        if (timeLeftMillis >= 0) {
            bound = bound < 0 ? timeLeftMillis : Math.min(bound, timeLeftMillis);
        }
        if (bound >= 0) {
            d.boundLockWait(c, bound);
            if (!d.preparedBranchOutlivesSession()) {
                bounded.add(xc);
            }
        } else if (bounded.remove(xc)) {
            d.unboundLockWait(c);
        }
    }

    /** @param work null when the participant only joins transactions: a one-shot prepare then votes ABORT */
    Preparer(String participant, Work work, XaConnections connections, OutcomeRecords records,
             PreparedBranches prepared, ActiveBranches active, Audit audit, FaultHook fault, Duration lockWait) {
        this.lockWaitMillis = lockWait == null ? -1 : lockWait.toMillis();
        this.participant = participant;
        this.work = work;
        this.connections = connections;
        this.records = records;
        this.prepared = prepared;
        this.active = active;
        this.audit = audit;
        this.fault = fault;
    }

    /**
     * @param joined the coordinator says this participant joined the transaction ({@code "joined": true}): its work
     *               was done by {@link Participant#join} calls in a branch that is still active, and is never run
     *               here. A branch that is active is prepared whatever the flag says (running the work in a second
     *               branch of the same Xid could only fail).
     * @param timeLeftMillis how long the coordinator still waits for this answer (header {@code Dtc-Timeout-Ms}),
     *               or -1 when it did not say: the work's lock waits end by then
     */
    Answer prepare(String transactionId, JsonNode payload, boolean joined, long timeLeftMillis) {
        audit.step(transactionId, joined ? "prepare received (joined transaction)" : "prepare received");
        Answer answer;
        try {
            ActiveBranches.Branch branch = active.take(transactionId);
            if (branch != null) {
                audit.step(transactionId, "preparing the branch the joined calls worked in");
                answer = prepareBranch(transactionId, branch.xid(), branch.xaConnection(), branch.resource(),
                        branch.connection());
            } else {
                answer = earlierAnswer(transactionId).orElse(null);
            }
            if (answer == null && joined) {
                answer = recordedVote(transactionId, "no branch: participant " + participant + " has no active"
                        + " branch for this joined transaction (the service restarted, or its branch was rolled back,"
                        + " since it joined), so its work is gone");
            } else if (answer == null && work == null) {
                answer = recordedVote(transactionId, "participant " + participant + " only takes part in"
                        + " transactions it joins (it has no Work for a prepare without \"joined\": true)");
            } else if (answer == null) {
                answer = performAndPrepare(transactionId, payload, timeLeftMillis);
            }
        } catch (SQLException | XAException e) {
            // nothing is prepared (performAndPrepare rolled back what it started); ABORT is always a safe vote
            answer = new Answer(Vote.ABORT, "participant " + participant + " could not prepare: " + describe(e));
            audit.warn(transactionId, "prepare failed", e);
        }
        audit.step(transactionId, "vote " + answer.vote() + (answer.reason() == null ? "" : ": " + answer.reason()));
        return answer;
    }

    /** The vote given before, from memory, the records table or the database's prepared branches. */
    private Optional<Answer> earlierAnswer(String transactionId) throws SQLException, XAException {
        if (prepared.contains(transactionId)) {
            audit.step(transactionId, "already prepared by this process: repeating the vote");
            return Optional.of(new Answer(Vote.COMMIT, null));
        }
        Optional<OutcomeRecords.Outcome> recorded = records.find(transactionId);
        if (recorded.isPresent()) {
            audit.step(transactionId, "already recorded as " + recorded.get().state() + ": repeating the vote");
            return Optional.of(voteFor(recorded.get()));
        }
        // A branch prepared by an earlier run of this service has an invisible row (and on PostgreSQL inserting
        // it again would block until recovery resolves the branch), so ask the database before doing the work.
        XAConnection xc = connections.borrow();
        try {
            boolean preparedBefore = BranchXid.preparedIn(xc.getXAResource(), participant).contains(transactionId);
            connections.giveBack(xc);
            if (preparedBefore) {
                audit.step(transactionId, "prepared in the database by an earlier run: repeating the vote");
                return Optional.of(new Answer(Vote.COMMIT, null));
            }
            return Optional.empty();
        } catch (SQLException | XAException | RuntimeException e) {
            connections.discard(xc);
            throw e;
        }
    }

    private static Answer voteFor(OutcomeRecords.Outcome o) {
        switch (o.state()) {
            case COMMITTED:
                return new Answer(Vote.COMMIT, null);
            case READ_ONLY:
                return new Answer(Vote.READ_ONLY, null);
            case ABORTED:
                return new Answer(Vote.ABORT, o.reason());
            default: // ROLLED_BACK
                return new Answer(Vote.ABORT, o.reason() != null ? o.reason()
                        : "the transaction was already rolled back here before this prepare arrived");
        }
    }

    private Answer performAndPrepare(String transactionId, JsonNode payload, long timeLeftMillis)
            throws SQLException, XAException {
        BranchXid xid = BranchXid.of(transactionId, participant);
        XAConnection xc = connections.borrow();
        XAResource xa;
        Connection c;
        try {
            xa = xc.getXAResource();
            c = xc.getConnection();
            c.setAutoCommit(false);
            xa.start(xid, XAResource.TMNOFLAGS);
        } catch (SQLException | XAException | RuntimeException e) {
            connections.discard(xc);
            throw e;
        }
        boolean branchOpen = true;
        boolean handedOver = false;
        try {
            audit.step(transactionId, "performing the work in branch " + xid);
            String refusal = null;
            boolean changed = false;
            try {
                boundLockWait(xc, c, timeLeftMillis);
                changed = work.perform(transactionId, payload, c);
            } catch (Refusal r) {
                refusal = r.reason();
            } catch (SQLException e) {
                refusal = describe(e);
            } catch (RuntimeException e) {
                audit.warn(transactionId, "the work threw", e);
                refusal = "the work failed: " + e;
            }
            if (refusal != null || !changed) {
                xa.end(xid, refusal != null ? XAResource.TMFAIL : XAResource.TMSUCCESS);
                xa.rollback(xid);
                branchOpen = false;
                c.close();
                connections.giveBack(xc);
                return recordedVote(transactionId, refusal);
            }
            handedOver = true; // prepareBranch ends the branch and releases the connection, whatever happens
            return prepareBranch(transactionId, xid, xc, xa, c);
        } catch (SQLException | XAException | RuntimeException e) {
            if (!handedOver) {
                if (branchOpen) {
                    rollBackQuietly(transactionId, xa, xid);
                }
                connections.discard(xc);
            }
            throw e;
        }
    }

    /**
     * Writes the COMMITTED record inside a started branch whose work is done, ends and XA-prepares it, and keeps
     * it in {@link PreparedBranches} (with its connection where the database needs it). On failure the branch is
     * rolled back, its connection discarded, and the exception thrown: nothing stays prepared.
     */
    private Answer prepareBranch(String transactionId, BranchXid xid, XAConnection xc, XAResource xa, Connection c)
            throws SQLException, XAException {
        boolean branchOpen = true;
        try {
            records.insertCommittedInBranch(c, transactionId);
            xa.end(xid, XAResource.TMSUCCESS);
            int vote = xa.prepare(xid);
            branchOpen = false;
            c.close();
            if (vote == XAResource.XA_RDONLY) { // cannot happen with the row written, but the database decides
                connections.giveBack(xc);
                return recordedVote(transactionId, null);
            }
            if (releaseAfterPrepare) {
                // the branch is the server's now: the connection serves other calls while it waits for phase two
                connections.giveBack(xc);
                prepared.put(transactionId, null);
            } else {
                prepared.put(transactionId, xc);
            }
            audit.step(transactionId, "prepared branch " + xid);
            fault.afterPrepare(transactionId);
            return new Answer(Vote.COMMIT, null);
        } catch (SQLException | XAException | RuntimeException e) {
            if (branchOpen) {
                rollBackQuietly(transactionId, xa, xid);
            }
            connections.discard(xc);
            throw e;
        }
    }

    /** Records ABORT (with a reason) or READ_ONLY for a branch already rolled back, and answers it. */
    private Answer recordedVote(String transactionId, String refusal) {
        OutcomeRecords.State state = refusal != null ? OutcomeRecords.State.ABORTED : OutcomeRecords.State.READ_ONLY;
        try {
            records.write(transactionId, state, refusal);
        } catch (SQLException e) {
            // the vote stands without its record: a repeated prepare would run the work again, in a new branch
            audit.warn(transactionId, "could not record " + state, e);
        }
        return new Answer(refusal != null ? Vote.ABORT : Vote.READ_ONLY, refusal);
    }

    void rollBackQuietly(String transactionId, XAResource xa, BranchXid xid) {
        try {
            xa.end(xid, XAResource.TMFAIL);
        } catch (XAException | RuntimeException e) {
            // already ended, or the session is gone: the rollback below (or the server) takes care of it
        }
        try {
            xa.rollback(xid);
        } catch (XAException | RuntimeException e) {
            audit.warn(transactionId, "rolling back the unprepared branch failed (the server drops it with the"
                    + " connection, which is closed now)", e);
        }
    }

    static String describe(Exception e) {
        if (e instanceof XAException x) {
            return "XA error " + x.errorCode + (x.getMessage() == null ? "" : " (" + x.getMessage() + ")");
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
