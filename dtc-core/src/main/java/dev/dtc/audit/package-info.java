/**
 * The audit trail: one SLF4J line per state change on logger {@code dev.dtc.audit}, with a
 * stable event name and the transaction id (also in the MDC as {@code dtc.tx}), and the same
 * event delivered to registered {@link dev.dtc.audit.AuditListener}s. The event names
 * ({@link dev.dtc.audit.EventType}) are stable.
 */
package dev.dtc.audit;
