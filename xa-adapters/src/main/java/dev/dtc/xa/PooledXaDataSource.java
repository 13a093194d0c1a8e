package dev.dtc.xa;

import dev.dtc.TransactionService;
import dev.dtc.xa.agroal.DtcTransactionIntegration;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.AgroalDataSourceMetrics;
import io.agroal.api.configuration.AgroalConnectionPoolConfiguration.ConnectionValidator;
import io.agroal.api.configuration.AgroalConnectionPoolConfiguration.ExceptionSorter;
import io.agroal.api.configuration.AgroalConnectionPoolConfiguration.TransactionRequirement;
import io.agroal.api.configuration.AgroalDataSourceConfiguration;
import io.agroal.api.configuration.supplier.AgroalConnectionFactoryConfigurationSupplier;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import javax.sql.XADataSource;

/**
 * A {@link TransactionalDataSource} on an Agroal pool whose connections come from the vendor's XADataSource and
 * join dtc's transactions through {@link DtcTransactionIntegration}. This class only configures Agroal and
 * answers for it; pooling, validation and eviction are Agroal's, enlistment and recovery the integration's.
 */
final class PooledXaDataSource implements TransactionalDataSource {

    /**
     * What the pool needs to know about a database.
     *
     * @param provider         the XADataSource class; Agroal makes its instances itself, by class
     * @param properties       set on each instance (by setter name) after the URL
     * @param connectionBroken which SQL errors mean the session is gone, so that the connection is closed instead
     *                         of pooled (Agroal's "exception sorter")
     */
    record Vendor(Class<? extends XADataSource> provider, Map<String, String> properties,
                  ExceptionSorter connectionBroken) {
    }

    private final String name;
    private final AgroalDataSource pool;
    private final DtcTransactionIntegration integration;
    private final AtomicBoolean closed = new AtomicBoolean();

    private PooledXaDataSource(String name, AgroalDataSource pool, DtcTransactionIntegration integration) {
        this.name = name;
        this.pool = pool;
        this.integration = integration;
    }

    /** Registers for recovery, then starts the pool (opening {@code minSize} connections in the background). */
    static PooledXaDataSource start(TransactionService dtc, Vendor vendor, String url, String user, String password,
                                    PoolSettings settings) {
        String name = settings.name() != null ? settings.name() : XaDataSources.defaultName(url);
        DtcTransactionIntegration integration = new DtcTransactionIntegration(dtc, name);
        try {
            // The pool's own class rather than AgroalDataSource.from(): no ServiceLoader lookup, so a shaded jar
            // that did not merge META-INF/services still works.
            AgroalDataSource pool = new io.agroal.pool.DataSource(
                    configuration(vendor, url, user, password, settings, integration), new PoolEventLog(name));
            return new PooledXaDataSource(name, pool, integration);
        } catch (RuntimeException | Error e) {
            integration.close();
            throw e;
        }
    }

    private static AgroalDataSourceConfiguration configuration(Vendor vendor, String url, String user, String password,
                                                               PoolSettings s, DtcTransactionIntegration integration) {
        return new AgroalDataSourceConfigurationSupplier()
                .metricsEnabled(true) // counters are LongAdders: cheap, and what stats() reports
                .connectionPoolConfiguration(pool -> pool
                        .transactionIntegration(integration)
                        // outside a transaction it is an ordinary auto-commit pool
                        .transactionRequirement(TransactionRequirement.OFF)
                        .recoveryEnable(true)
                        .initialSize(s.minSize())
                        .minSize(s.minSize())
                        .maxSize(s.maxSize())
                        .acquisitionTimeout(s.acquireTimeout())
                        .connectionValidator(validator(s))
                        .validateOnBorrow(s.validateAfterIdle().isZero())
                        .idleValidationTimeout(s.validateAfterIdle())
                        .validationTimeout(s.validationInterval()) // Agroal's name for the background interval
                        .leakTimeout(s.leakTimeout())
                        .reapTimeout(s.idleTimeout())
                        .exceptionSorter(vendor.connectionBroken())
                        .connectionFactoryConfiguration(factory -> connectionFactory(factory, vendor, url, user, password)))
                .get();
    }

    private static AgroalConnectionFactoryConfigurationSupplier connectionFactory(
            AgroalConnectionFactoryConfigurationSupplier factory, Vendor vendor, String url, String user, String password) {
        factory.connectionProviderClass(vendor.provider())
                .jdbcUrl(url)
                .autoCommit(true)
                // recovery gets connections of its own, opened outside the pool: a scan must not wait for (or
                // take) a connection the application needs
                .poolRecovery(false);
        if (user != null) {
            factory.principal(new NamePrincipal(user));
        }
        if (password != null) {
            factory.credential(new SimplePassword(password));
        }
        vendor.properties().forEach(factory::xaProperty);
        return factory;
    }

    private static ConnectionValidator validator(PoolSettings s) {
        int seconds = (int) Math.min(Integer.MAX_VALUE, (s.validationTimeout().toMillis() + 999) / 1000);
        return s.validationQuery() == null
                ? ConnectionValidator.defaultValidatorWithTimeout(seconds)
                : ConnectionValidator.sqlValidator(s.validationQuery(), seconds);
    }

    // ---------------------------------------------------------------- TransactionalDataSource

    @Override
    public String name() {
        return name;
    }

    @Override
    public PoolStats stats() {
        AgroalDataSourceMetrics m = pool.getMetrics();
        return new PoolStats(m.activeCount(), m.availableCount(), m.awaitingCount(), m.maxUsedCount(),
                m.creationCount(), m.destroyCount(), m.acquireCount(), m.invalidCount(), m.flushCount(),
                m.reapCount(), m.leakDetectionCount());
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                pool.close(); // Agroal takes back its recovery factory, which unregisters
            } finally {
                integration.close();
            }
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        return pool.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("data source " + name + " connects as the user it was created"
                + " with; create another data source for another user");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    /** Also unwraps to the {@link AgroalDataSource} underneath, for what only Agroal offers (e.g. flush). */
    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        if (type.isInstance(pool)) {
            return type.cast(pool);
        }
        throw new SQLException("data source " + name + " is not a " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this) || type.isInstance(pool);
    }

    @Override
    public String toString() {
        return "TransactionalDataSource[" + name + "]";
    }
}
