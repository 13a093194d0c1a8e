package dev.dtc.internal.twopc;

import dev.dtc.internal.audit.Audit;
import dev.dtc.audit.EventType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.transaction.xa.XAException;

/**
 * Phase 1: sends prepare to every branch in parallel and collects the votes, waiting no longer
 * than the transaction's deadline. A branch that has not answered by then counts as a vote to
 * abort; its prepare keeps running, and when it answers it is rolled back (see
 * {@link Coordinator}).
 *
 * <p>All prepares go to the executor (none runs on the caller's thread) because only then can
 * the caller stop waiting at the deadline: a prepare blocked in a database driver cannot be
 * interrupted.
 */
final class Preparer {

    /** What one branch answered. */
    enum Outcome {
        COMMIT,
        READ_ONLY,
        /** XA_RB*: the resource already rolled the branch back. */
        ROLLED_BACK,
        /** Any other failure: the branch may still hold a prepared or active transaction. */
        FAILED,
        /** No answer by the deadline. */
        NO_ANSWER
    }

    record Answer(Branch branch, Outcome outcome, String detail, CompletableFuture<Outcome> pending) {
    }

    private final Executor executor;
    private final Audit audit;

    Preparer(Executor executor, Audit audit) {
        this.executor = executor;
        this.audit = audit;
    }

    List<Answer> prepareAll(String txId, List<? extends Branch> branches, long deadlineNanos) {
        List<CompletableFuture<Answer>> futures = new ArrayList<>(branches.size());
        for (Branch b : branches) {
            audit.emit(EventType.PREPARE_SENT, txId, b.xid(), null);
            futures.add(CompletableFuture.supplyAsync(() -> prepareOne(txId, b), executor));
        }
        List<Answer> answers = new ArrayList<>(branches.size());
        for (int i = 0; i < branches.size(); i++) {
            Branch b = branches.get(i);
            CompletableFuture<Answer> f = futures.get(i);
            try {
                long wait = deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadlineNanos - System.nanoTime();
                Answer a = wait == Long.MAX_VALUE ? f.get() : f.get(Math.max(0, wait), TimeUnit.NANOSECONDS);
                answers.add(a);
            } catch (TimeoutException e) {
                audit.emit(EventType.VOTE_ABORT, txId, b.xid(), "no answer within the transaction timeout");
                answers.add(new Answer(b, Outcome.NO_ANSWER, "no answer within the transaction timeout",
                        f.thenApply(Answer::outcome)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answers.add(new Answer(b, Outcome.NO_ANSWER, "interrupted while waiting", f.thenApply(Answer::outcome)));
            } catch (ExecutionException e) {
                answers.add(new Answer(b, Outcome.FAILED, e.getCause().toString(), null));
            }
        }
        return answers;
    }

    private Answer prepareOne(String txId, Branch b) {
        try {
            Vote v = BlockingCall.run(b::prepare);
            if (v == Vote.READ_ONLY) {
                audit.emit(EventType.VOTE_READ_ONLY, txId, b.xid(), null);
                return new Answer(b, Outcome.READ_ONLY, null, null);
            }
            audit.emit(EventType.VOTE_COMMIT, txId, b.xid(), null);
            return new Answer(b, Outcome.COMMIT, null, null);
        } catch (XAException | RuntimeException e) {
            String why = Failure.describe(e);
            audit.emit(EventType.VOTE_ABORT, txId, b.xid(), why);
            // XA_RB*: the resource rolled back already; anything else may leave work behind, so it is rolled back
            return new Answer(b, Failure.of(e) == Failure.ROLLED_BACK ? Outcome.ROLLED_BACK : Outcome.FAILED, why, null);
        }
    }
}
