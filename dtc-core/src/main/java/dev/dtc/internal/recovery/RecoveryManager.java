package dev.dtc.internal.recovery;

import dev.dtc.PendingDecision;
import dev.dtc.RecoveryReport;
import dev.dtc.internal.fault.TestFault;
import dev.dtc.internal.audit.Audit;
import dev.dtc.audit.EventType;
import dev.dtc.internal.twopc.Answers.Attempt;
import dev.dtc.internal.twopc.Answers.Result;
import dev.dtc.internal.twopc.Answers.Verdict;
import dev.dtc.internal.twopc.Committer;
import dev.dtc.internal.twopc.Decisions;
import dev.dtc.internal.twopc.Failure;
import dev.dtc.internal.twopc.Rollbacker;
import dev.dtc.internal.xid.DtcXid;
import dev.dtc.internal.xid.XidFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import javax.transaction.xa.XAException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes what a crash, a dead connection or a refused call left behind. One pass, over every registered
 * {@link RecoverySource}:
 * <ol>
 *   <li>lists the branches the resource holds prepared;</li>
 *   <li>commits each listed branch of this node whose transaction has a commit decision that recovery drives
 *       (read from the log at start-up, or handed over by phase 2);</li>
 *   <li>rolls back each listed branch of this node that has no decision and is not in flight (presumed abort):
 *       at once when an earlier process made it, after the grace period when this process did (its decision
 *       may be being forced right now), at once again when phase 2 gave up rolling it back;</li>
 *   <li>sends commit, by Xid, to each unfinished branch that a decision names for this resource and that the
 *       listing did not show: a resource may hide a prepared branch from a connection (PostgreSQL lists only
 *       the prepared transactions of the connected role and database), so only XAER_NOTA, from the resource
 *       named for the branch, proves it is gone.</li>
 * </ol>
 * A decision ends when each of its branches is known finished (see {@link Decisions}). One whose resource is
 * not registered stays open, listed by {@link #pending()} with the missing names and reported by a
 * RECOVERY_PENDING audit warning (at most once a minute per transaction unless what it waits for changes); it
 * never holds up anything else. Branches of other nodes and Xids of other transaction managers are left alone.
 */
public final class RecoveryManager {
    private static final Logger LOG = LoggerFactory.getLogger(RecoveryManager.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final long FOLLOW_UP_MAX_MILLIS = 30_000;

    private final XidFactory xids;
    private final Decisions decisions;
    private final Committer committer;
    private final Rollbacker rollbacker;
    private final Set<String> inFlight;
    private final Audit audit;
    private final long graceNanos;
    private final ScheduledExecutorService background;
    private final Map<String, RecoverySource> sources;
    /** Finds a source for a resource a decision names and nobody registered; shared with takeover managers. */
    private final java.util.concurrent.atomic.AtomicReference<java.util.function.Function<String, RecoverySource>>
            resolver;
    private final ReentrantLock passLock = new ReentrantLock();
    // guarded by passLock
    private final Map<DtcXid, Long> firstSeen = new HashMap<>();
    private final Map<String, String> lastWarning = new HashMap<>();
    private final Map<String, Long> lastWarningAt = new HashMap<>();
    /** Branches whose rollback phase 2 left to recovery: rolled back without waiting for the grace period. */
    private final Set<DtcXid> abandoned = ConcurrentHashMap.newKeySet();
    /** Transactions phase 2 handed over: followed up by passes with backoff until they end. */
    private final Set<String> followUps = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean followUpScheduled = new AtomicBoolean();
    /** Branch commits recovery has sent in this process: for the FOR TESTS ONLY point halt-during-recovery. */
    private final java.util.concurrent.atomic.AtomicInteger recoveryCommits = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * FOR TESTS ONLY ({@code -Ddtc.test.fault=halt-during-recovery}, {@link TestFault}): halts when recovery has
     * sent one branch commit and is about to send the next, so a restart finds a recovery interrupted half-way.
     */
    private void testFaultBeforeCommit(String txId, DtcXid xid) {
        if (TestFault.HALT_DURING_RECOVERY.on() && recoveryCommits.get() >= 1) {
            TestFault.HALT_DURING_RECOVERY.halt("in a recovery pass, after " + recoveryCommits.get()
                    + " branch commit(s), before the commit of " + xid + " of transaction " + txId);
        }
    }
    private volatile long followUpDelayMillis = 0;

    public RecoveryManager(XidFactory xids, Decisions decisions, Committer committer, Rollbacker rollbacker,
                           Set<String> inFlight, Audit audit, Duration grace, ScheduledExecutorService background) {
        this(xids, decisions, committer, rollbacker, inFlight, audit, grace, background, null);
    }

    /**
     * A manager for another node's decisions (a takeover) that reaches resources through the same sources and
     * resolver as {@code sharing}: registered once, used by both. With {@code sharing} null, sources of its own.
     */
    public RecoveryManager(XidFactory xids, Decisions decisions, Committer committer, Rollbacker rollbacker,
                           Set<String> inFlight, Audit audit, Duration grace, ScheduledExecutorService background,
                           RecoveryManager sharing) {
        this.xids = xids;
        this.decisions = decisions;
        this.committer = committer;
        this.rollbacker = rollbacker;
        this.inFlight = inFlight;
        this.audit = audit;
        this.graceNanos = grace.toNanos();
        this.background = background;
        this.sources = sharing == null ? new ConcurrentHashMap<>() : sharing.sources;
        this.resolver = sharing == null ? new java.util.concurrent.atomic.AtomicReference<>() : sharing.resolver;
    }

    /**
     * Sets how to reach a resource that a decision names and that is not registered: the HTTP face makes a source
     * for a participant from its URL. Returning null leaves the decision waiting for a registration.
     */
    public void resolveWith(java.util.function.Function<String, RecoverySource> resolve) {
        resolver.set(resolve);
    }

    /** Registers a source, from the resolver, for each resource an open decision names and nobody registered. */
    private void resolveMissing() {
        java.util.function.Function<String, RecoverySource> r = resolver.get();
        if (r == null) {
            return;
        }
        for (Decisions.Decision d : decisions.all()) {
            for (Decisions.DecidedBranch b : d.branches()) {
                String name = b.resourceName();
                if (!name.isEmpty() && !sources.containsKey(name)) {
                    RecoverySource s = r.apply(name);
                    if (s != null) {
                        sources.putIfAbsent(name, s);
                    }
                }
            }
        }
    }

    /**
     * Registers a resource for recovery under its name.
     *
     * @throws IllegalArgumentException if the name is blank, longer than 255 bytes, or already registered
     */
    public void register(String name, RecoverySource source) {
        checkName(name);
        if (source == null) {
            throw new IllegalArgumentException("recovery resource '" + name + "' needs a source");
        }
        if (sources.putIfAbsent(name, source) != null) {
            throw new IllegalArgumentException("a recovery resource named '" + name + "' is already registered; names must be unique");
        }
    }

    /** The rule for resource names, shared by registration and enlistment. */
    public static void checkName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a resource name must not be blank");
        }
        // a char is at most 3 UTF-8 bytes, so short names (every enlistment checks one) need no encoding
        if (name.length() > 85 && name.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException("resource name '" + name.substring(0, 40) + "...' is longer than 255"
                    + " bytes; it is written into every commit decision, so keep it short");
        }
    }

    public void unregister(String name) {
        sources.remove(name);
    }

    public List<String> heuristics() {
        return decisions.heuristics();
    }

    public boolean forgetHeuristic(String txId) {
        boolean forgotten = decisions.forgetHeuristic(txId);
        if (forgotten) {
            LOG.info("operator forgot heuristic transaction {}", txId);
        }
        return forgotten;
    }

    /** An operator ends an open decision by hand (see {@code Recovery.endDecision}). */
    public boolean endDecision(String txId) {
        boolean ended = decisions.endByOperator(txId);
        if (ended) {
            LOG.warn("operator ended the open decision of {} by hand", txId);
        }
        return ended;
    }

    /** Phase 2 handed a branch of {@code txId} over: run a pass now, and follow up until the transaction ends. */
    public void handedOver(String txId) {
        followUps.add(txId);
        requestFollowUp(0);
    }

    /** Phase 2 gave up rolling back a branch: roll it back as soon as it is found, without the grace period. */
    public void abandonedRollback(DtcXid xid) {
        abandoned.add(xid);
        followUps.add(xid.gtridText());
        requestFollowUp(0);
    }

    private void requestFollowUp(long delayMillis) {
        if (!followUpScheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            background.schedule(this::followUp, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            followUpScheduled.set(false); // closing: the next start finishes it
        }
    }

    private void followUp() {
        followUpScheduled.set(false);
        try {
            scan();
        } catch (RuntimeException e) {
            LOG.warn("recovery pass failed", e);
        }
        followUps.removeIf(txId -> decisions.get(txId) == null && noneAbandoned(txId));
        if (followUps.isEmpty()) {
            followUpDelayMillis = 0;
            return;
        }
        long next = Math.min(FOLLOW_UP_MAX_MILLIS, Math.max(1_000, followUpDelayMillis * 2));
        followUpDelayMillis = next;
        requestFollowUp(next);
    }

    private boolean noneAbandoned(String txId) {
        for (DtcXid x : abandoned) {
            if (x.gtridText().equals(txId)) {
                return false;
            }
        }
        return true;
    }

    /** The transactions the log holds open, with what each waits for. */
    public List<PendingDecision> pending() {
        List<PendingDecision> out = new ArrayList<>();
        for (Decisions.Decision d : decisions.all()) {
            out.add(describe(d));
        }
        return out;
    }

    private PendingDecision describe(Decisions.Decision d) {
        List<String> unfinished = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Decisions.DecidedBranch b : d.unfinished()) {
            unfinished.add(b.toString());
            String name = b.resourceName().isEmpty() ? "(unnamed)" : b.resourceName();
            if ((b.resourceName().isEmpty() || !sources.containsKey(b.resourceName())) && !missing.contains(name)) {
                missing.add(name);
            }
        }
        return new PendingDecision(d.txId(), d.heuristic(), unfinished, missing);
    }

    /** Runs one pass now. Safe to call concurrently with running transactions; passes do not overlap. */
    public RecoveryReport scan() {
        passLock.lock();
        try {
            resolveMissing();
            return new Pass().run();
        } finally {
            passLock.unlock();
        }
    }

    /** One recovery pass and what it did. */
    private final class Pass {
        final List<String> committed = new ArrayList<>();
        final List<String> rolledBack = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        final Set<DtcXid> seenWithoutDecision = new HashSet<>();
        final long now = System.nanoTime();

        RecoveryReport run() {
            Map<String, Decisions.Decision> driven = new LinkedHashMap<>();
            for (Decisions.Decision d : decisions.all()) {
                if (d.commit() && d.recoveryOwned()) {
                    driven.put(d.txId(), d);
                }
            }
            boolean everySourceScanned = true;
            for (Map.Entry<String, RecoverySource> src : new LinkedHashMap<>(sources).entrySet()) {
                everySourceScanned &= scanSource(src.getKey(), src.getValue());
            }
            firstSeen.keySet().retainAll(seenWithoutDecision);
            if (everySourceScanned) {
                // an abandoned rollback no resource lists any more is finished, or out of reach of every resource
                abandoned.retainAll(seenWithoutDecision);
            }

            List<String> finished = new ArrayList<>();
            List<String> pending = new ArrayList<>();
            for (Decisions.Decision d : driven.values()) {
                if (decisions.get(d.txId()) != d) {
                    finished.add(d.txId());
                } else {
                    pending.add(d.txId());
                    warnPending(d);
                }
            }
            lastWarning.keySet().retainAll(pending);
            lastWarningAt.keySet().retainAll(pending);
            RecoveryReport report = new RecoveryReport(committed, rolledBack, finished, pending, failures);
            if (!committed.isEmpty() || !rolledBack.isEmpty() || !finished.isEmpty() || !failures.isEmpty()) {
                LOG.info("recovery pass: {} committed, {} rolled back, {} finished, {} pending, {} failures",
                        committed.size(), rolledBack.size(), finished.size(), pending.size(), failures.size());
            }
            return report;
        }

        /** Returns false if the resource could not be scanned. */
        private boolean scanSource(String name, RecoverySource source) {
            RecoverySource.Scan scan;
            List<DtcXid> listed;
            try {
                scan = source.open();
            } catch (XAException | RuntimeException e) {
                fail(null, null, name + ": cannot be reached: " + Failure.describe(e));
                return false;
            }
            try {
                try {
                    listed = scan.inDoubt();
                } catch (XAException | RuntimeException e) {
                    fail(null, null, name + ": cannot list its prepared branches: " + Failure.describe(e));
                    return false;
                }
                Set<DtcXid> listedSet = new HashSet<>(listed);
                for (DtcXid xid : listed) {
                    if (xids.isOurs(xid)) {
                        settleListed(name, scan, xid);
                    }
                }
                commitUnlisted(name, scan, listedSet);
                return true;
            } finally {
                scan.close();
            }
        }

        private void settleListed(String name, RecoverySource.Scan scan, DtcXid xid) {
            String txId = xid.gtridText();
            Decisions.Decision d = decisions.get(txId);
            if (d != null && d.commit()) {
                Decisions.DecidedBranch b = d.branch(xid);
                if (b == null || b.finished() || !b.recoveryOwned()) {
                    return; // phase 2 of this process is driving it right now (or it is done)
                }
                testFaultBeforeCommit(d.txId(), xid);
                Result r = committer.commitOne(d, scan.branch(xid), Attempt.RECOVERY_LISTED);
                recoveryCommits.incrementAndGet();
                note(r, d.txId(), xid, name, "commit", committed);
                return;
            }
            seenWithoutDecision.add(xid);
            // Check in-flight before "decided": a transaction leaves the in-flight set only after its decision is
            // registered, so this order never misses a decision.
            if (inFlight.contains(txId) || decisions.isCommitDecided(txId)) {
                return;
            }
            if (xids.isThisProcess(xid) && !abandoned.contains(xid)) {
                Long first = firstSeen.putIfAbsent(xid, now);
                if (first == null || now - first < graceNanos) {
                    return; // give it the grace period
                }
            }
            Result r = rollbacker.rollbackOne(txId, scan.branch(xid), Attempt.RECOVERY_LISTED);
            if (r.verdict() == Verdict.DONE) {
                firstSeen.remove(xid);
                abandoned.remove(xid);
                seenWithoutDecision.remove(xid);
            }
            note(r, txId, xid, name, "rollback", rolledBack);
        }

        /** Branches named for this resource that it did not list: commit them by Xid; XAER_NOTA means they are gone. */
        private void commitUnlisted(String name, RecoverySource.Scan scan, Set<DtcXid> listed) {
            for (Decisions.Decision d : decisions.all()) {
                if (!d.commit()) {
                    continue;
                }
                for (Decisions.DecidedBranch b : d.unfinished()) {
                    if (b.recoveryOwned() && b.resourceName().equals(name) && !listed.contains(b.xid())) {
                        testFaultBeforeCommit(d.txId(), b.xid());
                        Result r = committer.commitOne(d, scan.branch(b.xid()), Attempt.RECOVERY_UNLISTED);
                        recoveryCommits.incrementAndGet();
                        note(r, d.txId(), b.xid(), name, "commit", committed);
                    }
                }
            }
        }

        private void note(Result r, String txId, DtcXid xid, String name, String call, List<String> done) {
            switch (r.verdict()) {
                case DONE -> done.add(xid.toString());
                case NOT_FINISHED -> fail(txId, xid, name + ": " + call + " of " + xid + " failed: " + r.detail());
                default -> { }
            }
        }

        private void fail(String txId, DtcXid xid, String why) {
            failures.add(why);
            audit.emit(EventType.RECOVERY_FAILED, txId == null ? "-" : txId, xid, why);
        }

        /** The audit warning for a decision that cannot end yet: on a change, else at most once a minute. */
        private void warnPending(Decisions.Decision d) {
            PendingDecision p = describe(d);
            String what = p.missingResources().isEmpty()
                    ? "branches not finished yet: " + String.join(", ", p.unfinished())
                    : "waits for resource(s) not registered for recovery: " + String.join(", ", p.missingResources())
                      + "; branches not finished: " + String.join(", ", p.unfinished());
            Long at = lastWarningAt.get(d.txId());
            if (what.equals(lastWarning.get(d.txId())) && at != null && now - at < WARN_EVERY_NANOS) {
                return;
            }
            lastWarning.put(d.txId(), what);
            lastWarningAt.put(d.txId(), now);
            audit.emit(EventType.RECOVERY_PENDING, d.txId(), null, what);
        }
    }
}
