/**
 * The Jakarta Transactions layer: {@link dev.dtc.tm.DtcTransactionManager} (thread association,
 * per-thread timeout), {@link dev.dtc.tm.DtcTransaction} (enlistment with the right XA flags,
 * synchronizations in the specification's order, rollback-only, timeout) and the registry.
 * Completion is handed to {@link dev.dtc.twopc.Coordinator}; this package turns its outcome into
 * statuses and exceptions.
 */
package dev.dtc.tm;
