/**
 * dtc for Hibernate ORM: {@link dev.dtc.hibernate.DtcJtaPlatform}, the {@code JtaPlatform} that lets Hibernate
 * (and so JPA, Spring Data JPA) run its sessions in dtc's JTA transactions.
 *
 * <pre>
 * persistence unit                      : transaction-type="JTA"
 * hibernate.transaction.jta.platform    = dtc                 (or dev.dtc.hibernate.DtcJtaPlatform)
 * dtc.node                              = node-1              (needed only when several services are open)
 * jakarta.persistence.jtaDataSource     = a TransactionalDataSource from dev.dtc.xa.XaDataSources
 * </pre>
 *
 * <p>The platform finds its {@link dev.dtc.TransactionService} among the services open in the JVM
 * ({@link dev.dtc.TransactionService#open(String)}): the one named by {@code dtc.node}, or the only one. Code that
 * has the service may pass {@code DtcJtaPlatform.of(service)} as the setting's value instead. Hibernate ORM 6.6 is
 * a provided dependency: the application brings its own. See docs/hibernate-and-javax.md.
 */
package dev.dtc.hibernate;
