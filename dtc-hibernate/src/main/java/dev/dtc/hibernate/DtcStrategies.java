package dev.dtc.hibernate;

import java.util.List;
import org.hibernate.boot.registry.selector.SimpleStrategyRegistrationImpl;
import org.hibernate.boot.registry.selector.StrategyRegistration;
import org.hibernate.boot.registry.selector.StrategyRegistrationProvider;
import org.hibernate.engine.transaction.jta.platform.spi.JtaPlatform;

/**
 * Registers {@link DtcJtaPlatform} with Hibernate under the short name {@code dtc}, so
 * {@code hibernate.transaction.jta.platform=dtc} works as well as the class name. Found by Hibernate through
 * {@code META-INF/services}.
 */
public final class DtcStrategies implements StrategyRegistrationProvider {

    /** The short name of {@link DtcJtaPlatform}: {@value}. */
    public static final String SHORT_NAME = "dtc";

    @Override
    public Iterable<StrategyRegistration> getStrategyRegistrations() {
        return List.of(new SimpleStrategyRegistrationImpl<>(JtaPlatform.class, DtcJtaPlatform.class, SHORT_NAME));
    }
}
