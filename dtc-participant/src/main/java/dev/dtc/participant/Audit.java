package dev.dtc.participant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: every step of every transaction, at INFO on the logger {@value #LOGGER}, each line starting
 * with {@code transaction <id> participant <name>:} so that one transaction can be followed across the coordinator
 * and its participants with a single grep for its id. Problems the operator must look at are WARN or ERROR on the
 * same logger. Steps of the participant itself (its registration with the coordinator) start with
 * {@code participant <name>:}.
 */
final class Audit {

    static final String LOGGER = "dev.dtc.participant.audit";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private final String participant;

    Audit(String participant) {
        this.participant = participant;
    }

    void step(String transactionId, String what) {
        LOG.info("transaction {} participant {}: {}", transactionId, participant, what);
    }

    void warn(String transactionId, String what) {
        LOG.warn("transaction {} participant {}: {}", transactionId, participant, what);
    }

    void warn(String transactionId, String what, Throwable cause) {
        LOG.warn("transaction {} participant {}: {}", transactionId, participant, what, cause);
    }

    void error(String transactionId, String what, Throwable cause) {
        LOG.error("transaction {} participant {}: {}", transactionId, participant, what, cause);
    }

    /** A step of the participant itself, not of a transaction. */
    void participantStep(String what) {
        LOG.info("participant {}: {}", participant, what);
    }

    void participantWarn(String what) {
        LOG.warn("participant {}: {}", participant, what);
    }

    void participantDebug(String what) {
        LOG.debug("participant {}: {}", participant, what);
    }
}
