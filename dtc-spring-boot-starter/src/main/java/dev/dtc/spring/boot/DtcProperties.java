package dev.dtc.spring.boot;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The {@code dtc.*} properties: the one {@link dev.dtc.TransactionService} of the application and its
 * {@code dtc.datasources}. Defaults are those of {@code TransactionService.Builder} and
 * {@code dev.dtc.xa.PoolSettings}; {@link DtcPropertiesCheck} checks them at start and names the property to fix.
 *
 * @param enabled             false turns the whole auto-configuration off
 * @param nodeName            unique name of this coordinator, 1 to 32 characters of A-Z a-z 0-9 . _ - (it is part
 *                            of every Xid; required)
 * @param logDirectory        directory of the decision log on local disk, created if missing; it belongs to this
 *                            node (required)
 * @param defaultTimeout      timeout of transactions that set none; whole seconds, at least 1 s
 * @param recoveryInterval    how often recovery runs in the background; 0 turns the background runs off
 * @param recoveryGracePeriod how long recovery waits before rolling back a prepared branch of this process that
 *                            has no decision and is not in flight
 * @param retryInitialDelay   first delay of the phase-2 retries of a branch that could not be finished
 * @param retryMaxDelay       the longest delay between phase-2 retries
 * @param logSegmentSize      size at which a log segment is closed (segments are preallocated)
 * @param datasources         pooled XA data sources by bean name, each registered for recovery under that name:
 *                            dtc.datasources.NAME.url (required), username, password, primary, min-size (0),
 *                            max-size (10), acquire-timeout (30s), validation-timeout (5s), validation-query,
 *                            validate-after-idle (1s), validation-interval (2m), leak-timeout (0s, off),
 *                            idle-timeout (10m)
 */
@ConfigurationProperties("dtc")
public record DtcProperties(
        @DefaultValue("true") boolean enabled,
        String nodeName,
        Path logDirectory,
        @DefaultValue("60s") Duration defaultTimeout,
        @DefaultValue("30s") Duration recoveryInterval,
        @DefaultValue("10s") Duration recoveryGracePeriod,
        @DefaultValue("100ms") Duration retryInitialDelay,
        @DefaultValue("30s") Duration retryMaxDelay,
        @DefaultValue("16MB") DataSize logSegmentSize,
        Map<String, DataSource> datasources) {

    public DtcProperties {
        datasources = datasources == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(datasources));
    }

    /**
     * One {@code dtc.datasources.<name>} entry: a pooled data source whose connections join dtc's transactions.
     *
     * @param url                the JDBC URL; its prefix picks the database: {@code jdbc:postgresql:} for
     *                           PostgreSQL, {@code jdbc:mysql:} or {@code jdbc:mariadb:} for MySQL/MariaDB (both
     *                           through MySQL Connector/J; required)
     * @param username           the user to connect as (else taken from the URL)
     * @param password           the password (else taken from the URL, or none)
     * @param primary            this data source is the {@code @Primary} DataSource bean (the only entry is
     *                           primary without saying so)
     * @param minSize            connections kept open even when idle
     * @param maxSize            the most connections open at once (on PostgreSQL at most
     *                           max_prepared_transactions)
     * @param acquireTimeout     how long getConnection() waits for a free connection before it throws
     * @param validationTimeout  how long one validation may take; whole seconds, at least 1 s
     * @param validationQuery    SQL that validates a connection, e.g. SELECT 1 (else Connection.isValid)
     * @param validateAfterIdle  a connection idle longer than this is validated before it is handed out; 0
     *                           validates at every getConnection()
     * @param validationInterval how often idle connections are validated in the background; 0 turns it off
     * @param leakTimeout        a connection held outside a transaction longer than this is reported as a leak; 0
     *                           turns leak detection off
     * @param idleTimeout        an idle connection beyond min-size is closed after this long; 0 keeps them
     */
    public record DataSource(
            String url,
            String username,
            String password,
            @DefaultValue("false") boolean primary,
            @DefaultValue("0") int minSize,
            @DefaultValue("10") int maxSize,
            @DefaultValue("30s") Duration acquireTimeout,
            @DefaultValue("5s") Duration validationTimeout,
            String validationQuery,
            @DefaultValue("1s") Duration validateAfterIdle,
            @DefaultValue("2m") Duration validationInterval,
            @DefaultValue("0s") Duration leakTimeout,
            @DefaultValue("10m") Duration idleTimeout) {

        /** No password in logs and failure reports. */
        @Override
        public String toString() {
            return "DataSource[url=" + JdbcUrls.withoutSecrets(url) + ", username=" + username + ", primary="
                    + primary + ", minSize=" + minSize + ", maxSize=" + maxSize + "]";
        }
    }
}
