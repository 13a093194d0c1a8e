package dev.dtc.tm;

import dev.dtc.audit.EventType;
import dev.dtc.twopc.Coordinator;
import dev.dtc.twopc.Outcome;
import dev.dtc.twopc.XaBranch;
import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.HeuristicRollbackException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.SystemException;
import jakarta.transaction.Transaction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JTA transaction: its branches, synchronizations, resources and status, and the rules of the
 * Jakarta Transactions specification about when each may change. Completion itself (1PC, 2PC,
 * rollback) is delegated to the {@link dev.dtc.twopc.Coordinator}.
 *
 * <p>Concurrency: one {@link ReentrantLock} per transaction orders enlistment, completion and
 * timeout; it is never a global lock, so transactions never wait for each other. The status is
 * volatile so that {@code getStatus()} never blocks, even while a prepare is slow.
 */
public final class DtcTransaction implements Transaction {
    private static final Logger LOG = LoggerFactory.getLogger(DtcTransaction.class);

    /** Where the transaction is in its life, finer than the JTA status. */
    private enum Phase { ACTIVE, BEFORE_COMPLETION, COMPLETING, DONE }

    private final String txId;
    private final TmContext ctx;
    private final DtcTransactionManager tm;
    private final long deadlineNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<XaBranch> branches = new ArrayList<>(4);
    private final List<Synchronization> syncs = new ArrayList<>(4);
    private final List<Synchronization> interposed = new ArrayList<>(4);
    private final Map<Object, Object> resources = new HashMap<>();
    private volatile int status = Status.STATUS_ACTIVE;
    private volatile Phase phase = Phase.ACTIVE;
    private volatile boolean timedOut;
    private volatile Throwable rollbackCause;
    /** Forcing the decision failed: recovery in this process must leave the branches to the next start. */
    private boolean decisionInDoubt;

    DtcTransaction(String txId, int timeoutSeconds, TmContext ctx, DtcTransactionManager tm) {
        this.txId = txId;
        this.ctx = ctx;
        this.tm = tm;
        this.deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        ctx.inFlight().put(txId, this);
        ctx.audit().emit(EventType.BEGIN, txId, null, "timeout " + timeoutSeconds + "s");
    }

    /** The transaction id: the global transaction id of its Xids. */
    public String id() {
        return txId;
    }

    @Override
    public int getStatus() {
        return status;
    }

    DtcTransactionManager manager() {
        return tm;
    }

    boolean isDone() {
        return phase == Phase.DONE;
    }

    // ---------------------------------------------------------------- completion

    @Override
    public void commit() throws RollbackException, HeuristicMixedException, HeuristicRollbackException,
            SecurityException, IllegalStateException, SystemException {
        lock.lock();
        try {
            if (phase == Phase.DONE && timedOut) {
                throw rollbackException("transaction " + txId + " timed out and was rolled back");
            }
            if (phase != Phase.ACTIVE) {
                throw new IllegalStateException("transaction " + txId + " is already completing or completed");
            }
            if (status == Status.STATUS_ACTIVE && System.nanoTime() - deadlineNanos > 0) {
                markTimedOut();
            }
            if (status == Status.STATUS_ACTIVE) {
                phase = Phase.BEFORE_COMPLETION;
                beforeCompletion();
            }
            phase = Phase.COMPLETING;
            if (status == Status.STATUS_MARKED_ROLLBACK) {
                rollbackBranches(timedOut ? "transaction timed out" : "transaction was marked rollback-only");
                throw rollbackException(timedOut ? "transaction " + txId + " timed out and was rolled back"
                        : "transaction " + txId + " was marked rollback-only and was rolled back");
            }
            endAssociations();
            if (status == Status.STATUS_MARKED_ROLLBACK) {
                rollbackBranches("a resource failed to end its branch");
                throw rollbackException("transaction " + txId + " rolled back: a resource failed to end its branch");
            }
            Outcome o = ctx.coordinator().commit(txId, List.copyOf(branches), deadlineNanos, this::enterPhase);
            switch (o.kind()) {
                case COMMITTED -> {
                    status = Status.STATUS_COMMITTED;
                    afterCompletion();
                }
                case ROLLED_BACK -> {
                    status = Status.STATUS_ROLLEDBACK;
                    afterCompletion();
                    throw rollbackException("transaction " + txId + " rolled back: " + o.reason());
                }
                case HEURISTIC_MIXED -> {
                    status = Status.STATUS_UNKNOWN;
                    afterCompletion();
                    throw new HeuristicMixedException("transaction " + txId + ": " + o.reason());
                }
                case HEURISTIC_ROLLBACK -> {
                    status = Status.STATUS_ROLLEDBACK;
                    afterCompletion();
                    throw new HeuristicRollbackException("transaction " + txId + ": " + o.reason());
                }
                case UNKNOWN -> {
                    decisionInDoubt = true;
                    status = Status.STATUS_UNKNOWN;
                    afterCompletion();
                    throw new SystemException("transaction " + txId + ": " + o.reason());
                }
            }
        } finally {
            finish();
            lock.unlock();
        }
    }

    @Override
    public void rollback() throws IllegalStateException, SystemException {
        lock.lock();
        try {
            if (phase == Phase.DONE && timedOut) {
                return; // the timeout already rolled it back: what the caller wanted
            }
            if (phase != Phase.ACTIVE) {
                throw new IllegalStateException("transaction " + txId + " is already completing or completed");
            }
            phase = Phase.COMPLETING;
            rollbackBranches("application rollback");
        } finally {
            finish();
            lock.unlock();
        }
    }

    @Override
    public void setRollbackOnly() throws IllegalStateException {
        Phase p = phase;
        if (p == Phase.DONE || (p == Phase.COMPLETING && status != Status.STATUS_MARKED_ROLLBACK)) {
            throw new IllegalStateException("transaction " + txId + " is completing or completed: too late to mark it rollback-only");
        }
        status = Status.STATUS_MARKED_ROLLBACK;
    }

    /** True while the transaction may still time out: active and past its deadline. */
    boolean isOverdue(long nowNanos) {
        return phase == Phase.ACTIVE && nowNanos - deadlineNanos > 0;
    }

    /**
     * The deadline passed (seen by the {@link TimeoutSweeper}): mark the transaction and roll it
     * back unless completion already started.
     */
    void timeout() {
        if (phase != Phase.ACTIVE) {
            return;
        }
        if (!lock.tryLock()) {
            // The owner is enlisting or has just begun completing: the next sweep looks again,
            // and a commit that starts after the deadline rolls back by itself. (Marking the
            // transaction from here could race with completion and corrupt its status.)
            return;
        }
        try {
            if (phase != Phase.ACTIVE) {
                return;
            }
            if (!timedOut) {
                markTimedOut();
            }
            phase = Phase.COMPLETING;
            rollbackBranches("transaction timed out");
        } catch (SystemException | RuntimeException e) {
            LOG.warn("rollback of timed-out transaction {} failed", txId, e);
        } finally {
            if (phase != Phase.DONE) {
                finish();
            }
            lock.unlock();
        }
    }

    /** The coordinator moved on: what {@code getStatus()} says while it works. */
    private void enterPhase(Coordinator.Phase p) {
        status = switch (p) {
            case PREPARING -> Status.STATUS_PREPARING;
            case COMMITTING -> Status.STATUS_COMMITTING;
            case ROLLING_BACK -> Status.STATUS_ROLLING_BACK;
        };
    }

    private void markTimedOut() {
        timedOut = true;
        status = Status.STATUS_MARKED_ROLLBACK;
        ctx.audit().emit(EventType.TIMEOUT, txId);
    }

    private void rollbackBranches(String reason) throws SystemException {
        status = Status.STATUS_ROLLING_BACK;
        for (XaBranch b : branches) {
            if (b.association() == XaBranch.Association.ACTIVE || b.association() == XaBranch.Association.SUSPENDED) {
                try {
                    b.end(XAResource.TMSUCCESS);
                } catch (XAException e) {
                    LOG.debug("end before rollback of {} failed: {}", b, e.errorCode);
                }
            }
        }
        Outcome o = ctx.coordinator().rollback(txId, List.copyOf(branches), reason);
        status = Status.STATUS_ROLLEDBACK;
        afterCompletion();
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
        if (phase == Phase.DONE) {
            return;
        }
        phase = Phase.DONE;
        if (!decisionInDoubt) {
            ctx.inFlight().remove(txId, this);
        }
        tm.disassociateIfCurrent(this);
    }

    private void endAssociations() {
        for (XaBranch b : branches) {
            XaBranch.Association a = b.association();
            if (a == XaBranch.Association.ACTIVE || a == XaBranch.Association.SUSPENDED) {
                try {
                    b.end(XAResource.TMSUCCESS);
                } catch (XAException e) {
                    rollbackCause = e;
                    status = Status.STATUS_MARKED_ROLLBACK;
                    ctx.audit().emit(EventType.VOTE_ABORT, txId, b.xid(), "end failed: XA code " + e.errorCode);
                }
            } else if (a == XaBranch.Association.FAILED) {
                status = Status.STATUS_MARKED_ROLLBACK;
            }
        }
    }

    // ---------------------------------------------------------------- synchronizations

    private void beforeCompletion() {
        // Normal synchronizations first, then interposed ones (JTA 1.1 §3.3.2); a
        // synchronization may register others while this runs, so iterate by index.
        for (int i = 0; i < syncs.size() && status == Status.STATUS_ACTIVE; i++) {
            callBefore(syncs.get(i));
        }
        for (int i = 0; i < interposed.size() && status == Status.STATUS_ACTIVE; i++) {
            callBefore(interposed.get(i));
        }
    }

    private void callBefore(Synchronization s) {
        try {
            s.beforeCompletion();
        } catch (RuntimeException | Error e) {
            LOG.warn("beforeCompletion of {} in transaction {} threw; rolling back", s, txId, e);
            rollbackCause = e;
            status = Status.STATUS_MARKED_ROLLBACK;
        }
    }

    private void afterCompletion() {
        int st = status;
        // Interposed synchronizations' afterCompletion comes before the normal ones'.
        for (Synchronization s : interposed) {
            callAfter(s, st);
        }
        for (Synchronization s : syncs) {
            callAfter(s, st);
        }
    }

    private void callAfter(Synchronization s, int st) {
        try {
            s.afterCompletion(st);
        } catch (RuntimeException | Error e) {
            LOG.warn("afterCompletion of {} in transaction {} threw; ignored", s, txId, e);
        }
    }

    @Override
    public void registerSynchronization(Synchronization sync) throws RollbackException, IllegalStateException, SystemException {
        register(sync, syncs);
    }

    void registerInterposed(Synchronization sync) {
        try {
            register(sync, interposed);
        } catch (RollbackException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private void register(Synchronization sync, List<Synchronization> list) throws RollbackException {
        if (sync == null) {
            throw new NullPointerException("synchronization must not be null");
        }
        lock.lock();
        try {
            if (status == Status.STATUS_MARKED_ROLLBACK && phase == Phase.ACTIVE) {
                throw new RollbackException("transaction " + txId + " is marked rollback-only");
            }
            if (status != Status.STATUS_ACTIVE || (phase != Phase.ACTIVE && phase != Phase.BEFORE_COMPLETION)) {
                throw new IllegalStateException("transaction " + txId + " is not active: cannot register a synchronization");
            }
            list.add(sync);
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
            if (status == Status.STATUS_MARKED_ROLLBACK && phase == Phase.ACTIVE) {
                throw new RollbackException("transaction " + txId + " is marked rollback-only");
            }
            if (status != Status.STATUS_ACTIVE || (phase != Phase.ACTIVE && phase != Phase.BEFORE_COMPLETION)) {
                throw new IllegalStateException("transaction " + txId + " is not active: cannot enlist");
            }
            XaBranch existing = find(xaRes);
            try {
                if (existing != null) {
                    switch (existing.association()) {
                        case ACTIVE:
                            return true;
                        case SUSPENDED:
                            existing.start(XAResource.TMRESUME);
                            return true;
                        case ENDED:
                            // Same resource object, same connection: joining its own branch works
                            // everywhere. (Joining across connections does not on MySQL/MariaDB,
                            // which is why a different object always gets a branch of its own.)
                            existing.start(XAResource.TMJOIN);
                            return true;
                        case FAILED:
                        default:
                            return false;
                    }
                }
                XaBranch b = new XaBranch(xaRes, ctx.xids().branch(txId, branches.size() + 1));
                b.start(XAResource.TMNOFLAGS);
                branches.add(b);
                ctx.audit().emit(EventType.ENLIST, txId, b.xid(), String.valueOf(xaRes)); // pooled resources name their database here
                return true;
            } catch (XAException e) {
                if (e.errorCode >= XAException.XA_RBBASE && e.errorCode <= XAException.XA_RBEND) {
                    status = Status.STATUS_MARKED_ROLLBACK;
                    throw (RollbackException) new RollbackException("resource refused to start its branch: XA code "
                            + e.errorCode).initCause(e);
                }
                throw (SystemException) new SystemException("resource failed to start a branch of " + txId
                        + ": XA code " + e.errorCode + " " + e.getMessage()).initCause(e);
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
            if (phase != Phase.ACTIVE && phase != Phase.BEFORE_COMPLETION) {
                throw new IllegalStateException("transaction " + txId + " is not active: cannot delist");
            }
            XaBranch b = find(xaRes);
            if (b == null) {
                return false; // not enlisted here: the javadoc reserves IllegalStateException for an inactive transaction
            }
            if (b.association() != XaBranch.Association.ACTIVE
                    && !(b.association() == XaBranch.Association.SUSPENDED && flag != XAResource.TMSUSPEND)) {
                return false;
            }
            try {
                b.end(flag);
            } catch (XAException e) {
                status = Status.STATUS_MARKED_ROLLBACK;
                rollbackCause = e;
                if (e.errorCode >= XAException.XA_RBBASE && e.errorCode <= XAException.XA_RBEND) {
                    return true;
                }
                throw (SystemException) new SystemException("resource failed to end its branch of " + txId
                        + ": XA code " + e.errorCode).initCause(e);
            }
            if (flag == XAResource.TMFAIL) {
                status = Status.STATUS_MARKED_ROLLBACK;
            }
            ctx.audit().emit(EventType.DELIST, txId, b.xid(), flag == XAResource.TMSUCCESS ? "TMSUCCESS"
                    : flag == XAResource.TMFAIL ? "TMFAIL" : "TMSUSPEND");
            return true;
        } finally {
            lock.unlock();
        }
    }

    private XaBranch find(XAResource xaRes) {
        for (XaBranch b : branches) {
            if (b.resource() == xaRes) {
                return b;
            }
        }
        return null;
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
