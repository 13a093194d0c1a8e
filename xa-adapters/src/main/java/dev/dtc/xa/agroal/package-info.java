/**
 * dtc as Agroal's transaction manager: {@link dev.dtc.xa.agroal.DtcTransactionIntegration} implements Agroal's
 * {@code TransactionIntegration} SPI against a {@link dev.dtc.TransactionService}, as Agroal's own
 * {@code agroal-narayana} does for Narayana. It is what makes the pooled data sources of {@code dev.dtc.xa}
 * transactional, and it can be plugged into any Agroal pool over an {@code XADataSource}.
 *
 * <p>Two classes behind it: {@code EnlistedConnection}, the XAResource and synchronization of one pooled
 * connection in one transaction (when the connection may go back to the pool, and when it must be evicted
 * instead), and {@code PoolRecoverySource}, the pool's recovery connections as an XADataSource.
 */
package dev.dtc.xa.agroal;
