/**
 * The durable decision log: where the coordinator writes "transaction T is committed" before it
 * sends the first commit, and reads it back after a crash.
 *
 * <p>{@link dev.dtc.log.DecisionLog} is the whole API: {@code open} a directory, read
 * {@code pendingAtOpen()} (decided, not yet ended), {@code appendForced} a DECISION or HEURISTIC
 * (returns when durable), {@code append} an END (not waited for), {@code close}.
 *
 * <p>Inside, each class has one job:
 * <ul>
 * <li>{@code LogFormat} – the byte layout of headers and frames (length, CRC32C, kind, txId, payload);</li>
 * <li>{@code SegmentReader} – walks the frames of a segment and reports where valid data ends;</li>
 * <li>{@code StartupScan} – applies the start-up rules: torn final write dropped, damage elsewhere
 *     stops start-up, interrupted roll discarded;</li>
 * <li>{@code GroupCommit}, {@code Batch} and {@code FrameEncoder} – leader/follower group commit: one write and one
 *     force per batch; unforced ENDs ride with the next forced batch, or a flusher thread writes them;</li>
 * <li>{@code SegmentStore} and {@code ActiveSegment} – appending into preallocated, zero-filled
 *     segments, rolling, and clean-up by copying pending records forward into the new segment and
 *     deleting the old ones;</li>
 * <li>{@code SpareSegment} – zero-fills the next segment's file in the background;</li>
 * <li>{@code PendingTransactions} – the decided-not-ended set, in memory, for the copy;</li>
 * <li>{@code DirectoryLock} – the lock file that keeps a second process out;</li>
 * <li>{@code LogInspector} – a command-line dump for operators.</li>
 * </ul>
 * The format, the rules and the operator's runbook are in docs/log-format.md.
 */
package dev.dtc.log;
