/**
 * Internal. The engine of one coordinator, built in one place ({@link dev.dtc.internal.engine.Engine}):
 * decision store, Xid factory, coordinator, retrier, recovery, the transactions in flight and the
 * timeout sweeper. Every face runs on an engine: the JTA transaction manager ({@code internal.tm}),
 * and the HTTP coordinator to come.
 */
package dev.dtc.internal.engine;
