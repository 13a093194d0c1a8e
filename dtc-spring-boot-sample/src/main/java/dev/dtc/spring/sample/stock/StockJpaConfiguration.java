package dev.dtc.spring.sample.stock;

import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.orm.jpa.EntityManagerFactoryBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

/** The JPA persistence unit of the stock database: a JTA unit on the {@code stock} data source, as for orders. */
@Configuration(proxyBeanMethods = false)
@EnableJpaRepositories(basePackageClasses = StockReservationRepository.class,
        entityManagerFactoryRef = "stockEntityManagerFactory", transactionManagerRef = "transactionManager")
public class StockJpaConfiguration {

    @Bean
    public LocalContainerEntityManagerFactoryBean stockEntityManagerFactory(EntityManagerFactoryBuilder builder,
                                                                            @Qualifier("stock") DataSource stock) {
        return builder.dataSource(stock).packages(StockReservation.class).persistenceUnit("stock").jta(true).build();
    }
}
