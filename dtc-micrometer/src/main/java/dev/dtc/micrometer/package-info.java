/**
 * Micrometer meters for dtc: {@link dev.dtc.micrometer.DtcMetrics}, a
 * {@link io.micrometer.core.instrument.binder.MeterBinder} for a {@link dev.dtc.TransactionService} and its pooled
 * data sources ({@link dev.dtc.xa.TransactionalDataSource}), added in one line:
 *
 * <pre>{@code
 * new DtcMetrics(transactionService).bindTo(registry);
 * }</pre>
 *
 * <ul>
 *   <li>{@code dtc.transactions.begun}, {@code dtc.transactions.finished} (tag {@code outcome}: committed,
 *       rolled_back, heuristic): counters, from the audit events BEGIN and TX_COMMITTED / TX_ROLLED_BACK /
 *       TX_HEURISTIC;</li>
 *   <li>{@code dtc.commit} (tag {@code outcome}): timer from COMMIT_REQUESTED to the outcome event;
 *       {@code dtc.decision.force}: timer from DECISION_WRITE to DECISION_FORCED; both publish the 50th, 95th and
 *       99th percentiles and a histogram;</li>
 *   <li>{@code dtc.transactions.active}, {@code dtc.decisions.pending}, {@code dtc.branches.in.doubt}: gauges;</li>
 *   <li>with the file decision log: {@code dtc.log.forces}, {@code dtc.log.records}, {@code dtc.log.written}
 *       (counters) and {@code dtc.log.group.size} (commit decisions per force, a gauge);</li>
 *   <li>per data source (tag {@code pool}): {@code dtc.pool.connections.*}, Agroal's figures.</li>
 * </ul>
 *
 * <p>The audit listener runs on the committing thread: it keeps only a start time per transaction being committed
 * or forced, removed by the transaction's outcome or END event and bounded for a transaction whose outcome never
 * comes. The user's documentation is docs/observability.md.
 */
package dev.dtc.micrometer;
