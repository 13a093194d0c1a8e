package dev.dtc.internal.twopc;

import dev.dtc.internal.audit.Audit;
import dev.dtc.audit.EventType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.transaction.xa.XAException;

/**
 * Phase 1: sends prepare to every branch and collects the votes, waiting no longer than the transaction's
 * deadline. A branch that has not answered by then counts as a vote to abort; its prepare keeps running, and
 * when it answers it is rolled back (see {@link Coordinator}).
 *
 * <p>All prepares go to the executor (none runs on the caller's thread) because only then can the caller stop
 * waiting at the deadline: a prepare blocked in a database driver cannot be interrupted. How they are spread
 * follows what the resources cost ({@link CallTimes}): a branch of a resource that is slow or not yet seen gets a
 * pool thread of its own, so that slow prepares run at the same time; the branches of quick resources are
 * prepared one after the other by a single pool thread, since a hand-off per branch would cost more than the
 * calls. Such a thread stops when the deadline has passed: the branches it did not reach are not asked, and are
 * rolled back like any branch that did not vote. The caller sleeps once, until every answer is in or the
 * deadline.
 */
final class Preparer {

    /** What one branch answered. */
    enum Outcome {
        COMMIT,
        READ_ONLY,
        /** XA_RB*: the resource already rolled the branch back. */
        ROLLED_BACK,
        /** Any other failure, or not asked: the branch may still hold a prepared or active transaction. */
        FAILED,
        /** No answer by the deadline. */
        NO_ANSWER
    }

    record Answer(Branch branch, Outcome outcome, String detail, CompletableFuture<Outcome> pending) {
    }

    private static final String TIMED_OUT = "no answer within the transaction timeout";

    private final Executor executor;
    private final Audit audit;
    private final CallTimes callTimes;

    Preparer(Executor executor, Audit audit, CallTimes callTimes) {
        this.executor = executor;
        this.audit = audit;
        this.callTimes = callTimes;
    }

    List<Answer> prepareAll(String txId, List<? extends Branch> branches, long deadlineNanos) {
        int n = branches.size();
        List<CompletableFuture<Answer>> futures = new ArrayList<>(n);
        List<Branch> inTurn = null;
        List<CompletableFuture<Answer>> inTurnAnswers = null;
        for (Branch b : branches) {
            if (callTimes.quick(b)) {
                if (inTurn == null) {
                    inTurn = new ArrayList<>(n);
                    inTurnAnswers = new ArrayList<>(n);
                }
                CompletableFuture<Answer> f = new CompletableFuture<>();
                inTurn.add(b);
                inTurnAnswers.add(f);
                futures.add(f);
            } else {
                futures.add(CompletableFuture.supplyAsync(() -> prepareOne(txId, b), executor));
            }
        }
        if (inTurn != null) {
            List<Branch> these = inTurn;
            List<CompletableFuture<Answer>> theirAnswers = inTurnAnswers;
            executor.execute(() -> prepareInTurn(txId, these, theirAnswers, deadlineNanos));
        }

        String noAnswer = awaitAll(futures, deadlineNanos);
        List<Answer> answers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Branch b = branches.get(i);
            CompletableFuture<Answer> f = futures.get(i);
            if (!f.isDone()) {
                if (noAnswer == TIMED_OUT) {
                    audit.emit(EventType.VOTE_ABORT, txId, b.xid(), TIMED_OUT);
                }
                answers.add(new Answer(b, Outcome.NO_ANSWER, noAnswer, f.thenApply(Answer::outcome)));
            } else {
                try {
                    answers.add(f.join());
                } catch (CompletionException e) {
                    answers.add(new Answer(b, Outcome.FAILED, String.valueOf(e.getCause()), null));
                }
            }
        }
        return answers;
    }

    /** Sleeps until every prepare has answered or the deadline; returns null, or why some did not answer. */
    private static String awaitAll(List<CompletableFuture<Answer>> futures, long deadlineNanos) {
        CompletableFuture<?> all = futures.size() == 1 ? futures.get(0)
                : CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]));
        try {
            if (deadlineNanos == Long.MAX_VALUE) {
                all.get();
            } else {
                all.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            return null;
        } catch (TimeoutException e) {
            return TIMED_OUT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while waiting";
        } catch (ExecutionException e) {
            // allOf completes only when every future has: one failed, and all are done (the caller reads each)
            return null;
        }
    }

    /** One pool thread prepares quick branches one after the other, until they are done or the deadline passed. */
    private void prepareInTurn(String txId, List<Branch> branches, List<CompletableFuture<Answer>> answers,
                               long deadlineNanos) {
        for (int i = 0; i < branches.size(); i++) {
            Branch b = branches.get(i);
            CompletableFuture<Answer> f = answers.get(i);
            if (i > 0 && deadlineNanos != Long.MAX_VALUE && System.nanoTime() - deadlineNanos > 0) {
                f.complete(new Answer(b, Outcome.FAILED, "not asked to prepare: the transaction timeout passed"
                        + " while an earlier branch was preparing", null));
                continue;
            }
            try {
                f.complete(prepareOne(txId, b));
            } catch (RuntimeException | Error e) {
                for (int j = i; j < branches.size(); j++) {
                    answers.get(j).completeExceptionally(e);
                }
                throw e;
            }
        }
    }

    private Answer prepareOne(String txId, Branch b) {
        audit.emit(EventType.PREPARE_SENT, txId, b.xid(), null);
        try {
            Vote v = BlockingCall.run(b, callTimes, b::prepare);
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
