/**
 * dtc for Spring Boot 3: add {@code dev.dtc:dtc-spring-boot-starter}, set {@code dtc.node-name},
 * {@code dtc.log-directory} and one {@code dtc.datasources.<name>.url} per database, and {@code @Transactional}
 * methods commit atomically across PostgreSQL and MySQL/MariaDB with two-phase commit.
 *
 * <pre>{@code
 * dtc:
 *   node-name: shop-1
 *   log-directory: /var/lib/dtc/shop-1
 *   datasources:
 *     orders: { url: jdbc:postgresql://db1:5432/orders, username: app, password: secret, primary: true }
 *     stock:  { url: jdbc:mysql://db2:3306/stock, username: app, password: secret }
 * }</pre>
 *
 * <p>What {@link dev.dtc.spring.boot.DtcAutoConfiguration} makes:
 * <ul>
 *   <li>{@code dtcTransactionService}: the one {@link dev.dtc.TransactionService} ({@link DtcProperties}), closed
 *       with the context;</li>
 *   <li>{@code transactionManager}: Spring's {@code JtaTransactionManager} on its JTA objects (unless the
 *       application has a transaction manager of its own);</li>
 *   <li>one {@code TransactionalDataSource} per {@code dtc.datasources} entry, named as the entry, pooled, enlisting
 *       itself, registered for recovery under that name ({@link DtcDataSourceRegistrar},
 *       {@link DtcDataSourceFactory}); the primary one (or the only one) is {@code @Primary};</li>
 *   <li>{@code dtcStartupRecovery}: one recovery scan once they all exist ({@link DtcStartupRecovery});</li>
 *   <li>with the actuator, the {@code dtc} health indicator ({@link DtcHealthIndicator}).</li>
 * </ul>
 * Wrong properties stop the start with Spring Boot's failure report naming the property and what to fix
 * ({@link DtcPropertiesCheck}), before a log directory or a connection is opened. The user guide is
 * {@code docs/spring-boot.md}.
 */
package dev.dtc.spring.boot;
