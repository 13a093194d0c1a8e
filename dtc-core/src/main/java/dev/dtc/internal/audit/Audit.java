package dev.dtc.internal.audit;

import dev.dtc.audit.AuditEvent;
import dev.dtc.audit.AuditListener;
import dev.dtc.audit.EventType;

import java.time.Instant;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Writes each audit event as one SLF4J line on the logger {@code dev.dtc.audit} and hands it to
 * the registered listeners. The line starts with the event name, then {@code tx=} and
 * {@code branch=}; the transaction id is also put in the MDC under {@link #MDC_KEY} for the
 * duration of the call, so a log pattern can show it on every line.
 *
 * <p>Performance: an event is built only when somebody listens (INFO enabled or a listener
 * registered); on a hot path with audit switched off the cost is two volatile reads.
 */
public final class Audit {

    public static final String MDC_KEY = "dtc.tx";
    private static final Logger LOG = LoggerFactory.getLogger("dev.dtc.audit");
    private static final Logger SELF = LoggerFactory.getLogger(Audit.class);

    private final CopyOnWriteArrayList<AuditListener> listeners = new CopyOnWriteArrayList<>();

    public void addListener(AuditListener listener) {
        listeners.add(listener);
    }

    public void removeListener(AuditListener listener) {
        listeners.remove(listener);
    }

    public void emit(EventType type, String txId) {
        emit(type, txId, null, null);
    }

    public void emit(EventType type, String txId, Object branch, String detail) {
        boolean warn = type == EventType.HEURISTIC || type == EventType.RECOVERY_FAILED || type == EventType.RECOVERY_PENDING
                || type == EventType.RESOLVED;
        boolean log = warn ? LOG.isWarnEnabled() : LOG.isInfoEnabled();
        if (!log && listeners.isEmpty()) {
            return;
        }
        String branchText = branch == null ? null : branch.toString();
        if (log) {
            String previous = MDC.get(MDC_KEY);
            MDC.put(MDC_KEY, txId);
            try {
                if (warn) {
                    LOG.warn("{} tx={} branch={} {}", type, txId, branchText == null ? "-" : branchText, detail == null ? "" : detail);
                } else {
                    LOG.info("{} tx={} branch={} {}", type, txId, branchText == null ? "-" : branchText, detail == null ? "" : detail);
                }
            } finally {
                if (previous == null) {
                    MDC.remove(MDC_KEY);
                } else {
                    MDC.put(MDC_KEY, previous);
                }
            }
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
}
