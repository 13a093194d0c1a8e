package dev.dtc.spring.boot;

import dev.dtc.ConfigurationException;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.ClassUtils;

/**
 * Checks the {@code dtc.*} properties before anything is built, and turns the {@link ConfigurationException}s of
 * dtc's builders into Spring Boot's {@link InvalidConfigurationPropertyValueException}, which names the property to
 * fix (Boot's failure analysis prints it, with where the value came from, when start-up fails).
 *
 * <p>The rules on values (ranges, node name characters) stay where they are, in {@code TransactionService.Builder}
 * and {@code PoolSettings.Builder}; here is only what the builders cannot know: which property a setting came
 * from, and what only a Spring application can get wrong (no URL, a URL of an unsupported database, a missing
 * driver, two primaries).
 */
final class DtcPropertiesCheck {

    static final String PREFIX = "dtc";
    static final String DATASOURCES = PREFIX + ".datasources";

    private DtcPropertiesCheck() {
    }

    /** The properties {@code TransactionService.Builder} cannot do without. */
    static void checkService(DtcProperties p) {
        if (p.nodeName() == null || p.nodeName().isBlank()) {
            throw invalid("node-name", p.nodeName(), "dtc.node-name is required: a name of 1 to 32 characters"
                    + " (A-Z a-z 0-9 . _ -) unique to this coordinator, e.g. dtc.node-name=orders-1");
        }
        if (p.logDirectory() == null) {
            throw invalid("log-directory", null, "dtc.log-directory is required: a directory on local disk for"
                    + " the decision log of this node, e.g. dtc.log-directory=/var/lib/dtc/orders-1");
        }
    }

    /** Every {@code dtc.datasources} entry, before any data source is registered. */
    static void checkDataSources(Map<String, DtcProperties.DataSource> dataSources, ClassLoader classLoader) {
        for (Map.Entry<String, DtcProperties.DataSource> e : dataSources.entrySet()) {
            checkDataSource(e.getKey(), e.getValue(), classLoader);
        }
        List<String> primaries = dataSources.entrySet().stream().filter(e -> e.getValue().primary())
                .map(e -> DATASOURCES + "." + e.getKey() + ".primary").toList();
        if (primaries.size() > 1) {
            throw new InvalidConfigurationPropertyValueException(primaries.get(1), true, "only one data source may"
                    + " be primary, and " + String.join(" and ", primaries) + " are both true: keep one");
        }
    }

    private static void checkDataSource(String name, DtcProperties.DataSource ds, ClassLoader classLoader) {
        String url = ds.url();
        if (url == null || url.isBlank()) {
            throw invalid(name, "url", url, DATASOURCES + "." + name + ".url is required: the JDBC URL of the"
                    + " database, e.g. " + JdbcUrls.EXAMPLES);
        }
        JdbcUrls.Vendor vendor = JdbcUrls.vendorOf(url);
        if (vendor == null) {
            throw invalid(name, "url", JdbcUrls.withoutSecrets(url), "dtc's XA data sources support PostgreSQL"
                    + " and MySQL/MariaDB, and the URL's prefix says which: give " + JdbcUrls.EXAMPLES);
        }
        if (!ClassUtils.isPresent(vendor.xaDataSourceClass, classLoader)) {
            throw invalid(name, "url", JdbcUrls.withoutSecrets(url), "the JDBC driver for this URL is not on the"
                    + " class path: add the dependency " + vendor.driverArtifact);
        }
    }

    /**
     * A {@code TransactionService.Builder} refusal, as the property it came from. The builder's messages start with
     * the name of its setting ("nodeName ...", "defaultTimeout must be ...").
     */
    static RuntimeException serviceProblem(ConfigurationException e, DtcProperties p) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        String property;
        Object value;
        if (m.startsWith("nodeName") || m.startsWith("a coordinator named")) {
            property = "node-name";
            value = p.nodeName();
        } else if (m.startsWith("defaultTimeout")) {
            property = "default-timeout";
            value = p.defaultTimeout();
        } else if (m.startsWith("recoveryInterval")) {
            property = "recovery-interval";
            value = p.recoveryInterval();
        } else if (m.startsWith("recoveryGracePeriod")) {
            property = "recovery-grace-period";
            value = p.recoveryGracePeriod();
        } else if (m.startsWith("retryBackoff initial")) {
            property = "retry-initial-delay";
            value = p.retryInitialDelay();
        } else if (m.startsWith("retryBackoff maximum")) {
            property = "retry-max-delay";
            value = p.retryMaxDelay();
        } else if (m.startsWith("logSegmentBytes")) {
            property = "log-segment-size";
            value = p.logSegmentSize();
        } else if (m.startsWith("cannot open the decision log") || m.startsWith("logDirectory")) {
            property = "log-directory";
            value = p.logDirectory();
        } else {
            return new IllegalStateException("dtc could not start its transaction service (dtc.node-name="
                    + p.nodeName() + ", dtc.log-directory=" + p.logDirectory() + "): " + m, e);
        }
        return withCause(invalid(property, value, m), e);
    }

    /**
     * A {@code PoolSettings.Builder} refusal, as the {@code dtc.datasources.<name>.*} property it came from: its
     * messages start with the setting's name ("maxSize must be ...", "minSize (3) must not exceed ...").
     */
    static RuntimeException poolProblem(String name, ConfigurationException e, DtcProperties.DataSource ds) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        String setting = m.split("[ :(]", 2)[0];
        String property = kebab(setting);
        Object value = switch (property) {
            case "min-size" -> ds.minSize();
            case "max-size" -> ds.maxSize();
            case "acquire-timeout" -> ds.acquireTimeout();
            case "validation-timeout" -> ds.validationTimeout();
            case "validation-query" -> ds.validationQuery();
            case "validate-after-idle" -> ds.validateAfterIdle();
            case "validation-interval" -> ds.validationInterval();
            case "leak-timeout" -> ds.leakTimeout();
            case "idle-timeout" -> ds.idleTimeout();
            default -> null;
        };
        if (value == null && !"validation-query".equals(property)) {
            return new IllegalStateException(DATASOURCES + "." + name + ": " + m, e);
        }
        return withCause(invalid(name, property, value, m), e);
    }

    /** The data source could not start (bad URL parameters, server unreachable, XA not enabled on it, ...). */
    static RuntimeException startProblem(String name, ConfigurationException e, DtcProperties.DataSource ds) {
        return withCause(invalid(name, "url", JdbcUrls.withoutSecrets(ds.url()), e.getMessage()), e);
    }

    private static InvalidConfigurationPropertyValueException invalid(String property, Object value, String reason) {
        return new InvalidConfigurationPropertyValueException(PREFIX + "." + property, value, reason);
    }

    private static InvalidConfigurationPropertyValueException invalid(String dataSource, String property,
                                                                      Object value, String reason) {
        return new InvalidConfigurationPropertyValueException(DATASOURCES + "." + dataSource + "." + property,
                value, reason);
    }

    /** Boot's exception takes no cause; the builder's exception, with its own cause, stays attached for the log. */
    private static RuntimeException withCause(RuntimeException e, Throwable cause) {
        e.addSuppressed(cause);
        return e;
    }

    /** maxSize -> max-size */
    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
