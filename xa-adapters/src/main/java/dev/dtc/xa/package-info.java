/**
 * XA for real databases: pooled data sources whose connections join dtc's JTA transactions on their own
 * ({@link dev.dtc.xa.XaDataSources#postgres(dev.dtc.TransactionService, String, String, String)},
 * {@link dev.dtc.xa.XaDataSources#mysql(dev.dtc.TransactionService, String, String, String)}, returning a
 * {@link dev.dtc.xa.TransactionalDataSource} configured by {@link dev.dtc.xa.PoolSettings}); correctly
 * configured plain XA data sources for code that enlists by hand; both checked against the server at start; and
 * registration with recovery ({@link dev.dtc.xa.XaRecovery}, done by the pooled data sources themselves).
 *
 * <p>The pool is Agroal's; {@code PooledXaDataSource} only configures it, and {@link dev.dtc.xa.agroal} connects
 * it to dtc. Vendor quirks are documented, and handled, in one class per vendor: {@code PostgresXa} and
 * {@code MysqlXa}. In short: PostgreSQL needs {@code max_prepared_transactions > 0}; neither database can join a
 * branch from a second connection, so each data source has one branch (on one connection) per transaction; both
 * return Xids from {@code recover} only for TMSTARTRSCAN; each reports a dead session in its own words, which the
 * pool is taught so that it never hands such a connection out again.
 *
 * <p>docs/xa-adapters.md is the user's guide.
 */
package dev.dtc.xa;
