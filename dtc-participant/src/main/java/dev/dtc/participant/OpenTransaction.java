package dev.dtc.participant;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open transaction begun with {@link DtcClient#begin}: services called with its id in {@value DtcContext#HEADER}
 * join it, and {@link #commit()} makes the coordinator prepare and commit all of them (or roll all back).
 * {@link #close()} rolls it back unless it was committed or rolled back: use it in try-with-resources.
 */
public final class OpenTransaction implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpenTransaction.class);

    private final DtcClient client;
    private final String id;
    private final Instant expiresAt;
    private volatile TransactionOutcome outcome;

    OpenTransaction(DtcClient client, String id, Instant expiresAt) {
        this.client = client;
        this.id = id;
        this.expiresAt = expiresAt;
    }

    /** The coordinator's id of the transaction: the value of {@value DtcContext#HEADER}. */
    public String id() {
        return id;
    }

    /** When the coordinator rolls it back by itself if it is not committed, as it said at begin (if it did). */
    public Optional<Instant> expiresAt() {
        return Optional.ofNullable(expiresAt);
    }

    /**
     * Makes this transaction {@linkplain DtcContext#current() current} on this thread until the scope is closed, so
     * that requests sent through a {@link DtcHttpClient} carry it.
     */
    public DtcContext.Scope enter() {
        return DtcContext.enter(id);
    }

    /** Runs {@code task} with this transaction current on this thread, and returns what it returns. */
    public <T> T call(Callable<T> task) throws Exception {
        try (DtcContext.Scope scope = enter()) {
            return task.call();
        }
    }

    /**
     * Asks the coordinator to commit: it prepares every participant that joined and commits if all vote to, else
     * rolls all back. The answer says which ({@link TransactionOutcome#committed()}); a transaction that had already
     * ended (rolled back at its timeout: 409; forgotten: 404) is answered with that outcome, not thrown.
     *
     * @throws CoordinatorException the coordinator refused the call without an outcome (the message says why)
     * @throws IOException          no answer: the outcome is not known (ask {@code GET /v1/transactions/{id}})
     */
    public TransactionOutcome commit() throws IOException, InterruptedException {
        return end("commit");
    }

    /** Asks the coordinator to roll back; every participant that joined is told to roll back its branch. */
    public TransactionOutcome rollback() throws IOException, InterruptedException {
        return end("rollback");
    }

    /**
     * As {@link #rollback()}, saying why (a called service refused, say): the transaction's reason becomes
     * {@code rolled back by its client: <reason>}.
     */
    public synchronized TransactionOutcome rollback(String reason) throws IOException, InterruptedException {
        if (reason == null || reason.isBlank()) {
            return rollback();
        }
        if (outcome != null) {
            throw new IllegalStateException("transaction " + id + " already ended: " + outcome.outcome());
        }
        TransactionOutcome o = client.rollback(id, reason);
        outcome = o;
        return o;
    }

    /** The outcome, once {@link #commit()} or {@link #rollback()} got one. */
    public Optional<TransactionOutcome> outcome() {
        return Optional.ofNullable(outcome);
    }

    private synchronized TransactionOutcome end(String operation) throws IOException, InterruptedException {
        if (outcome != null) {
            throw new IllegalStateException("transaction " + id + " already ended: " + outcome.outcome());
        }
        TransactionOutcome o = client.finish(id, operation);
        outcome = o;
        return o;
    }

    /**
     * Rolls the transaction back if it has no outcome yet (best effort: a failure is logged, and the coordinator
     * rolls it back at its timeout anyway).
     */
    @Override
    public void close() {
        if (outcome != null) {
            return;
        }
        try {
            TransactionOutcome o = rollback();
            if (!"ROLLED_BACK".equals(o.outcome())) {
                LOG.warn("transaction {} closed without commit: the coordinator answered {} to its rollback", id,
                        o.outcome());
            }
        } catch (IOException e) {
            LOG.warn("transaction {} closed without commit, and its rollback failed ({}); the coordinator rolls it"
                    + " back at its timeout", id, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("transaction {} closed without commit; interrupted while rolling it back", id);
        }
    }
}
