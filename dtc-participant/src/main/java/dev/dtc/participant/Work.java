package dev.dtc.participant;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * This service's part of a transaction: the one method a service author writes.
 *
 * <p>The kit calls it when the coordinator asks this participant to prepare, inside an XA branch of the
 * service's own database, and then prepares that branch: the work's locks are held until the coordinator
 * decides. The method may run again for the same transaction only if an earlier run did not end in a recorded
 * vote (for example the database was unreachable and the vote was ABORT without a record).
 */
@FunctionalInterface
public interface Work {

    /**
     * Does this service's part of a transaction.
     *
     * @param transactionId the coordinator's id of the transaction (1–64 of {@code A-Za-z0-9._~-})
     * @param payload       what the coordinator was given for this participant (any JSON value, JSON null if none)
     * @param connection    a connection already inside the transaction's branch, autocommit off. Do not commit,
     *                      roll back, change autocommit or close it: the kit ends the branch.
     * @return true if the work changed something (the vote is COMMIT), false if there was nothing to do here
     *         (the vote is READ_ONLY, and the coordinator will not call again for this transaction)
     * @throws Refusal      to vote ABORT with a reason the coordinator reports, e.g. "insufficient stock for sku-7"
     * @throws SQLException votes ABORT with the exception's message as the reason
     */
    boolean perform(String transactionId, JsonNode payload, Connection connection) throws Refusal, SQLException;
}
