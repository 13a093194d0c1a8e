package dev.dtc.internal.audit;

import dev.dtc.audit.AuditEvent;
import dev.dtc.audit.AuditListener;
import dev.dtc.audit.EventType;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * Writes each audit event as one SLF4J line on the logger {@code dev.dtc.audit} and hands it to
 * the registered listeners. The line starts with the event name, then {@code tx=} and
 * {@code branch=}; the transaction id is also put in the MDC under {@link #MDC_KEY} for the
 * duration of the call, so a log pattern can show it on every line.
 *
 * <p>Levels ({@link #levelOf}): the routine steps of a transaction are DEBUG, its outcome and recovery's work
 * INFO, heuristics and what recovery cannot finish WARN. So an application's log gets one line per transaction,
 * and the logger {@code dev.dtc.audit} at DEBUG is the one switch for the full trail.
 *
 * <p>Performance: an event is built only when somebody listens (its level enabled on the logger, or a listener
 * registered); on a hot path with the trail off the cost is a level check and a volatile read.
 */
public final class Audit {

    public static final String MDC_KEY = "dtc.tx";
    private static final Logger LOG = LoggerFactory.getLogger("dev.dtc.audit");
    private static final Logger SELF = LoggerFactory.getLogger(Audit.class);
    private static final Map<EventType, Level> LEVELS = levels();

    private final CopyOnWriteArrayList<AuditListener> listeners = new CopyOnWriteArrayList<>();

    public void addListener(AuditListener listener) {
        listeners.add(listener);
    }

    public void removeListener(AuditListener listener) {
        listeners.remove(listener);
    }

    /** The level at which {@code type} is written to the logger {@code dev.dtc.audit}; listeners get every event. */
    public static Level levelOf(EventType type) {
        return LEVELS.get(type);
    }

    /**
     * True if an event of this type would be written or handed to a listener: a caller that builds a detail
     * string asks first, so that nothing is built on a hot path nobody listens to.
     */
    public boolean listening(EventType type) {
        return !listeners.isEmpty() || LOG.isEnabledForLevel(LEVELS.get(type));
    }

    public void emit(EventType type, String txId) {
        emit(type, txId, null, null);
    }

    public void emit(EventType type, String txId, Object branch, String detail) {
        Level level = LEVELS.get(type);
        boolean log = LOG.isEnabledForLevel(level);
        if (!log && listeners.isEmpty()) {
            return;
        }
        String branchText = branch == null ? null : branch.toString();
        if (log) {
            write(level, type, txId, branchText, detail);
        }
        if (!listeners.isEmpty()) {
            AuditEvent event = new AuditEvent(type, txId, branchText, detail, Instant.now());
            for (AuditListener l : listeners) {
                try {
                    l.onEvent(event);
                } catch (RuntimeException e) {
                    SELF.warn("audit listener {} threw; ignored", l, e);
                }
            }
        }
    }

    private static void write(Level level, EventType type, String txId, String branchText, String detail) {
        String previous = MDC.get(MDC_KEY);
        MDC.put(MDC_KEY, txId);
        try {
            String format = "{} tx={} branch={} {}";
            Object b = branchText == null ? "-" : branchText;
            Object d = detail == null ? "" : detail;
            switch (level) {
                case WARN -> LOG.warn(format, type, txId, b, d);
                case INFO -> LOG.info(format, type, txId, b, d);
                default -> LOG.debug(format, type, txId, b, d);
            }
        } finally {
            if (previous == null) {
                MDC.remove(MDC_KEY);
            } else {
                MDC.put(MDC_KEY, previous);
            }
        }
    }

    /**
     * DEBUG for the steps (their content reaches the outcome's line: a vote's reason is the rollback's reason);
     * INFO for an outcome, a timeout and what recovery or a takeover did; WARN for what an operator must look at.
     * Kept in step with the javadoc of {@link EventType}, which a test checks.
     */
    private static Map<EventType, Level> levels() {
        Map<EventType, Level> m = new EnumMap<>(EventType.class);
        for (EventType t : EventType.values()) {
            m.put(t, switch (t) {
                case TX_COMMITTED, TX_ROLLED_BACK, TIMEOUT, RECOVERY_COMMIT, RECOVERY_ROLLBACK, TAKEOVER -> Level.INFO;
                case HEURISTIC, TX_HEURISTIC, HANDED_TO_RECOVERY, RECOVERY_FAILED, RECOVERY_PENDING, RESOLVED ->
                        Level.WARN;
                default -> Level.DEBUG;
            });
        }
        return m; // never changed after this: an EnumMap is read without locks
    }
}
