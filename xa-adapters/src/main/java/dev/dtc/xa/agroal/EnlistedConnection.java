package dev.dtc.xa.agroal;

import dev.dtc.NamedXAResource;
import io.agroal.api.transaction.TransactionAware;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pooled connection's part in one transaction: the XAResource that dtc enlists for it, and the synchronization
 * that hands the connection back to the pool once the transaction has completed.
 *
 * <p>Calls go to the driver's XAResource, and Agroal is told what it needs to know, as agroal-narayana's
 * {@code BaseXAResource} does: {@code start} marks the connection enlisted (auto-commit off; closing a handle no
 * longer returns it), {@code commit} and {@code rollback} close the handles the application left open.
 *
 * <p>Four rules keep a pooled connection safe for the next transaction:
 * <ol>
 *   <li><b>A failed XA call evicts the connection</b> (Agroal closes it instead of pooling it). After a failure
 *       the session's state is unknown: the call may not have reached the server, or the session may be gone.
 *       Even a clean rollback vote leaves the driver behind: pgjdbc, after a PREPARE TRANSACTION that failed
 *       (XA_RBINTEGRITY from a deferred constraint), still counts its XA transaction as active and refuses to
 *       reset auto-commit, so the next borrower would get a half-usable connection. Opening a new connection
 *       costs less than finding out.</li>
 *   <li><b>The connection goes back only when the transaction has completed and no XA call on it is still
 *       running.</b> dtc completes a transaction without waiting for a prepare that missed the deadline (it rolls
 *       that branch back when the answer comes). Handing the connection to another transaction while that prepare
 *       runs would put two transactions on one session; instead it stays out, and is evicted when the call
 *       returns, having overrun.</li>
 *   <li><b>Once back in the pool the connection belongs to someone else.</b> Later calls for this branch (dtc's
 *       phase-2 retries, the rollback of a late prepare) go through a fresh connection opened for the call: both
 *       PostgreSQL and MySQL finish a prepared branch from any session.</li>
 *   <li><b>Only a clean end pools the connection again.</b> After {@code STATUS_COMMITTED} or
 *       {@code STATUS_ROLLEDBACK} it goes back to the pool; after any other status ({@code STATUS_UNKNOWN} when
 *       forcing the commit decision failed or the outcome was heuristic-mixed) it is evicted: its branch may
 *       still be prepared on that session, which on MySQL before 8.0.29 (or with {@code xa_detach_on_prepare=OFF})
 *       cannot run another transaction.</li>
 * </ol>
 */
final class EnlistedConnection implements NamedXAResource, Synchronization {

    private static final Logger LOG = LoggerFactory.getLogger(EnlistedConnection.class);

    private final TransactionAware connection;
    private final XAResource driver;
    private final XADataSource freshConnections;
    private final String dataSource;
    // a lock, not synchronized: XA calls block on the network, and virtual threads would pin
    private final ReentrantLock lock = new ReentrantLock();
    private int callsRunning;
    private boolean startAttempted;
    /** The branch was started: from now on only this object hands the connection back. */
    private boolean enlisted;
    private boolean completed;
    private boolean returned;

    EnlistedConnection(TransactionAware connection, XAResource driver, XADataSource freshConnections, String dataSource) {
        this.connection = connection;
        this.driver = driver;
        this.freshConnections = freshConnections;
        this.dataSource = dataSource;
    }

    /** A call on a resource that may throw XAException. */
    @FunctionalInterface
    private interface XaCall<T> {
        T on(XAResource resource) throws XAException;
    }

    // ---------------------------------------------------------------- XAResource

    @Override
    public void start(Xid xid, int flags) throws XAException {
        lock.lock();
        try {
            if (returned) {
                throw xaException(XAException.XAER_PROTO, "the connection of " + dataSource
                        + " went back to the pool; its branch cannot be started again", null);
            }
            startAttempted = true;
            callsRunning++;
        } finally {
            lock.unlock();
        }
        try {
            connection.transactionStart();
            driver.start(xid, flags);
            lock.lock();
            try {
                // Set inside enlistResource, under the transaction's lock, so no completion can come before it.
                enlisted = true;
            } finally {
                lock.unlock();
            }
        } catch (XAException e) {
            connection.setFlushOnly();
            throw e;
        } catch (SQLException | RuntimeException e) {
            connection.setFlushOnly();
            throw xaException(XAException.XAER_RMFAIL, "could not start a branch on a connection of " + dataSource
                    + ": " + e.getMessage(), e);
        } finally {
            exit();
        }
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        onPooledConnection("end", r -> {
            r.end(xid, flags);
            return null;
        });
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        return onPooledConnection("prepare", r -> {
            try {
                return r.prepare(xid);
            } catch (XAException e) {
                if (e.errorCode >= XAException.XA_RBBASE && e.errorCode <= XAException.XA_RBEND) {
                    settleDriverAfterRollbackVote(r, xid);
                }
                throw e;
            }
        });
    }

    /**
     * The database rolled the branch back when it voted, but pgjdbc, after a PREPARE TRANSACTION that failed,
     * still counts its XA transaction as active and refuses to reset auto-commit; a rollback on the same
     * connection brings it back to idle. (MySQL answers XAER_NOTA, ignored.) The connection is evicted all the
     * same; this only spares the pool a failing reset and the warning it logs.
     */
    private static void settleDriverAfterRollbackVote(XAResource r, Xid xid) {
        try {
            r.rollback(xid);
        } catch (XAException | RuntimeException ignored) {
            // it was already rolled back: that is what the vote said
        }
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        onAnyConnection(r -> {
            r.commit(xid, onePhase);
            return null;
        }, () -> connection.transactionBeforeCompletion(true));
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        onAnyConnection(r -> {
            r.rollback(xid);
            return null;
        }, () -> connection.transactionBeforeCompletion(false));
    }

    @Override
    public void forget(Xid xid) throws XAException {
        onAnyConnection(r -> {
            r.forget(xid);
            return null;
        }, () -> { });
    }

    @Override
    public Xid[] recover(int flag) throws XAException {
        return onAnyConnection(r -> r.recover(flag), () -> { });
    }

    /** Only itself: dtc gives every enlisted object a branch of its own, and MySQL could not join one anyway. */
    @Override
    public boolean isSameRM(XAResource other) {
        return other == this;
    }

    @Override
    public int getTransactionTimeout() throws XAException {
        return driver.getTransactionTimeout();
    }

    @Override
    public boolean setTransactionTimeout(int seconds) throws XAException {
        return driver.setTransactionTimeout(seconds);
    }

    // ---------------------------------------------------------------- Synchronization

    @Override
    public void beforeCompletion() {
        // nothing: the branch ends when dtc calls end()
    }

    /**
     * The transaction is over: the connection goes back now, or when its last XA call returns (rule 2). It is
     * pooled again only after a clean end (committed or rolled back); any other status is evicted (rule 4).
     */
    @Override
    public void afterCompletion(int status) {
        boolean now;
        lock.lock();
        try {
            if (!enlisted || returned) {
                return; // never became a branch: the pool took the connection back when enlistment failed
            }
            completed = true;
            now = callsRunning == 0;
            returned = now;
        } finally {
            lock.unlock();
        }
        if (now) {
            if (status != Status.STATUS_COMMITTED && status != Status.STATUS_ROLLEDBACK) {
                // rule 4: not a clean end, so the branch may still be prepared on this session
                connection.setFlushOnly();
            }
            handBack();
        } else {
            LOG.debug("transaction over while an XA call still runs on a connection of {}: it goes back (to be"
                    + " closed) when the call returns", dataSource);
        }
    }

    /**
     * Enlistment failed: nothing will complete this branch. A connection the branch was never started on is
     * untouched, and Agroal puts it back itself; one on which start was tried is in an unknown state and is
     * evicted here.
     */
    void abandon() {
        boolean evict;
        lock.lock();
        try {
            evict = startAttempted && !returned;
            returned = true;
        } finally {
            lock.unlock();
        }
        if (evict) {
            // Agroal then fails to put the connection back itself (it is flushed), which is what keeps it from
            // ever being handed out again. Agroal counts it as returned without having counted it as acquired,
            // so its "active" gauge reads one low from then on: the cost of closing the connection rather than
            // leaving it stranded outside the pool.
            connection.setFlushOnly();
            handBack();
        }
    }

    // ---------------------------------------------------------------- call routing

    private <T> T onPooledConnection(String what, XaCall<T> call) throws XAException {
        if (!enter()) {
            throw xaException(XAException.XAER_PROTO, what + " after the connection of " + dataSource
                    + " went back to the pool: the branch is no longer on it", null);
        }
        try {
            return call.on(driver);
        } catch (XAException | RuntimeException e) {
            connection.setFlushOnly();
            throw e;
        } finally {
            exit();
        }
    }

    private <T> T onAnyConnection(XaCall<T> call, Runnable beforeOnPooled) throws XAException {
        if (!enter()) {
            return onFreshConnection(call);
        }
        try {
            beforeOnPooled.run();
            return call.on(driver);
        } catch (XAException | RuntimeException e) {
            connection.setFlushOnly();
            throw e;
        } finally {
            exit();
        }
    }

    private <T> T onFreshConnection(XaCall<T> call) throws XAException {
        XAConnection fresh;
        try {
            fresh = freshConnections.getXAConnection();
        } catch (SQLException | RuntimeException e) {
            throw xaException(XAException.XAER_RMFAIL, "no connection to " + dataSource
                    + " to finish the branch on: " + e.getMessage(), e);
        }
        try {
            return call.on(fresh.getXAResource());
        } catch (SQLException e) {
            throw xaException(XAException.XAER_RMFAIL, "a fresh connection to " + dataSource + " failed: "
                    + e.getMessage(), e);
        } finally {
            try {
                fresh.close();
            } catch (SQLException | RuntimeException e) {
                LOG.debug("closing a one-call connection to {} failed", dataSource, e);
            }
        }
    }

    /** Counts a call on the pooled connection in; false when the connection is no longer ours. */
    private boolean enter() {
        lock.lock();
        try {
            if (returned) {
                return false;
            }
            callsRunning++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void exit() {
        boolean overran;
        lock.lock();
        try {
            callsRunning--;
            overran = completed && callsRunning == 0 && !returned;
            if (overran) {
                returned = true;
            }
        } finally {
            lock.unlock();
        }
        if (overran) {
            connection.setFlushOnly();
            handBack();
        }
    }

    private void handBack() {
        try {
            connection.transactionEnd();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("returning a connection of {} to the pool failed", dataSource, e);
        }
    }

    private static XAException xaException(int code, String message, Throwable cause) {
        XAException e = new XAException(message);
        e.errorCode = code;
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    /** The data source's name, which its recovery registration carries: how recovery finds this branch again. */
    @Override
    public String resourceName() {
        return dataSource;
    }

    @Override
    public String toString() {
        return "EnlistedConnection[" + dataSource + "]";
    }
}
