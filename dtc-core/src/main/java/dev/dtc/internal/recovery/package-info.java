/**
 * Internal. Crash recovery over {@link dev.dtc.internal.recovery.RecoverySource}s registered by
 * name: commits the branches of decided transactions (through the resource named for each),
 * rolls back prepared branches of this node that have no decision (presumed abort), and ends a
 * decision only once every branch is known finished.
 */
package dev.dtc.internal.recovery;
