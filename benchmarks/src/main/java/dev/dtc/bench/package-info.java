/**
 * A benchmark, not a test: dtc against Narayana on the same machine in one run.
 *
 * <p>The no-op configurations run begin → enlist two no-op XA resources of different resource managers → commit,
 * so a real two-phase commit with a durable (forced) commit decision runs every time (Narayana's volatile store
 * excepted, which is the point of it); {@code floor-disk} is one forced append; the {@code db-} configurations
 * insert a row into PostgreSQL and one into MySQL/MariaDB by two-phase commit, through dtc, Narayana or by hand.
 * Each is a {@link dev.dtc.bench.Workload}. {@link dev.dtc.bench.BenchmarkMain} (and {@link dev.dtc.bench.AllCommand})
 * fork one child JVM per {@link dev.dtc.bench.Configuration} (Narayana is a JVM-wide singleton configured before
 * first use, so configurations must not share a JVM); each child ({@link dev.dtc.bench.ConfigurationRun}) measures
 * every thread count with {@link dev.dtc.bench.LoadRunner} and reports one {@link dev.dtc.bench.PointResult} line
 * per point; the parent prints {@link dev.dtc.bench.ResultTable} (and {@link dev.dtc.bench.TargetTable}).
 *
 * <p>Nothing here runs during the Maven build; see the module's README.md for the command.
 */
package dev.dtc.bench;
