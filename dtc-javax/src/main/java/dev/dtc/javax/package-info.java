/**
 * dtc through {@code javax.transaction} (JTA 1.3): {@link dev.dtc.javax.DtcJavax#of(dev.dtc.TransactionService)}
 * gives a {@code javax.transaction.TransactionManager}, {@code UserTransaction} and
 * {@code TransactionSynchronizationRegistry} over a service's jakarta objects, for applications and libraries
 * still written against the javax names.
 *
 * <p>They are adapters: one engine, one thread association, one timeout per thread. A transaction begun through
 * javax is the jakarta current transaction and the other way round; XA data sources from dtc-xa-adapters enlist
 * in it either way. The javax {@code Transaction} of a transaction is one object (what {@code getTransaction()},
 * {@code suspend()} and the registry's {@code getTransactionKey()} return); {@code resume} accepts only such an
 * object and refuses any other with {@code InvalidTransactionException}. Checked exceptions are mapped to their
 * javax namesakes with the same message and cause ({@link dev.dtc.javax.TransactionExceptions}). See
 * docs/hibernate-and-javax.md.
 */
package dev.dtc.javax;
