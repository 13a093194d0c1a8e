package dev.dtc.spring.sample.orders;

import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.orm.jpa.EntityManagerFactoryBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

/**
 * The JPA persistence unit of the orders database. {@code jta(true)} makes it a JTA unit on the {@code orders} data
 * source; Spring Boot's builder already carries the JTA platform (its {@code SpringJtaPlatform} on the
 * {@code transactionManager} bean, dtc's {@code JtaTransactionManager}), so Hibernate joins dtc's transactions.
 */
@Configuration(proxyBeanMethods = false)
@EnableJpaRepositories(basePackageClasses = PurchaseOrderRepository.class,
        entityManagerFactoryRef = "ordersEntityManagerFactory", transactionManagerRef = "transactionManager")
public class OrdersJpaConfiguration {

    @Bean
    @Primary
    public LocalContainerEntityManagerFactoryBean ordersEntityManagerFactory(EntityManagerFactoryBuilder builder,
                                                                             @Qualifier("orders") DataSource orders) {
        return builder.dataSource(orders).packages(PurchaseOrder.class).persistenceUnit("orders").jta(true).build();
    }
}
