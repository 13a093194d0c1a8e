/**
 * The participant kit: lets a service take part in transactions run by a dtc coordinator over HTTP.
 *
 * <p>The service writes one method, {@link dev.dtc.participant.Work#perform}, its part of a transaction on a JDBC
 * connection, and builds a {@link dev.dtc.participant.Participant} with its XA data source, the coordinator's URL
 * (or the URLs of several coordinators sharing one store, tried in turn when one gives no clear answer) and the
 * shared token. The kit answers the coordinator's {@code prepare}, {@code commit} and {@code rollback}
 * ({@link dev.dtc.participant.Participant#handle} behind any HTTP server, or
 * {@link dev.dtc.participant.ParticipantHandler} on Jetty 12):
 * <ul>
 *   <li><b>prepare</b> runs the work in an XA branch of the service's database and XA-prepares it, so the
 *       database holds the work's locks until the coordinator decides; the vote is COMMIT, ABORT with a reason
 *       ({@link dev.dtc.participant.Refusal}, an SQL error), or READ_ONLY (nothing to do).</li>
 *   <li><b>idempotence</b>: every answer is recorded in a table of the service's database (the COMMITTED row inside
 *       the branch itself), so repeated calls, late calls and calls after a restart have the effect of the first;
 *       a rollback that arrives before its prepare leaves a tombstone and the prepare votes ABORT.</li>
 *   <li><b>recovery</b>: at start and periodically, the branches left prepared are finished on the coordinator's
 *       word, and kept prepared while it cannot say.</li>
 *   <li><b>audit</b>: each step on the logger {@code dev.dtc.participant.audit}, with the transaction id.</li>
 *   <li><b>joining</b>: a service called with {@code Dtc-Transaction: <id>} inside an open transaction does its
 *       work in its branch of that transaction and enlists with the coordinator
 *       ({@link dev.dtc.participant.Participant#join}, {@link dev.dtc.participant.JoiningHandler} on Jetty); the
 *       creator begins and ends it with {@link dev.dtc.participant.DtcClient}, and
 *       {@link dev.dtc.participant.DtcHttpClient} carries the current transaction
 *       ({@link dev.dtc.participant.DtcContext}) on outgoing requests.</li>
 * </ul>
 *
 * <p>Inside, one class per job: {@code Preparer} (phase one), {@code Finisher} (phase two, for calls and
 * recovery), {@code Recovery} and {@code CoordinatorClient} (with {@code CoordinatorFailover}: several coordinators
 * tried in turn, {@code CoordinatorUrls}: their URLs checked), {@code OutcomeRecords} (the table),
 * {@code PreparedBranches} (the connections holding prepared branches), {@code Joiner} and
 * {@code ActiveBranches} (joined transactions' branches, active until prepared), {@code XaConnections} (a small pool),
 * {@code TransactionLocks} (one lock per id), {@code Requests} (body validation), {@code Dialect} (PostgreSQL and
 * MySQL/MariaDB differences), {@code Audit} and {@code FaultHook} (a halt for crash tests, off by default).
 * The protocol, the records table and the rules are described in {@code docs/participant-kit.md}.
 */
package dev.dtc.participant;
