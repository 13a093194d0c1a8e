/**
 * Crash recovery: commits the branches of logged decisions, rolls back prepared branches of
 * this node that have no decision (presumed abort), ends decisions once nothing is left.
 */
package dev.dtc.recovery;
