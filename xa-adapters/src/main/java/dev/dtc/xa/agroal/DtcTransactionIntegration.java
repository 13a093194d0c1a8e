package dev.dtc.xa.agroal;

import dev.dtc.ConfigurationException;
import dev.dtc.TransactionService;
import dev.dtc.xa.RecoveryConnection;
import dev.dtc.xa.XaRecovery;
import io.agroal.api.transaction.TransactionAware;
import io.agroal.api.transaction.TransactionIntegration;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.SystemException;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.sql.SQLException;
import java.util.Objects;
import javax.transaction.xa.XAResource;

/**
 * Agroal's {@link TransactionIntegration} for a dtc {@link TransactionService}: what makes an Agroal pool's
 * connections join the thread's JTA transaction. One instance per pool; it is what dev.dtc.xa's
 * {@code XaDataSources.postgres(service, ...)} / {@code mysql(service, ...)} plug in, and may be plugged into any
 * Agroal pool over an {@code XADataSource}:
 *
 * <pre>{@code
 * DtcTransactionIntegration dtcIntegration = new DtcTransactionIntegration(service, "orders-db");
 * new AgroalConnectionPoolConfigurationSupplier().transactionIntegration(dtcIntegration) ...
 * }</pre>
 *
 * <p>What it does for Agroal:
 * <ul>
 *   <li><b>Enlistment</b>: the first connection the pool hands out in a transaction gets an XA branch
 *       ({@link EnlistedConnection} is the XAResource enlisted) and is kept in the transaction's resources
 *       ({@link TransactionSynchronizationRegistry#putResource}) under this integration's key;
 *       {@link #getTransactionAware()} returns it to every later {@code getConnection()} in the same transaction,
 *       so one data source has one branch per transaction, on one physical connection. (Neither PostgreSQL nor
 *       MySQL can join a branch from a second connection, so this is also what keeps one branch per data source
 *       possible at all.)</li>
 *   <li><b>Return after completion</b>: the connection goes back to the pool from an interposed synchronization's
 *       {@code afterCompletion}, not when the application closes its handle.</li>
 *   <li><b>Recovery</b>: the constructor registers {@code name} with {@code service.recovery()}; scans use a
 *       connection of their own opened from the pool's recovery factory (given by Agroal when the pool starts,
 *       taken back when it closes), reopened whenever it stopped answering. Closing the pool unregisters.</li>
 * </ul>
 *
 * <p>Like Agroal with any transaction manager, there is no lazy enlistment: a connection taken outside a
 * transaction stays outside it.
 */
public final class DtcTransactionIntegration implements TransactionIntegration, AutoCloseable {

    private final TransactionManager tm;
    private final TransactionSynchronizationRegistry tsr;
    private final String name;
    /** This pool's key in each transaction's resources. */
    private final Object key;
    private final PoolRecoverySource recoverySource;
    private final RecoveryConnection recovery;

    /**
     * @param service the transaction service whose transactions the pool's connections join
     * @param name    the pool's name, registered with {@code service.recovery()}: unique per service
     * @throws ConfigurationException if the name is blank or already registered with the service's recovery
     */
    public DtcTransactionIntegration(TransactionService service, String name) {
        Objects.requireNonNull(service, "service");
        if (name == null || name.isBlank()) {
            throw new ConfigurationException("a data source needs a non-blank name to register for recovery");
        }
        this.tm = service.transactionManager();
        this.tsr = service.synchronizationRegistry();
        this.name = name;
        this.key = new Object() {
            @Override
            public String toString() {
                return "pool:" + name;
            }
        };
        this.recoverySource = new PoolRecoverySource(name);
        try {
            this.recovery = XaRecovery.register(service.recovery(), name, recoverySource);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("a data source named '" + name + "' is already registered for recovery"
                    + " with this TransactionService: give each data source its own name (PoolSettings.builder()"
                    + ".name(...)), or close the other one first", e);
        }
    }

    /** The name registered for recovery. */
    public String name() {
        return name;
    }

    // ---------------------------------------------------------------- connections

    @Override
    public TransactionAware getTransactionAware() throws SQLException {
        Transaction tx = current();
        if (tx == null) {
            return null;
        }
        int status = status(tx);
        if (acceptsWork(status)) {
            return (TransactionAware) tsr.getResource(key);
        }
        if (status == Status.STATUS_ROLLEDBACK || status == Status.STATUS_ROLLING_BACK) {
            // e.g. it timed out: a connection now would run outside it, and the work would commit on its own
            throw new SQLException("transaction " + tx + " has rolled back (it may have timed out): no connection"
                    + " of " + name + " can join it. End it with rollback() and begin a new one.");
        }
        return null; // completing or committed (e.g. afterCompletion code): a plain auto-commit connection
    }

    @Override
    public void associate(TransactionAware connection, XAResource xaResource) throws SQLException {
        Transaction tx = current();
        if (tx != null && acceptsWork(status(tx))) {
            if (tsr.getResource(key) == null) {
                enlist(tx, connection, xaResource);
            } else {
                connection.transactionStart(); // another handle on the connection already in the branch
            }
        }
        connection.transactionCheckCallback(this::transactionRunning);
    }

    /**
     * The synchronization first, the branch second, the resource last: if the transaction stops accepting work in
     * between (a timeout marks it rollback-only from another thread), nothing is left half done. A
     * synchronization without a branch does nothing; a branch without a synchronization would never give its
     * connection back.
     */
    private void enlist(Transaction tx, TransactionAware connection, XAResource xaResource) throws SQLException {
        if (xaResource == null) {
            throw new SQLException("the pool of " + name + " hands out connections without an XAResource: configure"
                    + " it with an XADataSource (connectionProviderClass) to use it with dtc");
        }
        EnlistedConnection branch = new EnlistedConnection(connection, xaResource, recoverySource, name);
        try {
            tsr.registerInterposedSynchronization(branch);
        } catch (IllegalStateException e) {
            throw new SQLException("transaction " + tx + " no longer accepts connections: " + e.getMessage(), e);
        }
        try {
            if (!tx.enlistResource(branch)) {
                throw new SystemException("enlistResource refused the connection");
            }
        } catch (RollbackException e) {
            branch.abandon();
            throw new SQLException("transaction " + tx + " is marked rollback-only, so no connection of " + name
                    + " may join it: roll it back", e);
        } catch (SystemException | RuntimeException e) {
            branch.abandon();
            throw new SQLException("could not enlist a connection of " + name + " in transaction " + tx + ": "
                    + e.getMessage(), e);
        }
        tsr.putResource(key, connection);
    }

    @Override
    public boolean disassociate(TransactionAware connection) throws SQLException {
        Transaction tx = current();
        if (tx != null && acceptsWork(status(tx)) && tsr.getResource(key) == connection) {
            tsr.putResource(key, null);
        }
        return true;
    }

    private Boolean transactionRunning() throws SQLException {
        Transaction tx = current();
        if (tx == null) {
            return false;
        }
        int status = status(tx);
        return status != Status.STATUS_NO_TRANSACTION && status != Status.STATUS_COMMITTED
                && status != Status.STATUS_ROLLEDBACK && status != Status.STATUS_UNKNOWN;
    }

    private static boolean acceptsWork(int status) {
        return status == Status.STATUS_ACTIVE || status == Status.STATUS_MARKED_ROLLBACK;
    }

    private Transaction current() throws SQLException {
        try {
            return tm.getTransaction();
        } catch (SystemException e) {
            throw new SQLException("could not read the thread's transaction: " + e.getMessage(), e);
        }
    }

    private static int status(Transaction tx) throws SQLException {
        try {
            return tx.getStatus();
        } catch (SystemException e) {
            throw new SQLException("could not read the status of transaction " + tx + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- recovery

    /** Agroal: the pool started and offers connections for recovery. */
    @Override
    public void addResourceRecoveryFactory(ResourceRecoveryFactory factory) {
        recoverySource.attach(factory);
    }

    /** Agroal: the pool is closing. Recovery of this data source stops with it. */
    @Override
    public void removeResourceRecoveryFactory(ResourceRecoveryFactory factory) {
        recoverySource.detach(factory);
        recovery.close();
    }

    /** Unregisters from recovery and closes its connection; for a pool that failed to start. Idempotent. */
    @Override
    public void close() {
        recovery.close();
    }

    @Override
    public String toString() {
        return "DtcTransactionIntegration[" + name + "]";
    }
}
