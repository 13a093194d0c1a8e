/**
 * dtc: a two-phase-commit transaction coordinator for the JVM.
 *
 * <p>{@link dev.dtc.TransactionService} is the entry point: build one per node with a node name
 * and a log directory, then use its JTA {@code TransactionManager}, {@code UserTransaction} and
 * {@code TransactionSynchronizationRegistry}, register XA resources with its
 * {@link dev.dtc.Recovery}, and listen to its audit events. Inside, packages by capability:
 * {@code tm} (JTA objects, thread association, timeouts), {@code twopc} (phase engines),
 * {@code xid}, {@code log} (durable decision log), {@code recovery}, {@code audit}.
 */
package dev.dtc;
