package dev.dtc.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dtc.TransactionService;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many threads race to end one transaction: its own thread commits (through the TransactionManager, so it is
 * the associated thread), others call setRollbackOnly and rollback on its Transaction object, and in one test
 * the timeout sweeper joins in. Whatever order they land in, the transaction has exactly one outcome, and every
 * party is told that outcome:
 * <ul>
 *   <li>afterCompletion is called once, with the final status, which getStatus() keeps reporting;</li>
 *   <li>commit() returns normally exactly when the status is COMMITTED and both resources committed;
 *       otherwise it throws RollbackException (never IllegalStateException: the thread still holds the
 *       transaction, so for it the transaction was rolled back);</li>
 *   <li>a setRollbackOnly() or rollback() that returned normally means the outcome is a rollback.</li>
 * </ul>
 * The futures have timeouts, so a lost wake-up fails the test instead of hanging it.
 */
class CompletionRaceTest {

    @TempDir
    Path dir;

    /** What one party's call did. */
    enum Result { OK, ROLLBACK_EXCEPTION, ILLEGAL_STATE, OTHER }

    @Test
    void commitRollbackAndSetRollbackOnlyRacingAgreeOnOneOutcome() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try (TransactionService dtc = f.start()) {
            TransactionManager tm = dtc.transactionManager();
            for (int i = 0; i < Integer.getInteger("races", 3_000); i++) {
                race(tm, pool, 0);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theTimeoutSweeperJoiningTheRaceChangesNothing() throws Exception {
        EngineFixture f = new EngineFixture(dir);
        ExecutorService pool = Executors.newFixedThreadPool(3 * 40);
        try (TransactionService dtc = f.start()) {
            TransactionManager tm = dtc.transactionManager();
            for (int round = 0; round < 4; round++) {
                // 40 races at once, each starting within the last 150 ms before its transaction's 1 s deadline:
                // the sweeper (every 100 ms) rolls some back while the others race
                List<Future<?>> races = new ArrayList<>();
                ExecutorService owners = Executors.newFixedThreadPool(40);
                for (int i = 0; i < 40; i++) {
                    races.add(owners.submit(() -> {
                        race(tm, pool, 1);
                        return null;
                    }));
                }
                for (Future<?> r : races) {
                    r.get(30, TimeUnit.SECONDS);
                }
                owners.shutdownNow();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * One race on the calling thread's transaction. With {@code timeoutSeconds} above 0 the parties start
     * shortly before the deadline.
     */
    private static void race(TransactionManager tm, ExecutorService pool, int timeoutSeconds) throws Exception {
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        List<Integer> told = new CopyOnWriteArrayList<>();
        tm.setTransactionTimeout(timeoutSeconds);
        long begun = System.nanoTime();
        tm.begin();
        Transaction tx = tm.getTransaction();
        tx.enlistResource(a);
        tx.enlistResource(b);
        tx.registerSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                told.add(status);
            }
        });
        if (timeoutSeconds > 0) {
            long deadline = begun + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            long startAt = deadline - TimeUnit.MILLISECONDS.toNanos(ThreadLocalRandom.current().nextInt(150));
            long wait = startAt - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        }
        CyclicBarrier start = new CyclicBarrier(3);
        Future<Result> mark = pool.submit(() -> {
            start.await(10, TimeUnit.SECONDS);
            spin(ThreadLocalRandom.current().nextInt(40_000)); // land anywhere in the commit's first tens of µs
            return call(tx::setRollbackOnly);
        });
        Future<Result> rollback = pool.submit(() -> {
            start.await(10, TimeUnit.SECONDS);
            if (ThreadLocalRandom.current().nextInt(4) != 0) {
                return null; // most races are commit against setRollbackOnly alone
            }
            return call(tx::rollback);
        });
        start.await(10, TimeUnit.SECONDS);
        Result commit = call(tm::commit);
        Result marked = mark.get(10, TimeUnit.SECONDS);
        Result rolledBack = rollback.get(10, TimeUnit.SECONDS);

        String what = "commit " + commit + ", setRollbackOnly " + marked + ", rollback " + rolledBack
                + ", afterCompletion " + told + ", status " + tx.getStatus();
        assertThat(tm.getTransaction()).as(what).isNull();
        assertThat(told).as(what).hasSize(1);
        int outcome = told.get(0);
        assertThat(outcome).as(what).isIn(Status.STATUS_COMMITTED, Status.STATUS_ROLLEDBACK);
        assertThat(tx.getStatus()).as(what).isEqualTo(outcome);
        assertThat(commit).as(what).isIn(Result.OK, Result.ROLLBACK_EXCEPTION);
        if (commit == Result.OK) {
            assertThat(outcome).as(what).isEqualTo(Status.STATUS_COMMITTED);
            assertThat(marked).as(what).isNotEqualTo(Result.OK);
            assertThat(rolledBack).as(what).isNotEqualTo(Result.OK);
            assertThat(a.committed).as(what).hasSize(1);
            assertThat(b.committed).as(what).hasSize(1);
        } else {
            assertThat(outcome).as(what).isEqualTo(Status.STATUS_ROLLEDBACK);
            assertThat(a.committed).as(what).isEmpty();
            assertThat(b.committed).as(what).isEmpty();
        }
    }

    private static void spin(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    @FunctionalInterface
    private interface Call {
        void run() throws Exception;
    }

    private static Result call(Call c) {
        try {
            c.run();
            return Result.OK;
        } catch (RollbackException e) {
            return Result.ROLLBACK_EXCEPTION;
        } catch (IllegalStateException e) {
            return Result.ILLEGAL_STATE;
        } catch (Exception e) {
            return Result.OTHER;
        }
    }
}
