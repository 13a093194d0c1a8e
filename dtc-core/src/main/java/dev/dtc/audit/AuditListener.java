package dev.dtc.audit;

/**
 * Receives every audit event of a {@link dev.dtc.TransactionService}. Called on the thread that
 * made the change, so it must be quick and must not throw (exceptions are logged and ignored).
 */
@FunctionalInterface
public interface AuditListener {
    void onEvent(AuditEvent event);
}
