package dev.dtc.audit;

/**
 * The audit events. Names are stable: operators grep for them and tests assert on them.
 *
 * <p>Every event goes to the registered {@link AuditListener}s. On the SLF4J logger {@code dev.dtc.audit} each is
 * written at the level its description ends with: DEBUG for the routine steps of a transaction, INFO for its
 * outcome, a timeout and what recovery or a takeover did, WARN for heuristics and for what recovery cannot finish.
 * An application's log so gets one line per transaction; setting the logger {@code dev.dtc.audit} to DEBUG
 * switches on the full trail (docs/observability.md).
 */
public enum EventType {
    /** A transaction began. Logged at DEBUG. */
    BEGIN,
    /** A resource was enlisted as a branch (detail: resource class). Logged at DEBUG. */
    ENLIST,
    /** A branch was delisted (detail: flag). Logged at DEBUG. */
    DELIST,
    /**
     * The application (or a client of the HTTP face) asked to commit and phase one starts (detail: how many branches).
     * With {@link #TX_COMMITTED}, {@link #TX_ROLLED_BACK} or {@link #TX_HEURISTIC} it times the commit.
     * Logged at DEBUG.
     */
    COMMIT_REQUESTED,
    /** prepare was sent to a branch. Logged at DEBUG. */
    PREPARE_SENT,
    /** A branch voted to commit. Logged at DEBUG. */
    VOTE_COMMIT,
    /** A branch voted read-only: it takes no part in phase 2. Logged at DEBUG. */
    VOTE_READ_ONLY,
    /** A branch voted to abort, failed, or did not answer in time (detail: why). Logged at DEBUG. */
    VOTE_ABORT,
    /**
     * Every branch voted commit: the commit decision is being written and forced (detail: how many branches).
     * With {@link #DECISION_FORCED} it times the force. Logged at DEBUG.
     */
    DECISION_WRITE,
    /** The commit decision was forced to the log. Logged at DEBUG. */
    DECISION_FORCED,
    /**
     * The outcome is rollback (detail: why). Nothing is written to the decision log: presumed abort.
     * {@link #TX_ROLLED_BACK} follows with the same reason. Logged at DEBUG.
     */
    DECISION_ROLLBACK,
    /** commit was sent to a branch (detail: "one-phase" for the 1PC optimisation). Logged at DEBUG. */
    COMMIT_SENT,
    /** A branch acknowledged its commit. Logged at DEBUG. */
    COMMITTED,
    /** rollback was sent to a branch. Logged at DEBUG. */
    ROLLBACK_SENT,
    /** A branch acknowledged its rollback. Logged at DEBUG. */
    ROLLED_BACK,
    /** A phase-2 call failed transiently and will be retried (detail: attempt and error). Logged at DEBUG. */
    RETRY,
    /**
     * Phase 2 stopped driving a branch (its resource refused the call, or the bounded retries got no answer):
     * recovery finishes it through a fresh connection of the resource named for it (detail: call and why).
     * Logged at WARN.
     */
    HANDED_TO_RECOVERY,
    /** A resource reported a heuristic outcome (detail: which). Logged at WARN. */
    HEURISTIC,
    /** The transaction timed out and was marked for rollback. Logged at INFO. */
    TIMEOUT,
    /** Every branch acknowledged; the end record was written. Logged at DEBUG. */
    END,
    /** The transaction is over with outcome committed. Logged at INFO. */
    TX_COMMITTED,
    /** The transaction is over with outcome rolled back. Logged at INFO. */
    TX_ROLLED_BACK,
    /**
     * Commit was decided, but a resource reported a heuristic outcome for some branch (detail: mixed or rollback, and
     * how many branches): the caller got a heuristic exception and the decision is kept for an operator.
     * Logged at WARN.
     */
    TX_HEURISTIC,
    /** Recovery committed a branch of a decided transaction. Logged at INFO. */
    RECOVERY_COMMIT,
    /** Recovery rolled back a prepared branch that had no decision. Logged at INFO. */
    RECOVERY_ROLLBACK,
    /** Recovery found a branch already finished (XAER_NOTA) or nothing to do. Logged at DEBUG. */
    RECOVERY_DONE,
    /**
     * Recovery could not scan a resource, or not finish a branch in it (detail: resource and error). Logged at
     * WARN.
     */
    RECOVERY_FAILED,
    /**
     * A recovery pass ended with a decision still open: a branch's resource is not registered, or could not
     * finish it yet (detail: what it waits for); at most once a minute per transaction unless that changes.
     * Logged at WARN.
     */
    RECOVERY_PENDING,
    /**
     * An operator ended a heuristic or in-doubt transaction by hand after reconciling its participants (detail:
     * the outcome the operator found and their reason). The END record follows.
     * Logged at WARN.
     */
    RESOLVED,
    /**
     * With a shared store: this coordinator took over a transaction of a node whose lease ran out, to finish it as
     * that node's recovery would (detail: the dead node, the taker, the new epoch). Recovery events follow.
     * Logged at INFO.
     */
    TAKEOVER
}
