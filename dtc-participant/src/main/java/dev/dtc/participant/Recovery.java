package dev.dtc.participant;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.XAConnection;
import javax.transaction.xa.XAException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes this participant's prepared branches whose phase two did not arrive: after a restart, or when the
 * coordinator's commit or rollback was lost. One pass lists the branches prepared in the database (and those this
 * process holds), asks the coordinator about each, and commits or rolls back on a clear answer. A branch whose
 * outcome is not known yet stays prepared with its locks (that is two-phase commit) and is asked about again after
 * a delay that doubles from the recovery interval up to {@link #MAX_DELAY}, so a long coordinator outage costs a
 * question per branch every half minute, not a storm.
 *
 * <p>Branches that a call is handling in this process right now are left alone; their call finishes them.
 */
final class Recovery {

    static final Duration MAX_DELAY = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    private record Wait(long nextAskNanos, Duration delay) {
    }

    private final String participant;
    private final XaConnections connections;
    private final PreparedBranches prepared;
    private final TransactionLocks locks;
    private final CoordinatorClient coordinator;
    private final Finisher finisher;
    private final Audit audit;
    private final Duration interval;
    private final Map<String, Wait> waiting = new ConcurrentHashMap<>();

    Recovery(String participant, XaConnections connections, PreparedBranches prepared, TransactionLocks locks,
             CoordinatorClient coordinator, Finisher finisher, Audit audit, Duration interval) {
        this.participant = participant;
        this.connections = connections;
        this.prepared = prepared;
        this.locks = locks;
        this.coordinator = coordinator;
        this.finisher = finisher;
        this.audit = audit;
        this.interval = interval;
    }

    /** One pass. Never throws: a failed pass is logged and the next one tries again. */
    void pass() {
        Set<String> inDoubt;
        try {
            inDoubt = preparedBranches();
        } catch (SQLException | XAException | RuntimeException e) {
            LOG.warn("participant {}: recovery could not list prepared branches: {}", participant,
                    Preparer.describe(e), e);
            return;
        }
        waiting.keySet().retainAll(inDoubt); // finished elsewhere: forget their backoff
        for (String transactionId : inDoubt) {
            if (locks.busy(transactionId) || !due(transactionId) || justPrepared(transactionId)) {
                continue;
            }
            settle(transactionId);
        }
    }

    /**
     * The branches to settle: those the database lists, and those this process prepared itself. When no
     * connection can be had to ask the database, this process's own still are: on MySQL/MariaDB each prepared
     * branch holds its connection, so when every connection is held by a branch whose coordinator gave up on it,
     * finishing those branches (each on its own connection) is the only thing that frees one; waiting for a
     * connection first would leave the participant refusing every prepare for good.
     */
    private Set<String> preparedBranches() throws SQLException, XAException {
        XAConnection xc;
        try {
            xc = connections.borrow();
        } catch (SQLException e) {
            Set<String> own = prepared.transactionIds();
            if (own.isEmpty()) {
                throw e;
            }
            LOG.warn("participant {}: recovery could not list the database's prepared branches ({}); settling the"
                    + " {} this process holds", participant, e.getMessage(), own.size());
            return new LinkedHashSet<>(own);
        }
        Set<String> ids = new LinkedHashSet<>();
        try {
            ids.addAll(BranchXid.preparedIn(xc.getXAResource(), participant));
            connections.giveBack(xc);
        } catch (SQLException | XAException | RuntimeException e) {
            connections.discard(xc);
            throw e;
        }
        ids.addAll(prepared.transactionIds()); // in case the server lists another session's branches late
        return ids;
    }

    /**
     * A branch this process prepared less than an interval ago is most likely waiting for a phase two that is on
     * its way; asking the coordinator about every transaction in flight would only add load.
     */
    private boolean justPrepared(String transactionId) {
        Instant at = prepared.preparedAt(transactionId);
        return at != null && Duration.between(at, Instant.now()).compareTo(interval) < 0;
    }

    private boolean due(String transactionId) {
        Wait w = waiting.get(transactionId);
        return w == null || System.nanoTime() - w.nextAskNanos() >= 0;
    }

    private void settle(String transactionId) {
        audit.step(transactionId, "recovery asks the coordinator for the outcome");
        // asked without the lock: a slow coordinator must not hold up the coordinator's own call for this id
        CoordinatorClient.Answer answer = coordinator.outcomeOf(transactionId);
        audit.step(transactionId, "recovery: coordinator answered " + answer.detail());
        if (answer.outcome() != CoordinatorClient.Outcome.COMMITTED
                && answer.outcome() != CoordinatorClient.Outcome.ROLLED_BACK) {
            // A coordinator that says when to ask again (a takeover about to happen, a start) is asked then, not
            // after a doubled delay: the locks of this branch are held until the answer comes.
            Duration delay = answer.retryAfter() != null ? askAgainIn(transactionId, answer.retryAfter())
                    : backOff(transactionId);
            audit.step(transactionId, "recovery: stays prepared (locks held), asking again in " + delay.toMillis()
                    + " ms");
            return;
        }
        TransactionLocks.Held lock = locks.lock(transactionId);
        try {
            if (answer.outcome() == CoordinatorClient.Outcome.COMMITTED) {
                finisher.commit(transactionId, "recovery");
            } else {
                finisher.rollback(transactionId, "recovery");
            }
            waiting.remove(transactionId);
        } catch (Finisher.Conflict e) {
            audit.error(transactionId, "recovery: " + e.getMessage(), e);
            waiting.remove(transactionId);
        } catch (SQLException | XAException | RuntimeException e) {
            Duration delay = backOff(transactionId);
            audit.warn(transactionId, "recovery could not finish the branch (" + Preparer.describe(e)
                    + "); trying again in " + delay.toMillis() + " ms", e);
        } finally {
            lock.close();
        }
    }

    /** Asks again after {@code after} (at most {@link #MAX_DELAY}), keeping the backoff where it was. */
    private Duration askAgainIn(String transactionId, Duration after) {
        Duration delay = after.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : after.isNegative() ? Duration.ZERO : after;
        Wait w = waiting.get(transactionId);
        waiting.put(transactionId, new Wait(System.nanoTime() + delay.toNanos(), w == null ? interval : w.delay()));
        return delay;
    }

    private Duration backOff(String transactionId) {
        Wait w = waiting.get(transactionId);
        Duration delay = w == null ? interval : w.delay().multipliedBy(2);
        if (delay.compareTo(MAX_DELAY) > 0) {
            delay = MAX_DELAY.compareTo(interval) > 0 ? MAX_DELAY : interval;
        }
        waiting.put(transactionId, new Wait(System.nanoTime() + delay.toNanos(), delay));
        return delay;
    }
}
