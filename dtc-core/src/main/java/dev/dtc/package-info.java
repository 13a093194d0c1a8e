/**
 * dtc: a two-phase-commit transaction coordinator for the JVM.
 *
 * <p>{@link dev.dtc.TransactionService} is the entry point: build one per node with a node name
 * and a log directory, then use its JTA {@code TransactionManager}, {@code UserTransaction} and
 * {@code TransactionSynchronizationRegistry}, register XA resources with its
 * {@link dev.dtc.Recovery} (enlisting them as {@link dev.dtc.NamedXAResource}s), and listen to its
 * audit events.
 *
 * <p>The API is this package, {@code dev.dtc.audit} (events and listeners) and {@code dev.dtc.log}
 * (the decision store interface, the file log, its inspector). Everything under
 * {@code dev.dtc.internal} is the implementation and may change in any release: {@code engine}
 * (built in one place, shared by every face), {@code twopc} (phase engines, decisions),
 * {@code recovery}, {@code tm} (the JTA face), {@code xid}, {@code audit} (the emitter).
 */
package dev.dtc;
