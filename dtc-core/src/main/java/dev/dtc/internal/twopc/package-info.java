/**
 * Internal. The two-phase-commit engine, one class per job: {@code Preparer} (phase 1, parallel,
 * bounded by the deadline), {@link dev.dtc.internal.twopc.Committer} and
 * {@link dev.dtc.internal.twopc.Rollbacker} (phase 2, parallel), {@link dev.dtc.internal.twopc.Retrier}
 * (bounded background retries), {@link dev.dtc.internal.twopc.Decisions} (durable commit decisions
 * and the state of each decided branch) and {@link dev.dtc.internal.twopc.Coordinator}, which runs
 * them in order. {@link dev.dtc.internal.twopc.Failure} reads X/Open XA codes and
 * {@link dev.dtc.internal.twopc.Answers} says what they mean for each caller. A participant is a
 * {@link dev.dtc.internal.twopc.Branch}: an XA resource today, a remote service over HTTP next.
 */
package dev.dtc.internal.twopc;
