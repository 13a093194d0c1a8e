/**
 * The remote path: clients → dtc-server (a separate process, started from its jar) → participants, all over
 * HTTP/1.1, measured beside its floor, the same HTTP round trips without a coordinator.
 *
 * <p>{@link dev.dtc.bench.remote.RemoteCommand} ({@code dtc-benchmarks remote}) reads the command line;
 * {@link dev.dtc.bench.remote.RemoteBenchmark} starts {@link dev.dtc.bench.remote.NoOpParticipants} and a
 * {@link dev.dtc.bench.remote.CoordinatorProcess}, then runs each {@link dev.dtc.bench.remote.Workload}
 * ({@link dev.dtc.bench.remote.DtcTransactions}, the floors {@link dev.dtc.bench.remote.DirectCall} and
 * {@link dev.dtc.bench.remote.ParticipantPattern}) through {@link dev.dtc.bench.remote.ClientLoad} at every
 * client count; {@link dev.dtc.bench.remote.RemoteReport} prints the table. Participants other than the no-op
 * ones (services on real databases) plug in by URL, with payloads from a {@link
 * dev.dtc.bench.remote.PayloadSource}.
 */
package dev.dtc.bench.remote;
