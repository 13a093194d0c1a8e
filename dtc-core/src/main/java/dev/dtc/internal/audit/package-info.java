/**
 * Internal. {@link dev.dtc.internal.audit.Audit}, which writes the events of {@code dev.dtc.audit}
 * to SLF4J and hands them to listeners.
 */
package dev.dtc.internal.audit;
