package dev.dtc.participant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * <b>For tests only.</b> Crash tests need a participant that dies at the worst instants: after its branch is
 * prepared but before the coordinator hears the vote, and after its branch is committed but before the coordinator
 * hears the acknowledgement. With the system property {@value #PROPERTY} set to {@code halt-after-prepare} or
 * {@code halt-after-commit} when the participant is built, the kit halts the JVM ({@link Runtime#halt}: no shutdown
 * hooks, no connection closed cleanly, like a power cut) at that point. Unset, the default, it does nothing.
 */
final class FaultHook {

    static final String PROPERTY = "dtc.participant.fault";

    /** Exit status of a deliberate halt, so a test can tell it from a real crash. */
    static final int HALT_STATUS = 86;

    private static final Logger LOG = LoggerFactory.getLogger(FaultHook.class);

    private final boolean haltAfterPrepare;
    private final boolean haltAfterCommit;

    private FaultHook(boolean haltAfterPrepare, boolean haltAfterCommit) {
        this.haltAfterPrepare = haltAfterPrepare;
        this.haltAfterCommit = haltAfterCommit;
    }

    static FaultHook fromSystemProperty() {
        String value = System.getProperty(PROPERTY, "");
        switch (value) {
            case "":
                return new FaultHook(false, false);
            case "halt-after-prepare":
                LOG.warn("{}={}: this JVM halts after its first XA prepare (a test setting)", PROPERTY, value);
                return new FaultHook(true, false);
            case "halt-after-commit":
                LOG.warn("{}={}: this JVM halts after its first commit (a test setting)", PROPERTY, value);
                return new FaultHook(false, true);
            default:
                throw new IllegalArgumentException("system property " + PROPERTY + "=" + value
                        + " is not understood: use halt-after-prepare or halt-after-commit (for tests), or leave it unset");
        }
    }

    void afterPrepare(String transactionId) {
        if (haltAfterPrepare) {
            halt(transactionId, "prepared");
        }
    }

    void afterCommit(String transactionId) {
        if (haltAfterCommit) {
            halt(transactionId, "committed");
        }
    }

    private static void halt(String transactionId, String state) {
        LOG.warn("transaction {}: {} — halting the JVM now ({})", transactionId, state, PROPERTY);
        Runtime.getRuntime().halt(HALT_STATUS);
    }
}
