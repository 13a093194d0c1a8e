/**
 * The audit trail: one SLF4J line per state change on logger {@code dev.dtc.audit}, with a
 * stable event name and the transaction id (also in the MDC as {@code dtc.tx}), and the same
 * event delivered to registered {@link dev.dtc.audit.AuditListener}s. The event names
 * ({@link dev.dtc.audit.EventType}) are stable.
 *
 * <p>Levels: the routine steps of a transaction are DEBUG, its outcome (and a timeout, and what
 * recovery finished) INFO, heuristics and what recovery cannot finish WARN; each event's javadoc
 * says which. So an application's log gets one line per transaction, and the logger
 * {@code dev.dtc.audit} at DEBUG is the full trail. Listeners get every event whatever the level.
 */
package dev.dtc.audit;
