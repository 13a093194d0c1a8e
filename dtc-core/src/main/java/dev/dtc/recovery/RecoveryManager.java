package dev.dtc.recovery;

import dev.dtc.Recovery;
import dev.dtc.RecoveryReport;
import dev.dtc.audit.Audit;
import dev.dtc.audit.EventType;
import dev.dtc.twopc.Decisions;
import dev.dtc.xid.DtcXid;
import dev.dtc.xid.XidFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes what a crash (or a lost connection) left behind. One pass:
 * <ol>
 *   <li>asks every registered resource for its prepared branches ({@code recover});</li>
 *   <li>commits each branch of ours whose transaction has a logged commit decision
 *       (XAER_NOTA means it was committed already);</li>
 *   <li>rolls back each prepared branch of ours that has no decision and is not in flight:
 *       at once when an earlier process made it, after the grace period when this process did
 *       (its decision may be being forced right now — presumed abort applies only once the
 *       transaction is certainly not going to decide);</li>
 *   <li>when every resource could be scanned, ends each recovered decision none of whose
 *       branches is left anywhere.</li>
 * </ol>
 * Branches of other nodes and Xids of other transaction managers are left alone.
 */
public final class RecoveryManager implements Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(RecoveryManager.class);

    private final XidFactory xids;
    private final Decisions decisions;
    private final Set<String> inFlight;
    private final Audit audit;
    private final long graceNanos;
    private final Map<String, Supplier<XAResource>> sources = new ConcurrentHashMap<>();
    private final Map<DtcXid, Long> firstSeen = new HashMap<>();
    private final ReentrantLock scanLock = new ReentrantLock();

    public RecoveryManager(XidFactory xids, Decisions decisions, Set<String> inFlight, Audit audit, Duration grace) {
        this.xids = xids;
        this.decisions = decisions;
        this.inFlight = inFlight;
        this.audit = audit;
        this.graceNanos = grace.toNanos();
    }

    @Override
    public void register(String name, Supplier<XAResource> source) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("recovery resource name must not be blank");
        }
        if (source == null) {
            throw new IllegalArgumentException("recovery resource '" + name + "' needs a supplier of XAResources");
        }
        if (sources.putIfAbsent(name, source) != null) {
            throw new IllegalArgumentException("a recovery resource named '" + name + "' is already registered; names must be unique");
        }
    }

    @Override
    public void unregister(String name) {
        sources.remove(name);
    }

    @Override
    public List<String> heuristics() {
        return decisions.heuristics();
    }

    @Override
    public boolean forgetHeuristic(String txId) {
        boolean forgotten = decisions.forgetHeuristic(txId);
        if (forgotten) {
            LOG.info("operator forgot heuristic transaction {}", txId);
        }
        return forgotten;
    }

    @Override
    public RecoveryReport scan() {
        scanLock.lock();
        try {
            return scanLocked();
        } finally {
            scanLock.unlock();
        }
    }

    private RecoveryReport scanLocked() {
        List<String> committed = new ArrayList<>();
        List<String> rolledBack = new ArrayList<>();
        List<String> finished = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        // decisions this pass may end: those recovery owns, snapshotted before scanning so that
        // a decision made during the scan is never ended by it
        Map<String, Decisions.Decision> owned = new LinkedHashMap<>();
        for (Decisions.Decision d : decisions.all()) {
            if (d.recoveryOwned() && !d.heuristic()) {
                owned.put(d.txId(), d);
            }
        }
        Set<String> stillThere = new HashSet<>();
        Set<DtcXid> seenThisPass = new HashSet<>();
        long now = System.nanoTime();

        Map<String, Supplier<XAResource>> snapshot = new LinkedHashMap<>(sources);
        for (Map.Entry<String, Supplier<XAResource>> src : snapshot.entrySet()) {
            String name = src.getKey();
            XAResource res;
            Xid[] found;
            try {
                res = src.getValue().get();
                found = res.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
            } catch (XAException | RuntimeException e) {
                String why = name + ": " + (e instanceof XAException xa ? "XA code " + xa.errorCode + " " : "") + e;
                failures.add(why);
                audit.emit(EventType.RECOVERY_FAILED, "-", null, why);
                continue;
            }
            if (found == null) {
                continue;
            }
            for (Xid raw : found) {
                if (!xids.isOurs(raw)) {
                    continue; // another node's or another transaction manager's: not ours to settle
                }
                DtcXid xid = DtcXid.of(raw);
                String txId = xid.gtridText();
                Decisions.Decision d = decisions.get(txId);
                if (d != null) {
                    if (!d.recoveryOwned()) {
                        continue; // phase 2 of this process is driving it right now
                    }
                    if (!commit(name, res, d, xid, committed, failures)) {
                        stillThere.add(txId);
                    }
                    continue;
                }
                // Check in-flight before "decided": a transaction leaves the in-flight set only
                // after its decision is registered, so this order never misses a decision.
                if (inFlight.contains(txId) || decisions.isDecided(txId)) {
                    continue;
                }
                seenThisPass.add(xid);
                if (xids.isThisProcess(xid)) {
                    Long first = firstSeen.putIfAbsent(xid, now);
                    if (first == null || now - first < graceNanos) {
                        continue; // give it the grace period
                    }
                }
                if (rollback(name, res, txId, xid, failures)) {
                    rolledBack.add(xid.toString());
                }
            }
        }
        firstSeen.keySet().retainAll(seenThisPass);

        List<String> pending = new ArrayList<>();
        boolean complete = failures.isEmpty() && !snapshot.isEmpty();
        for (Decisions.Decision d : owned.values()) {
            if (complete && !stillThere.contains(d.txId())) {
                decisions.finished(d);
                finished.add(d.txId());
            } else {
                pending.add(d.txId());
            }
        }
        RecoveryReport report = new RecoveryReport(committed, rolledBack, finished, pending, failures);
        if (!committed.isEmpty() || !rolledBack.isEmpty() || !finished.isEmpty() || !failures.isEmpty()) {
            LOG.info("recovery pass: {} committed, {} rolled back, {} finished, {} pending, {} failures",
                    committed.size(), rolledBack.size(), finished.size(), pending.size(), failures.size());
        }
        return report;
    }

    /** Returns true when the branch is done (committed now or earlier). */
    private boolean commit(String name, XAResource res, Decisions.Decision d, DtcXid xid, List<String> committed, List<String> failures) {
        try {
            res.commit(xid, false);
            audit.emit(EventType.RECOVERY_COMMIT, d.txId(), xid, "resource " + name);
            committed.add(xid.toString());
            return true;
        } catch (XAException e) {
            if (e.errorCode == XAException.XAER_NOTA) {
                audit.emit(EventType.RECOVERY_DONE, d.txId(), xid, "XAER_NOTA: already committed");
                return true;
            }
            if (e.errorCode == XAException.XA_HEURCOM) {
                forget(res, xid);
                committed.add(xid.toString());
                return true;
            }
            if (e.errorCode == XAException.XA_HEURRB || e.errorCode == XAException.XA_HEURMIX
                    || e.errorCode == XAException.XA_HEURHAZ) {
                audit.emit(EventType.HEURISTIC, d.txId(), xid, "recovery commit: XA code " + e.errorCode);
                decisions.heuristic(d, xid, "XA code " + e.errorCode + " on recovery commit");
                forget(res, xid);
                return true;
            }
            String why = name + ": commit of " + xid + " failed: XA code " + e.errorCode;
            failures.add(why);
            audit.emit(EventType.RECOVERY_FAILED, d.txId(), xid, why);
            return false;
        } catch (RuntimeException e) {
            String why = name + ": commit of " + xid + " failed: " + e;
            failures.add(why);
            audit.emit(EventType.RECOVERY_FAILED, d.txId(), xid, why);
            return false;
        }
    }

    private boolean rollback(String name, XAResource res, String txId, DtcXid xid, List<String> failures) {
        try {
            res.rollback(xid);
            audit.emit(EventType.RECOVERY_ROLLBACK, txId, xid, "no commit decision; resource " + name);
            firstSeen.remove(xid);
            return true;
        } catch (XAException e) {
            if (e.errorCode == XAException.XAER_NOTA || (e.errorCode >= XAException.XA_RBBASE && e.errorCode <= XAException.XA_RBEND)) {
                audit.emit(EventType.RECOVERY_DONE, txId, xid, "already rolled back");
                return false;
            }
            String why = name + ": rollback of " + xid + " failed: XA code " + e.errorCode;
            failures.add(why);
            audit.emit(EventType.RECOVERY_FAILED, txId, xid, why);
            return false;
        } catch (RuntimeException e) {
            String why = name + ": rollback of " + xid + " failed: " + e;
            failures.add(why);
            audit.emit(EventType.RECOVERY_FAILED, txId, xid, why);
            return false;
        }
    }

    private static void forget(XAResource res, Xid xid) {
        try {
            res.forget(xid);
        } catch (XAException | RuntimeException ignored) {
            // logged as heuristic already
        }
    }
}
