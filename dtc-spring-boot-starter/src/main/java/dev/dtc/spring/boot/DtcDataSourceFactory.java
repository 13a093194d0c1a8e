package dev.dtc.spring.boot;

import dev.dtc.ConfigurationException;
import dev.dtc.TransactionService;
import dev.dtc.xa.PoolSettings;
import dev.dtc.xa.TransactionalDataSource;
import dev.dtc.xa.XaDataSources;

/**
 * Makes the data source of one {@code dtc.datasources.<name>} entry with xa-adapters' factories: pooled, enlisting
 * itself in the transactions of the one {@link TransactionService}, and registered for its recovery under the
 * entry's name (so that name must stay the same while transactions may be in doubt). The bean factory calls
 * {@link #create} once per entry; {@link DtcDataSourceRegistrar} declares those beans.
 */
public final class DtcDataSourceFactory {

    private final TransactionService service;

    DtcDataSourceFactory(TransactionService service) {
        this.service = service;
    }

    /**
     * @throws org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException naming
     *         the property to fix, when the pool settings cannot work or the database refuses (cannot be reached,
     *         is not set up for XA)
     */
    public TransactionalDataSource create(String name, DtcProperties.DataSource ds) {
        PoolSettings settings;
        try {
            settings = PoolSettings.builder()
                    .name(name)
                    .minSize(ds.minSize())
                    .maxSize(ds.maxSize())
                    .acquireTimeout(ds.acquireTimeout())
                    .validationTimeout(ds.validationTimeout())
                    .validationQuery(ds.validationQuery())
                    .validateAfterIdle(ds.validateAfterIdle())
                    .validationInterval(ds.validationInterval())
                    .leakTimeout(ds.leakTimeout())
                    .idleTimeout(ds.idleTimeout())
                    .build();
        } catch (ConfigurationException e) {
            throw DtcPropertiesCheck.poolProblem(name, e, ds);
        }
        try {
            return switch (JdbcUrls.vendorOf(ds.url())) {
                case POSTGRESQL -> XaDataSources.postgres(service, ds.url(), ds.username(), ds.password(), settings);
                case MYSQL -> XaDataSources.mysql(service, JdbcUrls.forConnectorJ(ds.url()), ds.username(),
                        ds.password(), settings);
            };
        } catch (ConfigurationException e) {
            throw DtcPropertiesCheck.startProblem(name, e, ds);
        }
    }
}
