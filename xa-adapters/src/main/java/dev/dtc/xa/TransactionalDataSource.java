package dev.dtc.xa;

import javax.sql.DataSource;

/**
 * A pooled JDBC data source whose connections take part in dtc's JTA transactions on their own. Get one from
 * {@link XaDataSources#postgres(dev.dtc.TransactionService, String, String, String)} or
 * {@link XaDataSources#mysql(dev.dtc.TransactionService, String, String, String)}.
 *
 * <ul>
 *   <li>Inside a transaction, {@code getConnection()} enlists the connection's XA branch; further
 *       {@code getConnection()} calls in the same transaction return handles on the same physical connection,
 *       so the transaction has one branch per data source. Closing a handle does not end the branch: the
 *       connection goes back to the pool when the transaction completes.</li>
 *   <li>Outside a transaction it is an ordinary auto-commit pool.</li>
 *   <li>It is registered for recovery with its {@link dev.dtc.TransactionService} under {@link #name()} while it
 *       is open.</li>
 * </ul>
 *
 * <p>Take connections inside the transaction they are for: a connection taken before {@code begin()} stays
 * outside the transaction (auto-commit) even when used after it.
 */
public interface TransactionalDataSource extends DataSource, AutoCloseable {

    /** The name it is registered under for recovery. */
    String name();

    /** The pool's gauges and counters now. */
    PoolStats stats();

    /**
     * Closes every connection and unregisters from recovery. Call it after the transactions using it completed;
     * branches left prepared are finished by recovery through another data source of the same name.
     */
    @Override
    void close();
}
