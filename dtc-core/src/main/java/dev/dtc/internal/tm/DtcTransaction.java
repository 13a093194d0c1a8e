package dev.dtc.internal.tm;

import dev.dtc.audit.EventType;
import dev.dtc.internal.engine.Timed;
import dev.dtc.internal.tm.TxState.Phase;
import dev.dtc.internal.twopc.Coordinator;
import dev.dtc.internal.twopc.Failure;
import dev.dtc.internal.twopc.Outcome;
import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.HeuristicRollbackException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.SystemException;
import jakarta.transaction.Transaction;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JTA transaction: its status, and the rules of the Jakarta Transactions specification about when each may
 * change. Its branches are kept by {@link Enlistment}, its synchronizations by {@link Synchronizations};
 * completion itself (1PC, 2PC, rollback) is the engine's {@link Coordinator}.
 *
 * <p>Concurrency: one {@link ReentrantLock} per transaction orders enlistment, completion and timeout; it is
 * never a global lock, so transactions never wait for each other. {@code getStatus()} and
 * {@code setRollbackOnly()} do not take it (a slow prepare must not block them): phase and status are one
 * atomic word ({@link TxState}), so a {@code setRollbackOnly()} either lands before completion decides its way
 * (and the transaction rolls back) or fails with IllegalStateException; it can never return normally while the
 * transaction commits, nor overwrite a final status.
 */
public final class DtcTransaction implements Transaction, Timed {
    private static final Logger LOG = LoggerFactory.getLogger(DtcTransaction.class);

    /** What began completion. */
    private enum Ending { COMMIT, ROLLBACK, TIMEOUT }

    private final String txId;
    private final TmContext ctx;
    private final DtcTransactionManager tm;
    private final long deadlineNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Enlistment enlistment;
    private final Synchronizations syncs;
    private final Map<Object, Object> resources = new HashMap<>();
    private final TxState state = new TxState();
    private volatile Ending ending;
    private volatile boolean timedOut;
    private volatile Throwable rollbackCause;
    /** Forcing the decision failed: recovery in this process must leave the branches to the next start. */
    private boolean decisionInDoubt;

    DtcTransaction(String txId, int timeoutSeconds, TmContext ctx, DtcTransactionManager tm) {
        this.txId = txId;
        this.ctx = ctx;
        this.tm = tm;
        this.deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        this.enlistment = new Enlistment(txId, ctx.xids(), ctx.audit());
        this.syncs = new Synchronizations(txId);
        ctx.inFlight().put(txId, this);
        if (ctx.audit().listening(EventType.BEGIN)) {
            ctx.audit().emit(EventType.BEGIN, txId, null, "timeout " + timeoutSeconds + "s");
        }
    }

    /** The transaction id: the global transaction id of its Xids. */
    public String id() {
        return txId;
    }

    @Override
    public int getStatus() {
        return state.status();
    }

    DtcTransactionManager manager() {
        return tm;
    }

    boolean isDone() {
        return state.phase() == Phase.DONE;
    }

    // ---------------------------------------------------------------- completion

    @Override
    public void commit() throws RollbackException, HeuristicMixedException, HeuristicRollbackException,
            SecurityException, IllegalStateException, SystemException {
        lock.lock();
        boolean began = false;
        try {
            Phase p = state.phase();
            if (p == Phase.DONE && ending == Ending.TIMEOUT) {
                throw rollbackException("transaction " + txId + " timed out and was rolled back");
            }
            if (p == Phase.DONE && ending == Ending.ROLLBACK) {
                // rolled back through its Transaction object (by another thread) while this thread held it: for
                // this thread the transaction rolled back, as after a timeout
                throw rollbackException("transaction " + txId + " was rolled back (rollback() through its"
                        + " Transaction object) before this commit");
            }
            if (p != Phase.ACTIVE) {
                throw new IllegalStateException("transaction " + txId + " is already completing or completed");
            }
            ending = Ending.COMMIT;
            began = true;
            if (System.nanoTime() - deadlineNanos > 0 && getStatus() == Status.STATUS_ACTIVE) {
                markTimedOut();
            }
            if (state.beginBeforeCompletion()) {
                syncs.beforeCompletion(() -> getStatus() == Status.STATUS_ACTIVE, this::failedBeforeCompletion);
            }
            if (state.enterCompleting()) {
                rollbackBranches(timedOut ? "transaction timed out" : "transaction was marked rollback-only");
                throw rollbackException(timedOut ? "transaction " + txId + " timed out and was rolled back"
                        : "transaction " + txId + " was marked rollback-only and was rolled back");
            }
            if (!enlistment.endForCompletion(e -> rollbackCause = e)) {
                state.completing(Status.STATUS_MARKED_ROLLBACK);
                rollbackBranches("a resource failed to end its branch");
                throw rollbackException("transaction " + txId + " rolled back: a resource failed to end its branch");
            }
            completeAsDecided(ctx.coordinator().commit(txId, enlistment.branches(), deadlineNanos, this::enterPhase));
        } finally {
            if (began) {
                finish();
            }
            lock.unlock();
        }
    }

    private void completeAsDecided(Outcome o) throws RollbackException, HeuristicMixedException,
            HeuristicRollbackException, SystemException {
        switch (o.kind()) {
            case COMMITTED -> done(Status.STATUS_COMMITTED);
            case ROLLED_BACK -> {
                done(Status.STATUS_ROLLEDBACK);
                throw rollbackException("transaction " + txId + " rolled back: " + o.reason());
            }
            case HEURISTIC_MIXED -> {
                done(Status.STATUS_UNKNOWN);
                throw new HeuristicMixedException("transaction " + txId + ": " + o.reason());
            }
            case HEURISTIC_ROLLBACK -> {
                done(Status.STATUS_ROLLEDBACK);
                throw new HeuristicRollbackException("transaction " + txId + ": " + o.reason());
            }
            case UNKNOWN -> {
                decisionInDoubt = true;
                done(Status.STATUS_UNKNOWN);
                throw new SystemException("transaction " + txId + ": " + o.reason());
            }
        }
    }

    private void done(int status) {
        state.completing(status);
        syncs.afterCompletion(status);
    }

    @Override
    public void rollback() throws IllegalStateException, SystemException {
        lock.lock();
        try {
            Phase p = state.phase();
            if (p == Phase.DONE && (ending == Ending.TIMEOUT || ending == Ending.ROLLBACK)) {
                tm.disassociateIfCurrent(this);
                return; // already rolled back (by the timeout, or through this object): what the caller wanted
            }
            if (p != Phase.ACTIVE) {
                throw new IllegalStateException("transaction " + txId + " is already completing or completed");
            }
            ending = Ending.ROLLBACK;
            state.enterCompleting();
            try {
                rollbackBranches("application rollback");
            } finally {
                finish();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void setRollbackOnly() throws IllegalStateException {
        if (!state.mark()) {
            throw new IllegalStateException("transaction " + txId + " is completing or completed: too late to mark it rollback-only");
        }
    }

    @Override
    public boolean isOverdue(long nowNanos) {
        return state.phase() == Phase.ACTIVE && nowNanos - deadlineNanos > 0;
    }

    /**
     * The deadline passed (seen by the timeout sweeper): mark the transaction and roll it back unless completion
     * already started.
     */
    @Override
    public void timeout() {
        if (state.phase() != Phase.ACTIVE) {
            return;
        }
        if (!lock.tryLock()) {
            // The owner is enlisting or has just begun completing: the next sweep looks again, and a commit
            // that starts after the deadline rolls back by itself.
            return;
        }
        try {
            if (state.phase() != Phase.ACTIVE) {
                return;
            }
            ending = Ending.TIMEOUT;
            if (!timedOut) {
                markTimedOut();
            }
            state.enterCompleting();
            try {
                rollbackBranches("transaction timed out");
            } finally {
                finish();
            }
        } catch (SystemException | RuntimeException e) {
            LOG.warn("rollback of timed-out transaction {} failed", txId, e);
        } finally {
            lock.unlock();
        }
    }

    /** The coordinator moved on: what {@code getStatus()} says while it works. */
    private void enterPhase(Coordinator.Phase p) {
        state.completing(switch (p) {
            case PREPARING -> Status.STATUS_PREPARING;
            case COMMITTING -> Status.STATUS_COMMITTING;
            case ROLLING_BACK -> Status.STATUS_ROLLING_BACK;
        });
    }

    private void markTimedOut() {
        timedOut = true;
        state.mark();
        ctx.audit().emit(EventType.TIMEOUT, txId);
    }

    private void failedBeforeCompletion(Throwable e) {
        rollbackCause = e;
        state.mark();
    }

    private void rollbackBranches(String reason) throws SystemException {
        state.completing(Status.STATUS_ROLLING_BACK);
        enlistment.endBeforeRollback();
        Outcome o = ctx.coordinator().rollback(txId, enlistment.branches(), reason);
        done(Status.STATUS_ROLLEDBACK);
        if (o.kind() == Outcome.Kind.HEURISTIC_MIXED) {
            LOG.warn("transaction {}: {}", txId, o.reason());
        }
    }

    private RollbackException rollbackException(String message) {
        RollbackException e = new RollbackException(message);
        if (rollbackCause != null) {
            e.initCause(rollbackCause);
        }
        return e;
    }

    private void finish() {
        if (!state.finish()) {
            return;
        }
        if (!decisionInDoubt) {
            ctx.inFlight().remove(txId, this);
        }
        tm.disassociateIfCurrent(this);
    }

    // ---------------------------------------------------------------- synchronizations

    @Override
    public void registerSynchronization(Synchronization sync) throws RollbackException, IllegalStateException, SystemException {
        register(sync, false);
    }

    void registerInterposed(Synchronization sync) {
        try {
            register(sync, true);
        } catch (RollbackException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private void register(Synchronization sync, boolean interposed) throws RollbackException {
        if (sync == null) {
            throw new NullPointerException("synchronization must not be null");
        }
        lock.lock();
        try {
            state.requireAcceptsWork(txId, "register a synchronization");
            syncs.add(sync, interposed);
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- resources

    @Override
    public boolean enlistResource(XAResource xaRes) throws RollbackException, IllegalStateException, SystemException {
        if (xaRes == null) {
            throw new NullPointerException("XAResource must not be null");
        }
        lock.lock();
        try {
            state.requireAcceptsWork(txId, "enlist");
            try {
                return enlistment.enlist(xaRes);
            } catch (XAException e) {
                // Fail safe: the resource's work is not in the transaction, so the rest must not commit as if
                // the unit of work were whole, even if the caller swallows the exception.
                state.mark();
                rollbackCause = e;
                if (Failure.of(e) == Failure.ROLLED_BACK) {
                    throw (RollbackException) new RollbackException("resource refused to start its branch: "
                            + Failure.describe(e)).initCause(e);
                }
                throw (SystemException) new SystemException("resource failed to start a branch of " + txId
                        + " (the transaction is now rollback-only): " + Failure.describe(e)).initCause(e);
            } catch (IllegalArgumentException e) {
                state.mark();
                throw (SystemException) new SystemException("cannot enlist " + xaRes + " in " + txId + ": "
                        + e.getMessage()).initCause(e);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean delistResource(XAResource xaRes, int flag) throws IllegalStateException, SystemException {
        if (flag != XAResource.TMSUCCESS && flag != XAResource.TMFAIL && flag != XAResource.TMSUSPEND) {
            throw new IllegalArgumentException("delist flag must be TMSUCCESS, TMFAIL or TMSUSPEND, was " + flag);
        }
        lock.lock();
        try {
            Phase p = state.phase();
            if (p != Phase.ACTIVE && p != Phase.BEFORE_COMPLETION) {
                throw new IllegalStateException("transaction " + txId + " is not active: cannot delist");
            }
            boolean delisted;
            try {
                delisted = enlistment.delist(xaRes, flag);
            } catch (XAException e) {
                state.mark();
                rollbackCause = e;
                if (Failure.of(e) == Failure.ROLLED_BACK) {
                    return true;
                }
                throw (SystemException) new SystemException("resource failed to end its branch of " + txId
                        + ": XA code " + e.errorCode).initCause(e);
            }
            if (delisted && flag == XAResource.TMFAIL) {
                state.mark();
            }
            return delisted;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- TSR resources

    Object getResource(Object key) {
        if (key == null) {
            throw new NullPointerException("key must not be null");
        }
        lock.lock();
        try {
            return resources.get(key);
        } finally {
            lock.unlock();
        }
    }

    void putResource(Object key, Object value) {
        if (key == null) {
            throw new NullPointerException("key must not be null");
        }
        lock.lock();
        try {
            resources.put(key, value);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "DtcTransaction[" + txId + "]";
    }
}
