/**
 * Internal. The Jakarta Transactions face of the engine: {@link dev.dtc.internal.tm.DtcTransactionManager} (thread association,
 * per-thread timeout), {@link dev.dtc.internal.tm.DtcTransaction} (status and its rules), {@code Enlistment} (XA
 * branches with the right start/end flags), {@code Synchronizations} (the specification's order), the
 * registry, and {@code XaBranch} / {@code XaRecoverySource}, which make XA resources branches and recovery
 * sources of the engine. Completion is handed to {@link dev.dtc.internal.twopc.Coordinator}; this package turns its
 * outcome into statuses and exceptions. Internal: applications use the {@code jakarta.transaction} interfaces.
 */
package dev.dtc.internal.tm;
