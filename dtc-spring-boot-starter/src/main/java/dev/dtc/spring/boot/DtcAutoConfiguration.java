package dev.dtc.spring.boot;

import dev.dtc.ConfigurationException;
import dev.dtc.TransactionService;
import dev.dtc.audit.AuditListener;
import dev.dtc.micrometer.DtcMetrics;
import io.micrometer.core.instrument.binder.MeterBinder;
import dev.dtc.xa.TransactionalDataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.transaction.TransactionManagerCustomizers;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.transaction.jta.JtaTransactionManager;

/**
 * dtc in a Spring Boot application: the one {@link TransactionService} (from {@code dtc.*}), Spring's
 * {@link JtaTransactionManager} on its JTA objects (so {@code @Transactional} spans every data source), one pooled
 * XA data source bean per {@code dtc.datasources} entry, and a recovery scan once they all exist.
 *
 * <p>It runs before Spring Boot's DataSource, JPA, JTA and transaction auto-configurations, which then see these
 * beans and back off (no second pool, no {@code DataSourceTransactionManager}), and Boot's Hibernate support points
 * its JTA platform at the {@code JtaTransactionManager}.
 */
@AutoConfiguration(beforeName = {
        "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
        "org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration",
        "org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration",
        "org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration",
        "org.springframework.boot.autoconfigure.transaction.jta.JtaAutoConfiguration"})
@ConditionalOnProperty(prefix = "dtc", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(DtcProperties.class)
@Import(DtcDataSourceRegistrar.class)
public class DtcAutoConfiguration {

    /**
     * The application's one transaction service: every data source, the transaction manager, recovery and the
     * health indicator use it. Closed when the context closes, after the data sources.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public TransactionService dtcTransactionService(DtcProperties properties, ObjectProvider<AuditListener> listeners) {
        DtcPropertiesCheck.checkService(properties);
        TransactionService.Builder builder = TransactionService.builder()
                .nodeName(properties.nodeName())
                .logDirectory(properties.logDirectory())
                .defaultTimeout(properties.defaultTimeout())
                .recoveryInterval(properties.recoveryInterval())
                .recoveryGracePeriod(properties.recoveryGracePeriod())
                .retryBackoff(properties.retryInitialDelay(), properties.retryMaxDelay())
                .logSegmentBytes(properties.logSegmentSize().toBytes());
        listeners.orderedStream().forEach(builder::auditListener);
        try {
            return builder.build();
        } catch (ConfigurationException e) {
            throw DtcPropertiesCheck.serviceProblem(e, properties);
        }
    }

    /**
     * Spring's JTA transaction manager over dtc's TransactionManager, UserTransaction and
     * TransactionSynchronizationRegistry: what {@code @Transactional} and {@code TransactionTemplate} use. Boot's
     * {@code spring.transaction.*} customizations apply to it.
     */
    @Bean(name = "transactionManager")
    @ConditionalOnMissingBean(org.springframework.transaction.TransactionManager.class)
    public JtaTransactionManager transactionManager(TransactionService dtc,
                                                    ObjectProvider<TransactionManagerCustomizers> customizers) {
        JtaTransactionManager jta = new JtaTransactionManager(dtc.userTransaction(), dtc.transactionManager());
        jta.setTransactionSynchronizationRegistry(dtc.synchronizationRegistry());
        customizers.ifAvailable(c -> c.customize(jta));
        return jta;
    }

    /** Makes the {@code dtc.datasources} beans that {@link DtcDataSourceRegistrar} declares. */
    @Bean(name = DtcDataSourceRegistrar.FACTORY_BEAN)
    public DtcDataSourceFactory dtcDataSourceFactory(TransactionService dtc) {
        return new DtcDataSourceFactory(dtc);
    }

    /** The recovery scan once every data source exists. */
    @Bean
    public DtcStartupRecovery dtcStartupRecovery(TransactionService dtc,
                                                 ObjectProvider<TransactionalDataSource> dataSources) {
        return new DtcStartupRecovery(dtc, dataSources);
    }

    /**
     * dtc's meters ({@code dtc-micrometer}): a {@link MeterBinder} that Boot binds to every {@code MeterRegistry}
     * it configures (with the actuator), over the service and every pooled data source of the context. Only when
     * Micrometer is on the class path, so the starter still loads without it.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"io.micrometer.core.instrument.MeterRegistry", "dev.dtc.micrometer.DtcMetrics"})
    static class DtcMetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        DtcMetrics dtcMetrics(TransactionService dtc, ObjectProvider<TransactionalDataSource> dataSources) {
            DtcMetrics metrics = new DtcMetrics(dtc);
            dataSources.orderedStream().forEach(metrics::dataSource);
            return metrics;
        }
    }
}
