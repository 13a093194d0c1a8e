package dev.dtc;

import dev.dtc.audit.AuditListener;
import dev.dtc.internal.engine.Engine;
import dev.dtc.log.DecisionLog;
import dev.dtc.log.DecisionStore;
import dev.dtc.log.LogConfig;
import dev.dtc.log.LogStats;
import dev.dtc.internal.tm.DtcSynchronizationRegistry;
import dev.dtc.internal.tm.DtcTransactionManager;
import dev.dtc.internal.tm.DtcUserTransaction;
import dev.dtc.internal.tm.JtaRecovery;
import dev.dtc.internal.tm.TmContext;
import dev.dtc.internal.xid.XidFactory;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.UserTransaction;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.transaction.xa.XAResource;

/**
 * dtc's public entry point: one transaction service with its own decision log, JTA objects,
 * recovery and audit trail. Several services may live in one JVM (each needs its own node name
 * and log directory). The only static state is the list of open services by node name
 * ({@link #open(String)}, {@link #allOpen()}), for integrations that are instantiated by class name (a
 * Hibernate {@code JtaPlatform}, for example) and so cannot be handed an instance.
 *
 * <pre>{@code
 * try (TransactionService dtc = TransactionService.builder()
 *         .nodeName("node-1")
 *         .logDirectory(Path.of("/var/lib/dtc"))
 *         .defaultTimeout(Duration.ofSeconds(30))
 *         .build()) {
 *     TransactionManager tm = dtc.transactionManager();
 *     ...
 * }
 * }</pre>
 *
 * <p>It is the JTA face of dtc's engine: the engine (coordinator, decision store, recovery,
 * timeouts) is built in one place and shared with dtc's other faces; this class adds the
 * {@code jakarta.transaction} objects and the XA resources' recovery registrations.
 */
public final class TransactionService implements AutoCloseable {

    /** The services built and not yet closed, by node name (the engine already allows one per name in a JVM). */
    private static final Map<String, TransactionService> OPEN = new java.util.concurrent.ConcurrentSkipListMap<>();

    private final Engine engine;
    private final DtcTransactionManager tm;
    private final DtcUserTransaction ut;
    private final DtcSynchronizationRegistry tsr;
    private final JtaRecovery recovery;

    private TransactionService(Builder b, Engine engine) {
        this.engine = engine;
        this.tm = new DtcTransactionManager(TmContext.on(engine,
                (int) Math.max(1, (b.defaultTimeout.toMillis() + 999) / 1000)));
        this.ut = new DtcUserTransaction(tm);
        this.tsr = new DtcSynchronizationRegistry(tm);
        this.recovery = new JtaRecovery(engine.recovery());
        b.recoverySources.forEach(recovery::register);
        if (!b.recoverySources.isEmpty()) {
            recovery.scan();
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The open service of this JVM with the given node name, if any: built and not yet closed.
     */
    public static java.util.Optional<TransactionService> open(String nodeName) {
        return nodeName == null ? java.util.Optional.empty() : java.util.Optional.ofNullable(OPEN.get(nodeName));
    }

    /** The open services of this JVM (built and not yet closed), ordered by node name. */
    public static List<TransactionService> allOpen() {
        return List.copyOf(OPEN.values());
    }

    public String nodeName() {
        return engine.nodeName();
    }

    public TransactionManager transactionManager() {
        return tm;
    }

    public UserTransaction userTransaction() {
        return ut;
    }

    public TransactionSynchronizationRegistry synchronizationRegistry() {
        return tsr;
    }

    public Recovery recovery() {
        return recovery;
    }

    /**
     * With a shared decision store: why this service may no longer decide, once another coordinator took its node
     * over (it was paused or cut off from the store past its lease). Its transactions roll back from then on;
     * restart it. Empty while it holds its lease, and always with the file log. For health checks.
     */
    public java.util.Optional<String> leaseLost() {
        return java.util.Optional.ofNullable(engine.leaseLost());
    }

    /** False once {@link #close()} was called: the log is closed and the service takes no new work. For health checks. */
    public boolean isOpen() {
        return !engine.isClosed();
    }

    public void addAuditListener(AuditListener listener) {
        engine.audit().addListener(listener);
    }

    public void removeAuditListener(AuditListener listener) {
        engine.audit().removeListener(listener);
    }

    /**
     * The file log's counters now (forces, records and bytes written, segments), for monitoring: with them a
     * metrics system can tell how many records share one force (group commit). Empty when the decisions are kept
     * in another {@link DecisionStore} ({@link Builder#decisionStore}). Each call reads a handful of volatile
     * fields; nothing is kept.
     */
    public java.util.Optional<LogStats> logStats() {
        return engine.store() instanceof DecisionLog log ? java.util.Optional.of(log.stats())
                : java.util.Optional.empty();
    }

    /** Transactions begun and not yet completed (including those waiting in prepare). */
    public int transactionsInFlight() {
        return engine.inFlight().size();
    }

    /**
     * Stops recovery and background retries and closes the log. Decided transactions whose
     * branches are not all acknowledged stay in the log; the next service on this directory
     * finishes them.
     */
    @Override
    public void close() {
        OPEN.remove(engine.nodeName(), this);
        engine.close();
    }

    /** Configuration of a {@link TransactionService}; {@link #build()} checks it and says what to fix. */
    public static final class Builder {
        private String nodeName;
        private Path logDirectory;
        private DecisionStore.Opener decisionStore;
        private Duration defaultTimeout = Duration.ofSeconds(60);
        private Duration recoveryInterval = Duration.ofSeconds(30);
        private Duration recoveryGrace = Duration.ofSeconds(10);
        private Duration retryInitial = Duration.ofMillis(100);
        private Duration retryMax = Duration.ofSeconds(30);
        private long segmentBytes = LogConfig.DEFAULT_SEGMENT_BYTES;
        private final List<AuditListener> listeners = new ArrayList<>();
        private final Map<String, Supplier<XAResource>> recoverySources = new LinkedHashMap<>();

        private Builder() {
        }

        /** Unique name of this coordinator: 1 to 32 characters of A-Z a-z 0-9 . _ - (it is part of every Xid). */
        public Builder nodeName(String nodeName) {
            this.nodeName = nodeName;
            return this;
        }

        /**
         * Directory of the decision log; created if missing. It belongs to one node: the first start records
         * the node name there, and a start under another name is refused.
         */
        public Builder logDirectory(Path directory) {
            this.logDirectory = directory;
            return this;
        }

        /**
         * Where decisions are kept, instead of the file log in {@link #logDirectory}: an implementation of
         * {@link DecisionStore} (for example one on a database shared by several coordinators). The opener is
         * called once, in {@link #build()}, with the node name.
         */
        public Builder decisionStore(DecisionStore.Opener opener) {
            this.decisionStore = opener;
            return this;
        }
        /** Timeout of transactions that did not set their own; whole seconds, at least 1 (default 60 s). */
        public Builder defaultTimeout(Duration timeout) {
            this.defaultTimeout = timeout;
            return this;
        }

        /** How often recovery runs in the background (default 30 s); {@link Duration#ZERO} turns it off. */
        public Builder recoveryInterval(Duration interval) {
            this.recoveryInterval = interval;
            return this;
        }

        /**
         * How long recovery waits before rolling back a prepared branch of this process that has
         * no decision and is not in flight (default 10 s). Branches left by an earlier process are
         * rolled back at once.
         */
        public Builder recoveryGracePeriod(Duration grace) {
            this.recoveryGrace = grace;
            return this;
        }

        /** Backoff of phase-2 retries: first delay and cap (defaults 100 ms and 30 s). */
        public Builder retryBackoff(Duration initial, Duration max) {
            this.retryInitial = initial;
            this.retryMax = max;
            return this;
        }

        /**
     * Size at which a log segment is closed (default 16 MiB). Segments are preallocated, so the
     * log directory holds about twice this on disk.
     */
        public Builder logSegmentBytes(long bytes) {
            this.segmentBytes = bytes;
            return this;
        }

        public Builder auditListener(AuditListener listener) {
            listeners.add(listener);
            return this;
        }

        /** A resource to recover, registered before the first recovery pass (which runs in {@link #build()}). */
        public Builder recoveryResource(String name, Supplier<XAResource> source) {
            if (name == null || name.isBlank() || source == null) {
                throw new ConfigurationException("recoveryResource needs a non-blank name and a supplier");
            }
            if (recoverySources.putIfAbsent(name, source) != null) {
                throw new ConfigurationException("a recovery resource named '" + name + "' is already registered; names must be unique");
            }
            return this;
        }

        /** Checks the configuration, opens the log (running recovery) and starts the service. */
        public TransactionService build() {
            if (nodeName == null || nodeName.isEmpty()) {
                throw new ConfigurationException("nodeName is required: give this coordinator a unique name of 1 to 32 characters"
                        + " (A-Z a-z 0-9 . _ -), e.g. builder().nodeName(\"node-1\")");
            }
            if (nodeName.length() > 32) {
                throw new ConfigurationException("nodeName '" + nodeName + "' is " + nodeName.length()
                        + " characters long; use at most 32 (it is part of every Xid, which X/Open XA limits to 64 bytes)");
            }
            if (!XidFactory.NODE_NAME.matcher(nodeName).matches()) {
                throw new ConfigurationException("nodeName '" + nodeName + "' may only contain A-Z a-z 0-9 . _ -");
            }
            if (logDirectory == null && decisionStore == null) {
                throw new ConfigurationException("logDirectory is required: a directory on local disk where the decision log"
                        + " is kept, e.g. builder().logDirectory(Path.of(\"/var/lib/dtc/node-1\"))");
            }
            if (logDirectory != null && decisionStore != null) {
                throw new ConfigurationException("give either logDirectory (the file log) or decisionStore, not both");
            }
            requirePositive(defaultTimeout, "defaultTimeout");
            if (defaultTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new ConfigurationException("defaultTimeout must be at least 1 second (JTA timeouts are whole seconds), was " + defaultTimeout);
            }
            if (recoveryInterval == null || recoveryInterval.isNegative()) {
                throw new ConfigurationException("recoveryInterval must be zero (off) or positive, was " + recoveryInterval);
            }
            if (recoveryGrace == null || recoveryGrace.isNegative()) {
                throw new ConfigurationException("recoveryGracePeriod must be zero or positive, was " + recoveryGrace);
            }
            requirePositive(retryInitial, "retryBackoff initial delay");
            requirePositive(retryMax, "retryBackoff maximum delay");
            DecisionStore.Opener opener = decisionStore;
            String where = "decision store";
            if (opener == null) {
                LogConfig config;
                try {
                    config = new LogConfig(segmentBytes);
                } catch (IllegalArgumentException e) {
                    throw new ConfigurationException("logSegmentBytes: " + e.getMessage(), e);
                }
                Path dir = logDirectory.toAbsolutePath();
                opener = DecisionLog.opener(dir, config);
                where = "decision log in " + dir;
            }
            Engine engine;
            try {
                engine = Engine.start(new Engine.Settings(nodeName, retryInitial, retryMax, recoveryInterval,
                        recoveryGrace, listeners), opener);
            } catch (IOException e) {
                throw new ConfigurationException("cannot open the " + where + ": " + e.getMessage(), e);
            } catch (IllegalStateException e) {
                throw new ConfigurationException(e.getMessage(), e);
            }
            try {
                TransactionService service = new TransactionService(this, engine);
                OPEN.put(nodeName, service);
                return service;
            } catch (RuntimeException | Error e) {
                engine.close();
                throw e;
            }
        }

        private static void requirePositive(Duration d, String what) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new ConfigurationException(what + " must be positive, was " + d);
            }
        }
    }
}
