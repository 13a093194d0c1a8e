package dev.dtc.xa.agroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agroal.api.transaction.TransactionAware;
import jakarta.transaction.Status;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.ConnectionEventListener;
import javax.sql.StatementEventListener;
import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.Test;

/**
 * When a pooled connection goes back to the pool, when it is evicted instead, and where calls go once it is
 * back: with in-memory stand-ins for Agroal's connection and the driver's XAResource, because the interesting
 * cases (a prepare still running when the transaction completes, a phase-2 retry after the connection went back)
 * need precise control of timing. The same rules on real databases: TransactionalDataSourceTest,
 * BrokenConnectionTest.
 */
class EnlistedConnectionTest {

    private static final Xid XID = new Xid() {
        @Override
        public int getFormatId() {
            return 4711;
        }

        @Override
        public byte[] getGlobalTransactionId() {
            return new byte[] {1};
        }

        @Override
        public byte[] getBranchQualifier() {
            return new byte[] {2};
        }
    };

    final PooledConnection pooled = new PooledConnection();
    final RecordingResource driver = new RecordingResource("pooled");
    final FreshConnections fresh = new FreshConnections();
    final EnlistedConnection branch = new EnlistedConnection(pooled, driver, fresh, "test-db");

    @Test
    void theConnectionGoesBackWhenTheTransactionHasCompletedNotBefore() throws Exception {
        branch.start(XID, XAResource.TMNOFLAGS);
        branch.end(XID, XAResource.TMSUCCESS);
        branch.prepare(XID);
        branch.commit(XID, false);
        assertThat(pooled.returned).as("not at commit").hasValue(0);

        branch.afterCompletion(Status.STATUS_COMMITTED);
        assertThat(pooled.returned).hasValue(1);
        assertThat(pooled.flushed).isFalse();
        assertThat(pooled.events).containsExactly("transactionStart", "beforeCompletion(true)", "transactionEnd");
        assertThat(driver.calls).containsExactly("start", "end", "prepare", "commit");
        assertThat(fresh.opened).hasValue(0);
    }

    @Test
    void aCommittedTransactionReturnsItsConnectionToThePool() throws Exception {
        runBranchThroughPrepare();
        branch.commit(XID, false);
        branch.afterCompletion(Status.STATUS_COMMITTED);
        assertThat(pooled.returned).hasValue(1);
        assertThat(pooled.flushed).as("pooled again, not closed").isFalse();
    }

    @Test
    void aRolledBackTransactionReturnsItsConnectionToThePool() throws Exception {
        runBranchThroughPrepare();
        branch.rollback(XID);
        branch.afterCompletion(Status.STATUS_ROLLEDBACK);
        assertThat(pooled.returned).hasValue(1);
        assertThat(pooled.flushed).as("pooled again, not closed").isFalse();
    }

    @Test
    void anUnknownOutcomeEvictsTheConnection() throws Exception {
        runBranchThroughPrepare(); // e.g. forcing the commit decision failed: the branch is still prepared here
        branch.afterCompletion(Status.STATUS_UNKNOWN);
        assertThat(pooled.returned).hasValue(1);
        assertThat(pooled.flushed).as("handed back flushed: Agroal closes it").isTrue();
    }

    @Test
    void anUnknownOutcomeWhileAPrepareStillRunsEvictsTheConnectionWhenThePrepareReturns() throws Exception {
        branch.start(XID, XAResource.TMNOFLAGS);
        branch.end(XID, XAResource.TMSUCCESS);
        driver.prepareEntered = new CountDownLatch(1);
        driver.prepareMayReturn = new CountDownLatch(1);
        CompletableFuture<Integer> prepare = CompletableFuture.supplyAsync(() -> {
            try {
                return branch.prepare(XID);
            } catch (XAException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(driver.prepareEntered.await(30, TimeUnit.SECONDS)).isTrue();

        branch.afterCompletion(Status.STATUS_UNKNOWN);
        assertThat(pooled.returned).as("not while prepare runs on it").hasValue(0);

        driver.prepareMayReturn.countDown();
        assertThat(prepare.get(30, TimeUnit.SECONDS)).isEqualTo(XAResource.XA_OK);
        assertThat(pooled.returned).as("when the prepare returned").hasValue(1);
        assertThat(pooled.flushed).as("closed, not pooled").isTrue();
    }

    private void runBranchThroughPrepare() throws XAException {
        branch.start(XID, XAResource.TMNOFLAGS);
        branch.end(XID, XAResource.TMSUCCESS);
        branch.prepare(XID);
    }

    @Test
    void aPrepareStillRunningAtCompletionKeepsTheConnectionOutUntilItReturnsAndThenEvictsIt() throws Exception {
        branch.start(XID, XAResource.TMNOFLAGS);
        branch.end(XID, XAResource.TMSUCCESS);
        driver.prepareEntered = new CountDownLatch(1);
        driver.prepareMayReturn = new CountDownLatch(1);
        CompletableFuture<Integer> prepare = CompletableFuture.supplyAsync(() -> {
            try {
                return branch.prepare(XID);
            } catch (XAException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(driver.prepareEntered.await(30, TimeUnit.SECONDS)).isTrue();

        branch.afterCompletion(Status.STATUS_ROLLEDBACK); // dtc gave up waiting for the vote
        assertThat(pooled.returned).as("not while prepare runs on it").hasValue(0);

        driver.prepareMayReturn.countDown();
        assertThat(prepare.get(30, TimeUnit.SECONDS)).isEqualTo(XAResource.XA_OK);
        assertThat(pooled.returned).as("when the prepare returned").hasValue(1);
        assertThat(pooled.flushed).as("having overrun, it is closed, not pooled").isTrue();

        branch.rollback(XID); // dtc rolls back the late vote: not on the pooled connection any more
        assertThat(driver.calls).containsExactly("start", "end", "prepare");
        assertThat(fresh.calls).containsExactly("rollback");
        assertThat(fresh.opened).hasValue(1);
        assertThat(fresh.closed).hasValue(1);
        assertThat(pooled.returned).hasValue(1);
    }

    @Test
    void aRetryAfterTheConnectionWentBackUsesAFreshConnection() throws Exception {
        branch.start(XID, XAResource.TMNOFLAGS);
        branch.end(XID, XAResource.TMSUCCESS);
        branch.prepare(XID);
        driver.failCommitWith = XAException.XAER_RMFAIL;
        assertThatThrownBy(() -> branch.commit(XID, false)).isInstanceOf(XAException.class);
        assertThat(pooled.flushed).as("a failed call evicts").isTrue();
        branch.afterCompletion(Status.STATUS_COMMITTED);
        assertThat(pooled.returned).hasValue(1);

        branch.commit(XID, false); // dtc's retry
        assertThat(fresh.calls).containsExactly("commit");
        assertThat(fresh.closed).hasValue(1);
        assertThat(driver.calls).containsExactly("start", "end", "prepare", "commit");
        assertThatThrownBy(() -> branch.start(XID, XAResource.TMJOIN)).isInstanceOf(XAException.class)
                .satisfies(e -> assertThat(((XAException) e).errorCode).isEqualTo(XAException.XAER_PROTO));
    }

    @Test
    void aRollbackVoteEvictsTooAndSettlesTheDriver() throws Exception {
        branch.start(XID, XAResource.TMNOFLAGS);
        branch.end(XID, XAResource.TMSUCCESS);
        driver.failPrepareWith = XAException.XA_RBINTEGRITY;
        assertThatThrownBy(() -> branch.prepare(XID)).isInstanceOf(XAException.class)
                .satisfies(e -> assertThat(((XAException) e).errorCode).isEqualTo(XAException.XA_RBINTEGRITY));
        assertThat(pooled.flushed).isTrue();
        assertThat(driver.calls).containsExactly("start", "end", "prepare", "rollback");
        branch.afterCompletion(Status.STATUS_ROLLEDBACK);
        assertThat(pooled.returned).hasValue(1);
    }

    @Test
    void aStartThatFailedLeavesAConnectionThatIsClosedWhenEnlistmentIsAbandoned() {
        driver.failStartWith = XAException.XAER_RMFAIL;
        assertThatThrownBy(() -> branch.start(XID, XAResource.TMNOFLAGS)).isInstanceOf(XAException.class);
        assertThat(pooled.flushed).isTrue();

        branch.abandon();
        assertThat(pooled.returned).as("handed back, flushed: Agroal closes it").hasValue(1);
        branch.afterCompletion(Status.STATUS_ROLLEDBACK);
        assertThat(pooled.returned).as("never twice").hasValue(1);
    }

    @Test
    void anEnlistmentThatNeverStartedLeavesTheConnectionToAgroal() {
        branch.abandon(); // e.g. the transaction was marked rollback-only: enlistResource refused before start
        branch.afterCompletion(Status.STATUS_ROLLEDBACK);
        assertThat(pooled.returned).hasValue(0);
        assertThat(pooled.flushed).isFalse();
        assertThat(pooled.events).isEmpty();
    }

    @Test
    void itIsTheSameResourceManagerOnlyAsItself() throws Exception {
        assertThat(branch.isSameRM(branch)).isTrue();
        assertThat(branch.isSameRM(new EnlistedConnection(pooled, driver, fresh, "test-db"))).isFalse();
        assertThat(branch.isSameRM(driver)).isFalse();
    }

    // ---------------------------------------------------------------- stand-ins

    /** Agroal's side of a pooled connection: what it was told. */
    static final class PooledConnection implements TransactionAware {
        final List<String> events = new CopyOnWriteArrayList<>();
        final AtomicInteger returned = new AtomicInteger();
        volatile boolean flushed;

        @Override
        public void transactionStart() {
            events.add("transactionStart");
        }

        @Override
        public void transactionBeforeCompletion(boolean successful) {
            events.add("beforeCompletion(" + successful + ")");
        }

        @Override
        public void transactionCommit() {
            events.add("transactionCommit");
        }

        @Override
        public void transactionRollback() {
            events.add("transactionRollback");
        }

        @Override
        public void transactionEnd() {
            events.add("transactionEnd");
            returned.incrementAndGet();
        }

        @Override
        public void transactionCheckCallback(SQLCallable<Boolean> transactionCheck) {
            // not used by the branch
        }

        @Override
        public Object getConnection() {
            return null;
        }

        @Override
        public void setFlushOnly() {
            flushed = true;
        }
    }

    /** A driver's XAResource that records calls and fails or blocks when told to. */
    static final class RecordingResource implements XAResource {
        final String name;
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile int failStartWith;
        volatile int failPrepareWith;
        volatile int failCommitWith;
        volatile CountDownLatch prepareEntered;
        volatile CountDownLatch prepareMayReturn;

        RecordingResource(String name) {
            this.name = name;
        }

        private static void failIf(int code) throws XAException {
            if (code != 0) {
                throw new XAException(code);
            }
        }

        @Override
        public void start(Xid xid, int flags) throws XAException {
            calls.add("start");
            failIf(failStartWith);
        }

        @Override
        public void end(Xid xid, int flags) {
            calls.add("end");
        }

        @Override
        public int prepare(Xid xid) throws XAException {
            calls.add("prepare");
            if (prepareEntered != null) {
                prepareEntered.countDown();
                try {
                    prepareMayReturn.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            failIf(failPrepareWith);
            return XA_OK;
        }

        @Override
        public void commit(Xid xid, boolean onePhase) throws XAException {
            calls.add("commit");
            failIf(failCommitWith);
        }

        @Override
        public void rollback(Xid xid) {
            calls.add("rollback");
        }

        @Override
        public void forget(Xid xid) {
            calls.add("forget");
        }

        @Override
        public Xid[] recover(int flag) {
            calls.add("recover");
            return new Xid[0];
        }

        @Override
        public boolean isSameRM(XAResource other) {
            return other == this;
        }

        @Override
        public int getTransactionTimeout() {
            return 0;
        }

        @Override
        public boolean setTransactionTimeout(int seconds) {
            return false;
        }
    }

    /** Connections opened for one call each; all of them share one recording XAResource. */
    static final class FreshConnections implements XADataSource {
        final RecordingResource resource = new RecordingResource("fresh");
        final List<String> calls = resource.calls;
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();

        @Override
        public XAConnection getXAConnection() {
            opened.incrementAndGet();
            return new XAConnection() {
                @Override
                public XAResource getXAResource() {
                    return resource;
                }

                @Override
                public Connection getConnection() throws SQLException {
                    throw new SQLException("not needed");
                }

                @Override
                public void close() {
                    closed.incrementAndGet();
                }

                @Override
                public void addConnectionEventListener(ConnectionEventListener listener) {
                }

                @Override
                public void removeConnectionEventListener(ConnectionEventListener listener) {
                }

                @Override
                public void addStatementEventListener(StatementEventListener listener) {
                }

                @Override
                public void removeStatementEventListener(StatementEventListener listener) {
                }
            };
        }

        @Override
        public XAConnection getXAConnection(String user, String password) {
            return getXAConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public java.util.logging.Logger getParentLogger() {
            return null;
        }
    }
}
