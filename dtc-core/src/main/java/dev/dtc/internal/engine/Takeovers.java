package dev.dtc.internal.engine;

import dev.dtc.RecoveryReport;
import dev.dtc.audit.EventType;
import dev.dtc.internal.twopc.Decisions;
import dev.dtc.log.SharedDecisionStore;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes the work of coordinators that died, when the store is shared. Every few seconds it asks the store for
 * orphans (nodes whose lease ran out, or that were released with decisions pending) and takes each over: the
 * store bumps the node's epoch (after which the dead node, should it wake up, can write nothing), and a takeover
 * engine for that node runs that node's own recovery through this coordinator's recovery sources. It commits every
 * branch of every decided transaction and rolls back every prepared branch of the node's undecided ones, the
 * same as the node would after a restart, and passes again with backoff until nothing is pending and every
 * resource was scanned. Then it closes the node's store, which releases the lease (settled).
 *
 * <p>Which coordinator takes a node over is decided by the store: the lease update is atomic, so exactly one wins.
 */
final class Takeovers {
    private static final Logger LOG = LoggerFactory.getLogger(Takeovers.class);
    private static final long FIRST_RETRY_MILLIS = 200;
    /**
     * A pass over a dead node's few decisions is cheap, and its participants hold locks until it succeeds: retry
     * often (a 5 s cap made takeovers under load take 5-7 s for a handful of branches).
     */
    private static final long MAX_RETRY_MILLIS = 1_000;

    private final Engine engine;
    private final SharedDecisionStore store;
    private final Map<String, Thread> running = new ConcurrentHashMap<>();
    private volatile boolean stopped;

    Takeovers(Engine engine, SharedDecisionStore store) {
        this.engine = engine;
        this.store = store;
    }

    /** One look for orphans; a takeover runs on a thread of its own, so a slow one holds up nothing. */
    void look() {
        if (stopped || engine.leaseLost() != null) {
            return;
        }
        try {
            for (String node : store.orphans()) {
                if (running.containsKey(node)) {
                    continue;
                }
                SharedDecisionStore dead = store.takeOver(node);
                if (dead == null) {
                    continue; // another coordinator was first, or the node came back
                }
                Thread t = new Thread(() -> finish(dead), "dtc-" + engine.nodeName() + "-takeover-" + node);
                t.setDaemon(true);
                running.put(node, t);
                t.start();
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("node {}: looking for dead coordinators to take over failed: {}", engine.nodeName(), e.toString());
        }
    }

    private void finish(SharedDecisionStore dead) {
        String node = dead.nodeName();
        long start = System.nanoTime();
        Engine taken;
        try {
            taken = engine.takeOver(dead);
        } catch (RuntimeException e) {
            LOG.error("node {}: could not start the takeover of node {}", engine.nodeName(), node, e);
            closeQuietly(dead);
            running.remove(node);
            return;
        }
        java.util.concurrent.atomic.AtomicBoolean lost = new java.util.concurrent.atomic.AtomicBoolean();
        dead.onLeaseLost(() -> lost.set(true));
        int committed = 0;
        int rolledBack = 0;
        int pendingAtStart = taken.decisions().size();
        LOG.warn("node {}: taking over node {} (epoch {}): {} decided transaction(s) to finish, and its undecided"
                + " prepared branches to roll back", engine.nodeName(), node, dead.epoch(), pendingAtStart);
        for (Decisions.Decision d : taken.decisions().all()) {
            taken.audit().emit(EventType.TAKEOVER, d.txId(), null, "node " + node + " taken over by node "
                    + engine.nodeName() + " at epoch " + dead.epoch());
        }
        try {
            long delay = FIRST_RETRY_MILLIS;
            while (!stopped && !lost.get()) {
                RecoveryReport r = taken.recovery().scan();
                committed += r.committed().size();
                rolledBack += r.rolledBack().size();
                if (taken.decisions().size() == 0 && r.failures().isEmpty()) {
                    LOG.warn("node {}: took over node {} in {} ms: {} branch(es) committed, {} rolled back; its lease"
                                    + " is released", engine.nodeName(), node,
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), committed, rolledBack);
                    break;
                }
                Thread.sleep(delay);
                delay = Math.min(MAX_RETRY_MILLIS, delay * 2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("node {}: the takeover of node {} failed; its lease is released for another try", engine.nodeName(),
                    node, e);
        } finally {
            taken.close(); // closes the node's store: releases its lease, settled if nothing is pending
            running.remove(node);
        }
    }

    private static void closeQuietly(SharedDecisionStore s) {
        try {
            s.close();
        } catch (IOException e) {
            LOG.warn("closing {} failed", s.describe(), e);
        }
    }

    /** Stops the running takeovers; their nodes' leases are released unsettled, for another coordinator. */
    void stop() {
        stopped = true;
        for (Thread t : running.values()) {
            t.interrupt();
        }
        for (Thread t : running.values()) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
