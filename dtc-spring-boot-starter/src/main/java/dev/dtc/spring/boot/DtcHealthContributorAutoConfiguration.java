package dev.dtc.spring.boot;

import dev.dtc.TransactionService;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code dtc} health indicator, when the application has Spring Boot's actuator; off with
 * {@code management.health.dtc.enabled=false}.
 */
@AutoConfiguration(after = DtcAutoConfiguration.class,
        beforeName = "org.springframework.boot.actuate.autoconfigure.health.HealthEndpointAutoConfiguration")
@ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
@ConditionalOnBean({TransactionService.class, DtcStartupRecovery.class})
@ConditionalOnEnabledHealthIndicator("dtc")
public class DtcHealthContributorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "dtcHealthIndicator")
    public DtcHealthIndicator dtcHealthIndicator(TransactionService dtc, DtcStartupRecovery startupRecovery) {
        return new DtcHealthIndicator(dtc, startupRecovery);
    }
}
