/**
 * Differential tests: the same JTA scenarios run against Narayana (the reference implementation)
 * and against dtc, through the {@code jakarta.transaction} interfaces only.
 *
 * <p>How it fits together:
 * <ul>
 *   <li>A {@link dev.dtc.differential.DifferentialScenario} is code that drives a
 *       {@link jakarta.transaction.TransactionManager} through a {@link dev.dtc.differential.ScenarioContext},
 *       plus the trace the Jakarta Transactions 2.0 spec and X/Open XA lead us to expect.</li>
 *   <li>While it runs, {@link dev.dtc.differential.RecordingResource}s,
 *       {@link dev.dtc.differential.RecordingSynchronization}s and the context itself append
 *       {@link dev.dtc.differential.TraceEvent}s to a {@link dev.dtc.differential.Trace}. Xids are
 *       renamed by {@link dev.dtc.differential.XidNames} ("tx1/b2") so traces of different managers
 *       compare.</li>
 *   <li>{@link dev.dtc.differential.CanonicalTrace} removes the one legitimate source of
 *       non-determinism (calls to different resources in a parallel phase);
 *       {@link dev.dtc.differential.TraceInvariants} checks the cross-resource orders the spec
 *       does fix (synchronizations around the phases, prepare before commit).</li>
 *   <li>{@link dev.dtc.differential.NarayanaDifferentialTest} runs every scenario on both managers:
 *       Narayana must produce the expected trace (which sanity-checks the scenario and our reading
 *       of the spec), and dtc must produce Narayana's trace, except for the scenarios listed in
 *       {@link dev.dtc.differential.KnownDifferences} (mirrored in {@code docs/narayana-differences.md}),
 *       where dtc must produce the trace written there.</li>
 * </ul>
 */
package dev.dtc.differential;
