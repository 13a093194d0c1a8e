package dev.dtc.javax;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dtc.TransactionService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.transaction.HeuristicMixedException;
import javax.transaction.HeuristicRollbackException;
import javax.transaction.InvalidTransactionException;
import javax.transaction.NotSupportedException;
import javax.transaction.RollbackException;
import javax.transaction.Status;
import javax.transaction.Synchronization;
import javax.transaction.SystemException;
import javax.transaction.Transaction;
import javax.transaction.TransactionManager;
import javax.transaction.TransactionSynchronizationRegistry;
import javax.transaction.UserTransaction;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The javax adapters' rules without a database: one engine behind both APIs, one javax Transaction object per
 * transaction, foreign transactions refused, synchronizations called with the outcome, and every kind of failure
 * reported as its javax namesake with dtc's message and cause. The database tests are in JavaxApplicationTest.
 */
class JavaxAdaptersTest {

    @TempDir
    Path dir;
    TransactionService dtc;
    DtcJavax jx;
    TransactionManager tm;
    UserTransaction ut;
    TransactionSynchronizationRegistry tsr;

    @BeforeEach
    void start() {
        dtc = service("jx-unit");
        jx = DtcJavax.of(dtc);
        tm = jx.transactionManager();
        ut = jx.userTransaction();
        tsr = jx.synchronizationRegistry();
    }

    @AfterEach
    void stop() throws Exception {
        if (tm.getTransaction() != null) {
            tm.rollback();
        }
        dtc.close();
    }

    private TransactionService service(String node) {
        return TransactionService.builder().nodeName(node).logDirectory(dir.resolve(node)).recoveryInterval(Duration.ZERO)
                .logSegmentBytes(1024 * 1024).build();
    }

    @Test
    void aTransactionBegunThroughJavaxIsTheJakartaCurrentOneAndTheOtherWayRound() throws Exception {
        jakarta.transaction.TransactionManager jakartaTm = dtc.transactionManager();
        ut.begin();
        assertThat(jakartaTm.getTransaction()).isNotNull().isSameAs(jx.jakartaTransaction(tm.getTransaction()));
        assertThat(jakartaTm.getStatus()).isEqualTo(jakarta.transaction.Status.STATUS_ACTIVE);
        jakartaTm.setRollbackOnly();
        assertThat(tm.getStatus()).isEqualTo(Status.STATUS_MARKED_ROLLBACK);
        jakartaTm.rollback();
        assertThat(tm.getTransaction()).isNull();

        jakartaTm.begin();
        Transaction view = tm.getTransaction();
        assertThat(view).isNotNull();
        assertThat(jx.jakartaTransaction(view)).isSameAs(jakartaTm.getTransaction());
        assertThat(tsr.getTransactionStatus()).isEqualTo(Status.STATUS_ACTIVE);
        tm.commit();
        assertThat(jakartaTm.getTransaction()).as("ended through javax").isNull();
        assertThat(view.getStatus()).isEqualTo(Status.STATUS_COMMITTED);
    }

    @Test
    void aTransactionHasOneJavaxObjectWhateverAdapterOrCallReturnsIt() throws Exception {
        tm.begin();
        Transaction t = tm.getTransaction();
        assertThat(tm.getTransaction()).isSameAs(t);
        assertThat(tsr.getTransactionKey()).isSameAs(t);
        assertThat(DtcJavax.of(dtc).transactionManager().getTransaction()).as("another adapter, same service").isSameAs(t);
        assertThat(tm.suspend()).isSameAs(t);
        assertThat(tm.getTransaction()).isNull();
        assertThat(tsr.getTransactionKey()).isNull();

        tm.begin(); // another transaction while the first is suspended
        Transaction other = tm.getTransaction();
        assertThat(other).isNotSameAs(t).isNotEqualTo(t);
        tm.commit();

        tm.resume(t);
        assertThat(tm.getTransaction()).isSameAs(t);
        assertThat(t.getStatus()).isEqualTo(Status.STATUS_ACTIVE);
        tm.commit();
        assertThat(t.getStatus()).isEqualTo(Status.STATUS_COMMITTED);
    }

    @Test
    void foreignAndFinishedTransactionsAreRefusedOnResume() throws Exception {
        Transaction foreign = new Transaction() { // what another transaction manager would hand out
            @Override public void commit() { }
            @Override public boolean delistResource(XAResource r, int flag) { return false; }
            @Override public boolean enlistResource(XAResource r) { return false; }
            @Override public int getStatus() { return Status.STATUS_ACTIVE; }
            @Override public void registerSynchronization(Synchronization s) { }
            @Override public void rollback() { }
            @Override public void setRollbackOnly() { }
            @Override public String toString() { return "ForeignTx"; }
        };
        assertThatThrownBy(() -> tm.resume(foreign)).isInstanceOf(InvalidTransactionException.class)
                .hasMessageContaining("transaction ForeignTx was not obtained from dtc's javax adapter of node 'jx-unit'");
        assertThatThrownBy(() -> jx.jakartaTransaction(foreign)).isInstanceOf(InvalidTransactionException.class);

        try (TransactionService second = service("jx-unit-2")) {
            TransactionManager secondTm = DtcJavax.of(second).transactionManager();
            secondTm.begin();
            Transaction ofSecond = secondTm.suspend();
            assertThatThrownBy(() -> tm.resume(ofSecond)).as("a transaction of another dtc service")
                    .isInstanceOf(InvalidTransactionException.class).hasMessageContaining("node 'jx-unit'");
            secondTm.resume(ofSecond);
            secondTm.rollback();
        }

        tm.begin();
        Transaction finished = tm.suspend();
        finished.rollback();
        assertThatThrownBy(() -> tm.resume(finished)).isInstanceOf(InvalidTransactionException.class)
                .hasMessageContaining("already completed");

        tm.begin();
        Transaction suspended = tm.suspend();
        tm.begin();
        assertThatThrownBy(() -> tm.resume(suspended)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("suspend it first");
        tm.rollback();
        tm.resume(suspended);
        tm.rollback();
        tm.resume(null); // resume(suspend()) without a transaction: nothing to do
        assertThat(tm.getTransaction()).isNull();
    }

    @Test
    void misuseIsReportedWithDtcsMessages() throws Exception {
        assertThatThrownBy(ut::commit).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no transaction is associated with this thread");
        ut.begin();
        assertThatThrownBy(ut::begin).isInstanceOf(NotSupportedException.class)
                .hasMessageContaining("nested transactions are not supported");
        ut.setRollbackOnly();
        assertThatThrownBy(ut::commit).isInstanceOf(RollbackException.class)
                .hasMessageContaining("was marked rollback-only and was rolled back");
        assertThatThrownBy(() -> ut.setTransactionTimeout(-1)).isInstanceOf(SystemException.class)
                .hasMessageContaining("must be 0 (the default) or positive");
        assertThatThrownBy(() -> tsr.putResource("k", "v")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void heuristicOutcomesAreReportedAsTheJavaxHeuristicExceptions() throws Exception {
        tm.begin();
        tm.getTransaction().enlistResource(ScriptedXAResource.failingCommit(XAException.XA_HEURRB));
        assertThatThrownBy(tm::commit).isInstanceOf(HeuristicRollbackException.class)
                .hasMessageContaining("XA_HEURRB");

        tm.begin();
        tm.getTransaction().enlistResource(ScriptedXAResource.failingCommit(XAException.XA_HEURMIX));
        assertThatThrownBy(tm::commit).isInstanceOf(HeuristicMixedException.class)
                .hasMessageContaining("XA_HEURMIX");
        assertThat(tm.getTransaction()).isNull();
    }

    @Test
    void aResourceThatCannotStartItsBranchIsASystemExceptionWithTheXaCause() throws Exception {
        tm.begin();
        Transaction t = tm.getTransaction();
        assertThatThrownBy(() -> t.enlistResource(ScriptedXAResource.failingStart(XAException.XAER_RMFAIL)))
                .isInstanceOf(SystemException.class)
                .hasMessageContaining("failed to start a branch")
                .cause().isInstanceOf(XAException.class);
        assertThat(t.getStatus()).as("fail safe: the unit of work is not whole").isEqualTo(Status.STATUS_MARKED_ROLLBACK);
        assertThatThrownBy(tm::commit).isInstanceOf(RollbackException.class).cause().isInstanceOf(XAException.class);
    }

    @Test
    void synchronizationsAreCalledInOrderWithTheOutcome() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        ut.begin();
        tm.getTransaction().registerSynchronization(recording("app", calls));
        tsr.registerInterposedSynchronization(recording("interposed", calls));
        ut.commit();
        assertThat(calls).containsExactly("app before " + Status.STATUS_ACTIVE, "interposed before " + Status.STATUS_ACTIVE,
                "interposed after " + Status.STATUS_COMMITTED, "app after " + Status.STATUS_COMMITTED);

        calls.clear();
        ut.begin();
        tm.getTransaction().registerSynchronization(recording("app", calls));
        ut.rollback();
        assertThat(calls).containsExactly("app after " + Status.STATUS_ROLLEDBACK);

        calls.clear();
        ut.begin();
        IllegalStateException boom = new IllegalStateException("validation failed");
        tm.getTransaction().registerSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
                throw boom;
            }

            @Override
            public void afterCompletion(int status) {
                calls.add("after " + status);
            }
        });
        assertThatThrownBy(ut::commit).isInstanceOf(RollbackException.class).hasCause(boom);
        assertThat(calls).containsExactly("after " + Status.STATUS_ROLLEDBACK);
        assertThat(tm.getTransaction()).as("the failed commit ended the transaction").isNull();
    }

    @Test
    void nullsAndBadFlagsAreRefused() throws Exception {
        ut.begin();
        ScriptedXAResource fine = ScriptedXAResource.failingCommit(0);
        assertThat(tm.getTransaction().enlistResource(fine)).isTrue();
        assertThatThrownBy(() -> tm.getTransaction().delistResource(fine, 42)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("delist flag must be TMSUCCESS, TMFAIL or TMSUSPEND");
        assertThatThrownBy(() -> tm.getTransaction().enlistResource(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> tm.getTransaction().registerSynchronization(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("synchronization must not be null");
        assertThatThrownBy(() -> DtcJavax.of(null)).isInstanceOf(dev.dtc.ConfigurationException.class);
    }

    private Synchronization recording(String who, List<String> calls) {
        return new Synchronization() {
            @Override
            public void beforeCompletion() {
                calls.add(who + " before " + tsr.getTransactionStatus());
            }

            @Override
            public void afterCompletion(int status) {
                calls.add(who + " after " + status);
            }
        };
    }
}
