package dev.dtc.internal.twopc;

/**
 * What an answer to commit or rollback means for a branch, by who asked: the tables of docs/protocol.md ("Phase
 * 2" and "Recovery") in one place, so the first call, the retrier and recovery cannot drift apart.
 *
 * <p>The same code means different things at different moments. XAER_NOTA on the first commit of a branch that
 * has just voted commit means somebody else finished it (a heuristic hazard); on a retry it means the earlier
 * attempt landed; to recovery it means the branch is gone only if the resource's own scan did not list it (on
 * MariaDB another session that still holds a prepared branch makes it unknown to every other session).
 */
public final class Answers {

    /** Who sends the call. */
    public enum Attempt {
        /** Phase 2's first call, right after the decision (or the rollback). */
        FIRST,
        /** The retrier, after a first call that got no answer. */
        RETRY,
        /** Recovery, for a branch that the resource's {@code recover()} listed in this pass. */
        RECOVERY_LISTED,
        /** Recovery, for a branch of the resource being scanned that its {@code recover()} did not list. */
        RECOVERY_UNLISTED;

        /** Recovery's call, rather than phase 2's. */
        public boolean byRecovery() {
            return this == RECOVERY_LISTED || this == RECOVERY_UNLISTED;
        }
    }

    /** What to do next. */
    public enum Verdict {
        /** Done: committed (or rolled back) as decided. */
        DONE,
        /** Recovery found the branch gone from the resource named for it: finished. */
        ABSENT,
        /** The resource rolled the branch back although commit was decided. */
        HEURISTIC_ROLLBACK,
        /** The resource did something else than decided, in part or in whole, or cannot tell. */
        HEURISTIC_MIXED,
        /** No answer: ask again later. */
        RETRY,
        /** Stop asking through this object: recovery reaches the branch through a fresh connection of its resource. */
        TO_RECOVERY,
        /** Recovery could not finish it this pass; the next pass tries again. */
        NOT_FINISHED
    }

    /** A verdict with the error behind it, in words ({@link Failure#describe}), or null after a normal return. */
    public record Result(Verdict verdict, String detail) {
    }

    private Answers() {
    }

    /**
     * The answer to {@code commit(xid, false)} of a branch of a commit decision.
     *
     * @param failure null when the call returned normally
     */
    public static Verdict toCommit(Failure failure, Attempt attempt) {
        if (failure == null || failure == Failure.HEURISTIC_COMMIT) {
            return Verdict.DONE;
        }
        return switch (failure) {
            case UNKNOWN_BRANCH -> switch (attempt) {
                // The branch voted commit a moment ago, so the resource knew it; nothing of ours finished it.
                case FIRST -> Verdict.HEURISTIC_MIXED;
                case RETRY -> Verdict.DONE;
                case RECOVERY_LISTED -> Verdict.NOT_FINISHED;
                case RECOVERY_UNLISTED -> Verdict.ABSENT;
            };
            case ROLLED_BACK, HEURISTIC_ROLLBACK -> Verdict.HEURISTIC_ROLLBACK;
            case HEURISTIC_MIXED, HEURISTIC_HAZARD -> Verdict.HEURISTIC_MIXED;
            case UNAVAILABLE -> attempt.byRecovery() ? Verdict.NOT_FINISHED : Verdict.RETRY;
            // The resource refused, and repeating the call on the same object will not change its mind; pgjdbc
            // answers this way on a session the server ended. Recovery tries through a fresh connection.
            default -> attempt.byRecovery() ? Verdict.NOT_FINISHED : Verdict.TO_RECOVERY;
        };
    }

    /**
     * The answer to {@code rollback(xid)}. Nothing is logged for a rollback (presumed abort): a branch that cannot
     * be rolled back now is left prepared, and recovery rolls it back once it finds it without a decision.
     *
     * @param failure null when the call returned normally
     */
    public static Verdict toRollback(Failure failure, Attempt attempt) {
        if (failure == null) {
            return Verdict.DONE;
        }
        return switch (failure) {
            case ROLLED_BACK, HEURISTIC_ROLLBACK -> Verdict.DONE;
            // Rolled back already; to recovery, a listed branch unknown to this session is still held by another.
            case UNKNOWN_BRANCH -> attempt == Attempt.RECOVERY_LISTED ? Verdict.NOT_FINISHED : Verdict.DONE;
            case HEURISTIC_COMMIT, HEURISTIC_MIXED, HEURISTIC_HAZARD -> Verdict.HEURISTIC_MIXED;
            case UNAVAILABLE -> attempt.byRecovery() ? Verdict.NOT_FINISHED : Verdict.RETRY;
            default -> attempt.byRecovery() ? Verdict.NOT_FINISHED : Verdict.TO_RECOVERY;
        };
    }
}
