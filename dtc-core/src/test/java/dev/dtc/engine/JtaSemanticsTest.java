package dev.dtc.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dtc.TransactionService;
import dev.dtc.audit.EventType;
import jakarta.transaction.InvalidTransactionException;
import jakarta.transaction.NotSupportedException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.SystemException;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JtaSemanticsTest {

    @TempDir
    Path dir;
    EngineFixture f;
    TransactionService dtc;
    TransactionManager tm;

    @BeforeEach
    void start() {
        f = new EngineFixture(dir);
        dtc = f.start();
        tm = dtc.transactionManager();
    }

    @AfterEach
    void stop() {
        dtc.close();
    }

    @Test
    void nestedBeginIsRefused() throws Exception {
        tm.begin();
        assertThatThrownBy(tm::begin).isInstanceOf(NotSupportedException.class);
        tm.rollback();
        assertThat(tm.getStatus()).isEqualTo(Status.STATUS_NO_TRANSACTION);
    }

    @Test
    void commitOrRollbackWithoutTransactionIsAnIllegalState() {
        assertThatThrownBy(tm::commit).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(tm::rollback).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(tm::setRollbackOnly).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rollbackOnlyMakesCommitRollBackAndThrow() throws Exception {
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        tm.begin();
        tm.getTransaction().enlistResource(a);
        tm.getTransaction().enlistResource(b);
        tm.setRollbackOnly();
        assertThat(tm.getStatus()).isEqualTo(Status.STATUS_MARKED_ROLLBACK);
        assertThatThrownBy(tm::commit).isInstanceOf(RollbackException.class).hasMessageContaining("rollback-only");
        assertThat(a.rolledBack).hasSize(1);
        assertThat(b.rolledBack).hasSize(1);
        assertThat(a.callsSnapshot()).doesNotContain("prepare");
        assertThat(tm.getStatus()).isEqualTo(Status.STATUS_NO_TRANSACTION);
    }

    @Test
    void enlistOnARollbackOnlyTransactionIsRefused() throws Exception {
        tm.begin();
        tm.setRollbackOnly();
        assertThatThrownBy(() -> tm.getTransaction().enlistResource(new InMemoryResource("a")))
                .isInstanceOf(RollbackException.class);
        tm.rollback();
    }

    @Test
    void aTransactionThatTimesOutIsRolledBackAndItsCommitThrows() throws Exception {
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        tm.setTransactionTimeout(1);
        tm.begin();
        tm.getTransaction().enlistResource(a);
        tm.getTransaction().enlistResource(b);
        // the resources see their rollback a moment before the transaction's status says ROLLEDBACK (it is
        // ROLLING_BACK meanwhile); the status is the calling thread's, so poll on this thread
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInSameThread()
                .until(() -> a.rolledBack.size() == 1 && b.rolledBack.size() == 1
                        && tm.getStatus() == Status.STATUS_ROLLEDBACK);
        assertThatThrownBy(tm::commit).isInstanceOf(RollbackException.class).hasMessageContaining("timed out");
        assertThat(tm.getStatus()).isEqualTo(Status.STATUS_NO_TRANSACTION);
        assertThat(f.count(EventType.TIMEOUT)).isEqualTo(1);
        assertThat(a.committed).isEmpty();
    }

    @Test
    void negativeTimeoutIsRefused() {
        assertThatThrownBy(() -> tm.setTransactionTimeout(-1)).isInstanceOf(SystemException.class);
    }

    @Test
    void suspendAndResumeMoveTheTransactionBetweenThreads() throws Exception {
        InMemoryResource a = new InMemoryResource("a");
        tm.begin();
        tm.getTransaction().enlistResource(a);
        Transaction tx = tm.suspend();
        assertThat(tm.getTransaction()).isNull();
        assertThat(tm.getStatus()).isEqualTo(Status.STATUS_NO_TRANSACTION);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> f2 = other.submit(() -> {
                tm.resume(tx);
                int st = tm.getStatus();
                tm.commit();
                return st;
            });
            assertThat(f2.get()).isEqualTo(Status.STATUS_ACTIVE);
        } finally {
            other.shutdown();
        }
        assertThat(a.committed).hasSize(1);
        assertThatThrownBy(() -> tm.resume(tx)).isInstanceOf(InvalidTransactionException.class);
    }

    @Test
    void resumeWhileAssociatedIsAnIllegalState() throws Exception {
        tm.begin();
        Transaction t1 = tm.suspend();
        tm.begin();
        assertThatThrownBy(() -> tm.resume(t1)).isInstanceOf(IllegalStateException.class);
        tm.rollback();
        tm.resume(t1);
        tm.rollback();
    }

    @Test
    void synchronizationsRunInSpecOrder() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        TransactionSynchronizationRegistry tsr = dtc.synchronizationRegistry();
        tm.begin();
        tsr.registerInterposedSynchronization(sync("i1", order));
        tm.getTransaction().registerSynchronization(sync("s1", order));
        tsr.registerInterposedSynchronization(sync("i2", order));
        tm.getTransaction().registerSynchronization(sync("s2", order));
        tm.getTransaction().enlistResource(new InMemoryResource("a"));
        tm.commit();
        assertThat(order).containsExactly("s1.before", "s2.before", "i1.before", "i2.before",
                "i1.after:" + Status.STATUS_COMMITTED, "i2.after:" + Status.STATUS_COMMITTED,
                "s1.after:" + Status.STATUS_COMMITTED, "s2.after:" + Status.STATUS_COMMITTED);
    }

    @Test
    void aThrowingBeforeCompletionRollsTheTransactionBack() throws Exception {
        InMemoryResource a = new InMemoryResource("a");
        List<String> order = new CopyOnWriteArrayList<>();
        tm.begin();
        tm.getTransaction().enlistResource(a);
        tm.getTransaction().registerSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
                throw new IllegalStateException("validation failed");
            }

            @Override
            public void afterCompletion(int status) {
                order.add("after:" + status);
            }
        });
        assertThatThrownBy(tm::commit).isInstanceOf(RollbackException.class).hasRootCauseMessage("validation failed");
        assertThat(a.rolledBack).hasSize(1);
        assertThat(order).containsExactly("after:" + Status.STATUS_ROLLEDBACK);
    }

    @Test
    void registryResourcesBelongToTheTransaction() throws Exception {
        TransactionSynchronizationRegistry tsr = dtc.synchronizationRegistry();
        assertThatThrownBy(() -> tsr.putResource("k", "v")).isInstanceOf(IllegalStateException.class);
        tm.begin();
        Object key = tsr.getTransactionKey();
        tsr.putResource("k", "v");
        assertThat(tsr.getResource("k")).isEqualTo("v");
        assertThat(tsr.getRollbackOnly()).isFalse();
        tsr.setRollbackOnly();
        assertThat(tsr.getRollbackOnly()).isTrue();
        assertThat(tsr.getTransactionStatus()).isEqualTo(Status.STATUS_MARKED_ROLLBACK);
        tm.rollback();
        tm.begin();
        assertThat(tsr.getTransactionKey()).isNotEqualTo(key);
        assertThat(tsr.getResource("k")).isNull();
        tm.rollback();
    }

    @Test
    void reEnlistingAfterSuspendResumesTheSameBranch() throws Exception {
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        tm.begin();
        Transaction tx = tm.getTransaction();
        tx.enlistResource(a);
        tx.delistResource(a, javax.transaction.xa.XAResource.TMSUSPEND);
        tx.enlistResource(a);
        tx.enlistResource(b);
        tm.commit();
        assertThat(a.callsSnapshot()).containsExactly("start:0", "end:" + javax.transaction.xa.XAResource.TMSUSPEND,
                "start:" + javax.transaction.xa.XAResource.TMRESUME, "end:" + javax.transaction.xa.XAResource.TMSUCCESS,
                "prepare", "commit");
    }

    @Test
    void twoServicesInOneJvmDoNotShareTransactions(@TempDir Path other) throws Exception {
        try (TransactionService second = TransactionService.builder().nodeName("other").logDirectory(other)
                .recoveryInterval(Duration.ZERO).build()) {
            tm.begin();
            assertThat(second.transactionManager().getTransaction()).isNull();
            second.transactionManager().begin();
            assertThat(second.transactionManager().getTransaction()).isNotEqualTo(tm.getTransaction());
            second.transactionManager().rollback();
            tm.rollback();
        }
    }

    private static Synchronization sync(String name, List<String> order) {
        return new Synchronization() {
            @Override
            public void beforeCompletion() {
                order.add(name + ".before");
            }

            @Override
            public void afterCompletion(int status) {
                order.add(name + ".after:" + status);
            }
        };
    }
}
