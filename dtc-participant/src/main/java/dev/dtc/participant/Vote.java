package dev.dtc.participant;

/** A participant's answer to prepare, as the wire protocol spells it. */
public enum Vote {
    /** The work is done and prepared; it commits or rolls back as the coordinator decides. */
    COMMIT,
    /** The work was refused or failed and is rolled back; the transaction must roll back. */
    ABORT,
    /** There was nothing to do here; nothing is held, and no phase two is needed for this participant. */
    READ_ONLY
}
