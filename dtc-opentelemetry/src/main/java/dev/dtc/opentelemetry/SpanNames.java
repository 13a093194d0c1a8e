package dev.dtc.opentelemetry;

import io.opentelemetry.api.common.AttributeKey;

/** The span names and attribute keys dtc writes; they are stable (dashboards and tests name them). */
public final class SpanNames {
    /** One per transaction: BEGIN to its outcome. */
    public static final String TRANSACTION = "dtc.transaction";
    /** One per branch: prepare sent to its vote. */
    public static final String PREPARE = "dtc.prepare";
    /** The commit decision being written and forced to the decision log. */
    public static final String DECISION = "dtc.decision";
    /** One per branch: commit sent to its acknowledgement (or heuristic, or hand-over to recovery). */
    public static final String COMMIT = "dtc.commit";
    /** One per branch: rollback sent to its acknowledgement. */
    public static final String ROLLBACK = "dtc.rollback";

    /** The transaction id (the global transaction id as text). */
    public static final AttributeKey<String> TX_ID = AttributeKey.stringKey("dtc.transaction.id");
    /** The coordinator's node name. */
    public static final AttributeKey<String> NODE = AttributeKey.stringKey("dtc.node");
    /**
     * The transaction's outcome (COMMITTED, ROLLED_BACK, HEURISTIC), or a branch call's (COMMITTED, ROLLED_BACK,
     * HEURISTIC, HANDED_TO_RECOVERY).
     */
    public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("dtc.outcome");
    /** The branch (its Xid as text, as in the audit log). */
    public static final AttributeKey<String> BRANCH = AttributeKey.stringKey("dtc.branch");
    /** The branch's resource as enlisted (JTA: the XAResource, which pooled data sources name by database). */
    public static final AttributeKey<String> RESOURCE = AttributeKey.stringKey("dtc.resource");
    /** The HTTP face: the participant's name. */
    public static final AttributeKey<String> PARTICIPANT = AttributeKey.stringKey("dtc.participant");
    /** A branch's vote: COMMIT, READ_ONLY or ABORT. */
    public static final AttributeKey<String> VOTE = AttributeKey.stringKey("dtc.vote");
    /** On {@value #COMMIT}: the one-phase commit of a transaction with a single branch. */
    public static final AttributeKey<Boolean> ONE_PHASE = AttributeKey.booleanKey("dtc.one_phase");
    /** Set (true) on spans ended because the transaction was given up: see {@link DtcTracing}'s bound. */
    public static final String ABANDONED = "dtc.abandoned";
    static final AttributeKey<Boolean> ABANDONED_KEY = AttributeKey.booleanKey(ABANDONED);
    /** Event attribute: the audit event's detail (a reason, an error). */
    static final AttributeKey<String> DETAIL = AttributeKey.stringKey("dtc.detail");

    private SpanNames() {
    }
}
