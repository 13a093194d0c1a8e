package dev.dtc.spring.sample;

import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.DataSourceInitializer;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * Creates the sample's tables if they are missing, one script per database (Spring Boot's {@code spring.sql.init}
 * knows only the primary data source): {@code schema-orders.sql} on PostgreSQL, {@code schema-stock.sql} on
 * MySQL/MariaDB. Hibernate leaves the schema alone ({@code spring.jpa.hibernate.ddl-auto: none}).
 */
@Configuration(proxyBeanMethods = false)
public class SchemaConfiguration {

    @Bean
    public DataSourceInitializer ordersSchema(@Qualifier("orders") DataSource orders) {
        return initializer(orders, "schema-orders.sql");
    }

    @Bean
    public DataSourceInitializer stockSchema(@Qualifier("stock") DataSource stock) {
        return initializer(stock, "schema-stock.sql");
    }

    private static DataSourceInitializer initializer(DataSource dataSource, String script) {
        DataSourceInitializer initializer = new DataSourceInitializer();
        initializer.setDataSource(dataSource);
        initializer.setDatabasePopulator(new ResourceDatabasePopulator(new ClassPathResource(script)));
        return initializer;
    }
}
