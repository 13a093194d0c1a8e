package dev.dtc.xa;

import dev.dtc.ConfigurationException;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link TransactionalDataSource} pools its connections. Immutable; made with {@link #builder()}, whose
 * {@link Builder#build() build()} refuses settings that cannot work, saying which and why.
 *
 * <pre>{@code
 * PoolSettings settings = PoolSettings.builder()
 *         .name("orders-db")
 *         .maxSize(20)
 *         .acquireTimeout(Duration.ofSeconds(5))
 *         .leakTimeout(Duration.ofMinutes(2))
 *         .build();
 * }</pre>
 *
 * <p>The defaults ({@link #defaults()}) suit a small service: up to 10 connections, none kept open when idle, a
 * connection idle for more than a second checked before it is handed out.
 */
public final class PoolSettings {

    /** JDBC's timeouts ({@code isValid}, {@code setQueryTimeout}) are whole seconds. */
    private static final Duration ONE_SECOND = Duration.ofSeconds(1);

    private static final PoolSettings DEFAULTS = builder().build();

    private final String name;
    private final int minSize;
    private final int maxSize;
    private final Duration acquireTimeout;
    private final Duration validationTimeout;
    private final String validationQuery;
    private final Duration validateAfterIdle;
    private final Duration validationInterval;
    private final Duration leakTimeout;
    private final Duration idleTimeout;

    private PoolSettings(Builder b) {
        this.name = b.name;
        this.minSize = b.minSize;
        this.maxSize = b.maxSize;
        this.acquireTimeout = b.acquireTimeout;
        this.validationTimeout = b.validationTimeout;
        this.validationQuery = b.validationQuery;
        this.validateAfterIdle = b.validateAfterIdle;
        this.validationInterval = b.validationInterval;
        this.leakTimeout = b.leakTimeout;
        this.idleTimeout = b.idleTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Every setting at its default. */
    public static PoolSettings defaults() {
        return DEFAULTS;
    }

    /** A builder holding these settings, to change some of them. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The name the data source registers under for recovery; null means "derived from the URL". */
    public String name() {
        return name;
    }

    public int minSize() {
        return minSize;
    }

    public int maxSize() {
        return maxSize;
    }

    public Duration acquireTimeout() {
        return acquireTimeout;
    }

    public Duration validationTimeout() {
        return validationTimeout;
    }

    /** The SQL that validates a connection; null means {@link java.sql.Connection#isValid(int)}. */
    public String validationQuery() {
        return validationQuery;
    }

    public Duration validateAfterIdle() {
        return validateAfterIdle;
    }

    public Duration validationInterval() {
        return validationInterval;
    }

    public Duration leakTimeout() {
        return leakTimeout;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PoolSettings s && Objects.equals(name, s.name) && minSize == s.minSize
                && maxSize == s.maxSize && acquireTimeout.equals(s.acquireTimeout)
                && validationTimeout.equals(s.validationTimeout) && Objects.equals(validationQuery, s.validationQuery)
                && validateAfterIdle.equals(s.validateAfterIdle) && validationInterval.equals(s.validationInterval)
                && leakTimeout.equals(s.leakTimeout) && idleTimeout.equals(s.idleTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, minSize, maxSize, acquireTimeout, validationTimeout, validationQuery,
                validateAfterIdle, validationInterval, leakTimeout, idleTimeout);
    }

    @Override
    public String toString() {
        return "PoolSettings[name=" + name + ", minSize=" + minSize + ", maxSize=" + maxSize + ", acquireTimeout="
                + acquireTimeout + ", validationTimeout=" + validationTimeout + ", validationQuery=" + validationQuery
                + ", validateAfterIdle=" + validateAfterIdle + ", validationInterval=" + validationInterval
                + ", leakTimeout=" + leakTimeout + ", idleTimeout=" + idleTimeout + "]";
    }

    /** Collects settings; {@link #build()} checks them together. */
    public static final class Builder {
        private String name;
        private int minSize = 0;
        private int maxSize = 10;
        private Duration acquireTimeout = Duration.ofSeconds(30);
        private Duration validationTimeout = Duration.ofSeconds(5);
        private String validationQuery;
        private Duration validateAfterIdle = Duration.ofSeconds(1);
        private Duration validationInterval = Duration.ofMinutes(2);
        private Duration leakTimeout = Duration.ZERO;
        private Duration idleTimeout = Duration.ofMinutes(10);

        private Builder() {
        }

        private Builder(PoolSettings s) {
            name = s.name;
            minSize = s.minSize;
            maxSize = s.maxSize;
            acquireTimeout = s.acquireTimeout;
            validationTimeout = s.validationTimeout;
            validationQuery = s.validationQuery;
            validateAfterIdle = s.validateAfterIdle;
            validationInterval = s.validationInterval;
            leakTimeout = s.leakTimeout;
            idleTimeout = s.idleTimeout;
        }

        /**
         * The name the data source registers under with {@code TransactionService.recovery()}, unique per service
         * (default: the URL without its parameters, e.g. {@code postgresql://db1:5432/orders}). Give two data
         * sources on the same database different names.
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Connections kept open even when idle (default 0). */
        public Builder minSize(int minSize) {
            this.minSize = minSize;
            return this;
        }

        /**
         * The most connections open at once (default 10). On PostgreSQL keep it at or below
         * {@code max_prepared_transactions}: each connection may hold a prepared transaction.
         */
        public Builder maxSize(int maxSize) {
            this.maxSize = maxSize;
            return this;
        }

        /** How long {@code getConnection()} waits for a free connection before it throws (default 30 s). */
        public Builder acquireTimeout(Duration timeout) {
            this.acquireTimeout = timeout;
            return this;
        }

        /** How long one validation may take before the connection counts as broken; whole seconds (default 5 s). */
        public Builder validationTimeout(Duration timeout) {
            this.validationTimeout = timeout;
            return this;
        }

        /**
         * SQL to validate a connection with, e.g. {@code SELECT 1}; null (the default) uses JDBC's
         * {@code Connection.isValid}, which both drivers answer with a round trip.
         */
        public Builder validationQuery(String sql) {
            this.validationQuery = sql;
            return this;
        }

        /**
         * A connection idle for longer than this is validated before it is handed out (default 1 s);
         * {@link Duration#ZERO} validates at every {@code getConnection()}. A connection that fails is closed and
         * another one taken: this is what keeps connections the server closed (MySQL's {@code wait_timeout}, an
         * operator's kill, a restart) from reaching the application.
         */
        public Builder validateAfterIdle(Duration idle) {
            this.validateAfterIdle = idle;
            return this;
        }

        /** How often idle connections are validated in the background (default 2 min); ZERO turns it off. */
        public Builder validationInterval(Duration interval) {
            this.validationInterval = interval;
            return this;
        }

        /**
         * A connection held outside a transaction for longer than this is reported as a leak (a warning in the log
         * and {@link PoolStats#leaks()}); ZERO (the default) turns leak detection off. Connections inside a
         * transaction are never leaks: they return to the pool when it completes.
         */
        public Builder leakTimeout(Duration timeout) {
            this.leakTimeout = timeout;
            return this;
        }

        /** An idle connection beyond {@code minSize} is closed after this long (default 10 min); ZERO keeps them. */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        /** @throws ConfigurationException naming the setting that cannot work and what would */
        public PoolSettings build() {
            if (name != null && name.isBlank()) {
                throw new ConfigurationException("name must not be blank: give the data source a name to register for"
                        + " recovery (e.g. \"orders-db\"), or leave it unset to derive one from the URL");
            }
            if (maxSize < 1) {
                throw new ConfigurationException("maxSize must be at least 1, was " + maxSize);
            }
            if (minSize < 0) {
                throw new ConfigurationException("minSize must be 0 or more, was " + minSize);
            }
            if (minSize > maxSize) {
                throw new ConfigurationException("minSize (" + minSize + ") must not exceed maxSize (" + maxSize
                        + "): raise maxSize or lower minSize");
            }
            if (acquireTimeout == null || acquireTimeout.isZero() || acquireTimeout.isNegative()) {
                throw new ConfigurationException("acquireTimeout must be positive (how long getConnection() waits for a"
                        + " free connection), was " + acquireTimeout);
            }
            if (validationTimeout == null || validationTimeout.compareTo(ONE_SECOND) < 0) {
                throw new ConfigurationException("validationTimeout must be at least 1 second (JDBC counts these"
                        + " timeouts in whole seconds), was " + validationTimeout);
            }
            if (validationQuery != null && validationQuery.isBlank()) {
                throw new ConfigurationException("validationQuery must not be blank: give SQL such as SELECT 1, or"
                        + " leave it unset to use Connection.isValid");
            }
            requireZeroOrPositive(validateAfterIdle, "validateAfterIdle", "validates at every getConnection()");
            requireZeroOrPositive(validationInterval, "validationInterval", "turns background validation off");
            requireZeroOrPositive(leakTimeout, "leakTimeout", "turns leak detection off");
            requireZeroOrPositive(idleTimeout, "idleTimeout", "keeps idle connections open");
            return new PoolSettings(this);
        }

        private static void requireZeroOrPositive(Duration d, String setting, String whatZeroMeans) {
            if (d == null || d.isNegative()) {
                throw new ConfigurationException(setting + " must be zero (which " + whatZeroMeans + ") or positive, was " + d);
            }
        }
    }
}
