package dev.dtc.spring.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An order shop on two databases: orders on PostgreSQL, stock reservations on MySQL/MariaDB, each placed in one
 * {@code @Transactional} method that dtc commits atomically across both. Run it with
 * {@code ./mvnw -pl dtc-spring-boot-sample spring-boot:run} (after {@code ./mvnw -B install -DskipTests}), with the
 * databases of {@code application.yml}.
 */
@SpringBootApplication
public class SampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }
}
