package dev.dtc;

import java.util.List;
import java.util.function.Supplier;
import javax.transaction.xa.XAResource;

/**
 * Crash recovery of a {@link TransactionService}: the XA resources it may scan, and a way to run a
 * scan now. Recovery also runs when the service is built, then periodically, and soon after phase 2
 * hands it a branch it could not finish.
 *
 * <p>Register every resource that transactions of this node enlist, under the name its branches
 * carry (the pooled data sources' name, or the name given with {@link NamedXAResource}): a commit
 * decision ends only when each of its branches is known finished through the resource named for
 * it, so a decision whose resource is not registered stays pending ({@link #pending()}).
 */
public interface Recovery {

    /**
     * Registers a source of XAResources for recovery under a unique name. The supplier is called
     * at each scan, so it may open a fresh connection (and should, when the old one may have been
     * closed by the server).
     *
     * @throws IllegalArgumentException if the name is blank or already registered
     */
    void register(String name, Supplier<XAResource> source);

    /** Removes a registration; unknown names are ignored. */
    void unregister(String name);

    /**
     * The transactions the log holds open: commit decisions with branches not known finished (with
     * the resources they wait for) and heuristic outcomes waiting for an operator.
     */
    List<PendingDecision> pending();

    /**
     * Runs one recovery pass now: finishes decided transactions whose end was not logged, and
     * rolls back prepared branches of this node that have no decision and are not in flight.
     * Returns what it did. Safe to call concurrently with running transactions.
     */
    RecoveryReport scan();

    /**
     * Transactions with a heuristic outcome (a resource decided on its own, or the outcome of a
     * branch is unknown), kept in the log for an operator until {@link #forgetHeuristic}.
     */
    List<String> heuristics();

    /**
     * For an operator who has reconciled a heuristic transaction by hand: removes it from the
     * log (writes its end record). Returns false if no heuristic transaction has that id.
     */
    boolean forgetHeuristic(String txId);

    /**
     * For an operator: ends an open commit decision by hand, once every branch it lists as unfinished
     * ({@link #pending()}) has been checked to be committed in its database; for example the branch
     * of a resource that did not name itself, which committed before a crash. Recovery never does
     * this on its own: ending a decision while one of its branches is still prepared lets presumed
     * abort roll that branch back. Returns false if no open transaction has that id.
     */
    boolean endDecision(String txId);
}
