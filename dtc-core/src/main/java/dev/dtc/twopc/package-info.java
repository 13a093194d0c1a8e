/**
 * The two-phase-commit engine, one class per job: {@code Preparer} (phase 1, parallel, bounded
 * by the deadline), {@code Committer} and {@code Rollbacker} (phase 2, parallel),
 * {@link dev.dtc.twopc.Retrier} (background retries of transient phase-2 failures),
 * {@link dev.dtc.twopc.Decisions} (durable commit decisions in step with the log) and
 * {@link dev.dtc.twopc.Coordinator}, which runs them in order. A participant is a
 * {@link dev.dtc.twopc.Branch}: an XA resource today, a remote service over HTTP later.
 */
package dev.dtc.twopc;
