/**
 * JMH micro-benchmarks of the engine's hot pieces, each isolating one thing the load harness only shows as a
 * whole: the in-process commit with the disk taken out ({@link dev.dtc.bench.jmh.CommitBenchmark}), the
 * DECISION record ({@link dev.dtc.bench.jmh.DecisionRecordBenchmark}), Xids ({@link
 * dev.dtc.bench.jmh.XidBenchmark}) and the audit call ({@link dev.dtc.bench.jmh.AuditBenchmark}).
 *
 * <p>Run from the shaded jar with {@code org.openjdk.jmh.Main}; the defaults (one fork, 3 × 1 s warm-up, 5 × 1 s
 * measured) are on the classes, so a command-line option overrides them. Nothing here runs during the Maven build;
 * see the module's README.md ("Micro-benchmarks (JMH)") for the command.
 */
package dev.dtc.bench.jmh;
