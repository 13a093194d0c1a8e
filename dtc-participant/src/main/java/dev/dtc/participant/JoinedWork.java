package dev.dtc.participant;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A service's part of one call inside a transaction it {@linkplain Participant#join joined}: runs in the
 * participant's XA branch of that transaction, which stays open (ACTIVE) between calls until the coordinator
 * prepares or rolls it back.
 *
 * @param <T> what the call answers its caller
 */
@FunctionalInterface
public interface JoinedWork<T> {

    /**
     * Does this call's work.
     *
     * @param connection a connection inside the transaction's branch, autocommit off; the same connection for
     *                   every call of the transaction. Do not commit, roll back, change autocommit or close it:
     *                   the kit ends the branch when the coordinator asks.
     * @return the call's answer
     * @throws Refusal      to refuse: the transaction can no longer commit here (the branch is rolled back at once
     *                      and this participant votes ABORT with the reason); rethrown by {@link Participant#join}
     * @throws SQLException the same, with the database's message as the reason
     */
    T perform(Connection connection) throws Refusal, SQLException;
}
