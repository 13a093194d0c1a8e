/**
 * XA for real databases: correctly configured XA data sources for PostgreSQL and MySQL/MariaDB, checked against the
 * server at start ({@link dev.dtc.xa.XaDataSources}), and their registration with recovery
 * ({@link dev.dtc.xa.XaRecovery}).
 *
 * <p>Vendor quirks are documented, and handled, in one class per vendor: {@code PostgresXa} and
 * {@code MysqlXa}. In short: PostgreSQL needs {@code max_prepared_transactions > 0}; neither database can
 * join a branch from a second connection, so each enlisted connection is a branch of its own; both return Xids
 * from {@code recover} only for TMSTARTRSCAN.
 *
 * <p>Pooling and automatic enlistment come later; this package has no pool.
 */
package dev.dtc.xa;
