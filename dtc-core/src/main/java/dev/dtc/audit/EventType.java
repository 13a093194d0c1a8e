package dev.dtc.audit;

/** The audit events. Names are stable: operators grep for them and tests assert on them. */
public enum EventType {
    /** A transaction began. */
    BEGIN,
    /** A resource was enlisted as a branch (detail: resource class). */
    ENLIST,
    /** A branch was delisted (detail: flag). */
    DELIST,
    /**
     * The application (or a client of the HTTP face) asked to commit and phase one starts (detail: how many branches).
     * With {@link #TX_COMMITTED}, {@link #TX_ROLLED_BACK} or {@link #TX_HEURISTIC} it times the commit.
     */
    COMMIT_REQUESTED,
    /** prepare was sent to a branch. */
    PREPARE_SENT,
    /** A branch voted to commit. */
    VOTE_COMMIT,
    /** A branch voted read-only: it takes no part in phase 2. */
    VOTE_READ_ONLY,
    /** A branch voted to abort, failed, or did not answer in time (detail: why). */
    VOTE_ABORT,
    /** Every branch voted commit: the commit decision is being written and forced (detail: how many branches). */
    DECISION_WRITE,
    /** The commit decision was forced to the log. */
    DECISION_FORCED,
    /** The outcome is rollback (detail: why). Nothing is logged: presumed abort. */
    DECISION_ROLLBACK,
    /** commit was sent to a branch (detail: "one-phase" for the 1PC optimisation). */
    COMMIT_SENT,
    /** A branch acknowledged its commit. */
    COMMITTED,
    /** rollback was sent to a branch. */
    ROLLBACK_SENT,
    /** A branch acknowledged its rollback. */
    ROLLED_BACK,
    /** A phase-2 call failed transiently and will be retried (detail: attempt and error). */
    RETRY,
    /**
     * Phase 2 stopped driving a branch (its resource refused the call, or the bounded retries got no answer):
     * recovery finishes it through a fresh connection of the resource named for it (detail: call and why).
     */
    HANDED_TO_RECOVERY,
    /** A resource reported a heuristic outcome (detail: which). */
    HEURISTIC,
    /** The transaction timed out and was marked for rollback. */
    TIMEOUT,
    /** Every branch acknowledged; the end record was written. */
    END,
    /** The transaction is over with outcome committed. */
    TX_COMMITTED,
    /** The transaction is over with outcome rolled back. */
    TX_ROLLED_BACK,
    /**
     * Commit was decided, but a resource reported a heuristic outcome for some branch (detail: mixed or rollback, and
     * how many branches): the caller got a heuristic exception and the decision is kept for an operator. WARN.
     */
    TX_HEURISTIC,
    /** Recovery committed a branch of a decided transaction. */
    RECOVERY_COMMIT,
    /** Recovery rolled back a prepared branch that had no decision. */
    RECOVERY_ROLLBACK,
    /** Recovery found a branch already finished (XAER_NOTA) or nothing to do. */
    RECOVERY_DONE,
    /** Recovery could not scan a resource, or not finish a branch in it (detail: resource and error). WARN. */
    RECOVERY_FAILED,
    /**
     * A recovery pass ended with a decision still open: a branch's resource is not registered, or could not
     * finish it yet (detail: what it waits for). WARN, at most once a minute per transaction unless that changes.
     */
    RECOVERY_PENDING,
    /**
     * An operator ended a heuristic or in-doubt transaction by hand after reconciling its participants (detail:
     * the outcome the operator found and their reason). The END record follows. WARN.
     */
    RESOLVED,
    /**
     * With a shared store: this coordinator took over a transaction of a node whose lease ran out, to finish it as
     * that node's recovery would (detail: the dead node, the taker, the new epoch). Recovery events follow.
     */
    TAKEOVER
}
