package dev.dtc.internal.engine;

import dev.dtc.internal.audit.Audit;
import dev.dtc.audit.AuditListener;
import dev.dtc.log.DecisionStore;
import dev.dtc.log.SharedDecisionStore;
import dev.dtc.internal.recovery.RecoveryManager;
import dev.dtc.internal.twopc.CallTimes;
import dev.dtc.internal.twopc.Committer;
import dev.dtc.internal.twopc.Coordinator;
import dev.dtc.internal.twopc.Decisions;
import dev.dtc.internal.twopc.Retrier;
import dev.dtc.internal.twopc.Rollbacker;
import dev.dtc.internal.xid.XidFactory;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two-phase-commit engine of one coordinator, built in one place: its decision store, the Xid factory, the
 * coordinator and its phase engines, the retrier, recovery, the transactions in flight and the timeout sweeper,
 * with the threads they run on. Every face (the JTA transaction manager today, the HTTP coordinator next) runs on
 * an engine; a face adds how its callers begin, enlist and complete, nothing of the protocol.
 *
 * <p>One node name, one running engine: a second engine with the same name in this JVM is refused (two
 * coordinators with one identity roll back each other's prepared branches), and the store refuses a node name
 * other than its own.
 */
public final class Engine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    /** Node names of the engines running in this JVM: deliberately static, as the identity is the process's. */
    private static final Set<String> RUNNING = ConcurrentHashMap.newKeySet();

    /**
     * What an engine needs besides its store; checked by the face that builds it.
     *
     * @param recoveryInterval {@link Duration#ZERO} for no periodic passes
     */
    public record Settings(String nodeName, Duration retryInitial, Duration retryMax, Duration recoveryInterval,
                           Duration recoveryGrace, List<AuditListener> listeners, PhaseThreads phaseThreads,
                           Duration takeoverInterval) {
        public Settings {
            listeners = List.copyOf(listeners);
        }

        /** Looking for dead nodes to take over every 2 s (with a shared store; nothing otherwise). */
        public Settings(String nodeName, Duration retryInitial, Duration retryMax, Duration recoveryInterval,
                        Duration recoveryGrace, List<AuditListener> listeners, PhaseThreads phaseThreads) {
            this(nodeName, retryInitial, retryMax, recoveryInterval, recoveryGrace, listeners, phaseThreads,
                    Duration.ofSeconds(2));
        }

        /** The settings of a takeover of {@code node}: its passes are driven by the takeover, not a timer. */
        Settings forTakeoverOf(String node) {
            return new Settings(node, retryInitial, retryMax, Duration.ZERO, recoveryGrace, listeners, phaseThreads,
                    Duration.ZERO);
        }

        /** With the phase threads that suit in-process resources. */
        public Settings(String nodeName, Duration retryInitial, Duration retryMax, Duration recoveryInterval,
                        Duration recoveryGrace, List<AuditListener> listeners) {
            this(nodeName, retryInitial, retryMax, recoveryInterval, recoveryGrace, listeners, PhaseThreads.SPINNING);
        }
    }

    /** The threads prepare, commit and rollback calls run on, chosen by what a branch call costs. */
    public enum PhaseThreads {
        /**
         * A ForkJoinPool whose workers spin before parking: a hand-off costs microseconds, right for XA calls
         * that mostly return in microseconds (or block rarely, as managed blocks).
         */
        SPINNING,
        /**
         * A pool of plain threads that each may block for a whole network round trip: right for participants
         * over HTTP, where every call blocks. A ForkJoinPool would start a compensating worker for each blocked
         * call and retire it again, and that churn cost the HTTP face milliseconds of CPU per transaction.
         */
        BLOCKING
    }

    private final String nodeName;
    private final DecisionStore store;
    private final Audit audit;
    private final XidFactory xids;
    private final Decisions decisions;
    private final Coordinator coordinator;
    private final RecoveryManager recovery;
    private final ConcurrentMap<String, Timed> inFlight = new ConcurrentHashMap<>();
    private final ExecutorService phaseExecutor;
    private final ScheduledThreadPoolExecutor timer;
    private final ScheduledThreadPoolExecutor background;
    private final Settings settings;
    /** With a shared store: the takeovers of dead nodes this engine runs. */
    private final Takeovers takeovers;
    /**
     * With a shared store: the thread that looks for dead nodes. Not {@link #background}: recovery passes and
     * phase-two retries block there on slow participants, and a look queued behind them would leave a dead node's
     * transactions waiting well past its lease.
     */
    private final ScheduledThreadPoolExecutor looker;
    /** Whether this engine finishes another node's work (it holds no entry in {@link #RUNNING}). */
    private final boolean takeover;
    private volatile String leaseLost;
    private volatile boolean closed;

    private Engine(Settings s, DecisionStore store) {
        this(s, store, null);
    }

    /** @param parent for a takeover engine: the engine whose recovery sources it shares; null otherwise */
    private Engine(Settings s, DecisionStore store, Engine parent) {
        this.nodeName = s.nodeName();
        this.store = store;
        this.audit = new Audit();
        s.listeners().forEach(audit::addListener);
        this.xids = new XidFactory(nodeName, System.currentTimeMillis());
        this.decisions = new Decisions(store, audit);
        decisions.loadFromStore(); // before any thread starts: a record it cannot read stops the start cleanly
        // A ForkJoinPool, not a thread per task: its workers spin briefly before parking. Calls to
        // participants run as managed blocks (BlockingCall), so a slow database makes the pool add
        // workers instead of starving other transactions. How many hand-offs a transaction makes
        // depends on what its resources cost (CallTimes): with quick ones, one (all prepares on one
        // pool thread; the commits on the caller's), with slow ones one per branch in each phase.
        this.phaseExecutor = s.phaseThreads() == PhaseThreads.BLOCKING
                ? blockingPool("dtc-" + nodeName + "-phase")
                : new ForkJoinPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                        phaseWorkers("dtc-" + nodeName + "-phase-"), null, true);
        this.timer = new ScheduledThreadPoolExecutor(1, daemonThreads("dtc-" + nodeName + "-timer"));
        this.background = new ScheduledThreadPoolExecutor(2, daemonThreads("dtc-" + nodeName + "-recovery"));
        Retrier retrier = new Retrier(background, audit, s.retryInitial(), s.retryMax());
        CallTimes callTimes = new CallTimes();
        Committer committer = new Committer(phaseExecutor, audit, decisions, retrier, callTimes);
        Rollbacker rollbacker = new Rollbacker(phaseExecutor, audit, decisions, retrier, callTimes);
        this.coordinator = new Coordinator(phaseExecutor, audit, decisions, committer, rollbacker, callTimes);
        this.settings = s;
        this.takeover = parent != null;
        this.recovery = new RecoveryManager(xids, decisions, committer, rollbacker, inFlight.keySet(), audit,
                s.recoveryGrace(), background, parent == null ? null : parent.recovery);
        if (parent != null) {
            // what the face keeps of a finished decision (the HTTP face's outcome) is kept for the dead node's too
            decisions.beforeEnd(parent.decisions.beforeEndHook());
        }
        decisions.onHandOver(recovery::handedOver);
        rollbacker.onLeftToRecovery(recovery::abandonedRollback);
        timer.scheduleWithFixedDelay(new TimeoutSweeper(inFlight, phaseExecutor),
                TimeoutSweeper.PERIOD_MILLIS, TimeoutSweeper.PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        if (decisions.size() > 0) {
            LOG.info("node {}: {} transactions in the {} are not finished; recovery will complete them",
                    nodeName, decisions.size(), store.describe());
        }
        if (!s.recoveryInterval().isZero()) {
            long ms = s.recoveryInterval().toMillis();
            background.scheduleWithFixedDelay(this::periodicRecovery, ms, ms, TimeUnit.MILLISECONDS);
        }
        if (store instanceof SharedDecisionStore shared && parent == null) {
            shared.onLeaseLost(() -> {
                leaseLost = "node " + nodeName + " lost its lease in the " + store.describe() + " (another"
                        + " coordinator took it over): this coordinator no longer decides; restart it";
                LOG.error(leaseLost);
            });
            this.takeovers = new Takeovers(this, shared);
            if (!s.takeoverInterval().isZero()) {
                // as often as the store renews leases (a fifth of the lease time), unless told to look more often
                long ms = Math.min(s.takeoverInterval().toMillis(), shared.renewEvery().toMillis());
                this.looker = new ScheduledThreadPoolExecutor(1, daemonThreads("dtc-" + nodeName + "-takeover-look"));
                looker.scheduleWithFixedDelay(takeovers::look, ms, ms, TimeUnit.MILLISECONDS);
            } else {
                this.looker = null;
            }
        } else {
            this.takeovers = null;
            this.looker = null;
        }
    }

    /**
     * Starts an engine that finishes the work of a dead node whose store this coordinator took over: the same
     * recovery as that node's own, through this engine's recovery sources.
     */
    Engine takeOver(SharedDecisionStore deadNodeStore) {
        // Not entered in RUNNING: the store's epoch, not this JVM, keeps one writer per node; the dead node's
        // engine may even still exist in this JVM (paused, in tests), and its store can no longer write.
        return new Engine(settings.forTakeoverOf(deadNodeStore.nodeName()), deadNodeStore, this);
    }

    /** Why this coordinator may no longer decide (its lease was lost), or null while it may. */
    public String leaseLost() {
        return leaseLost;
    }

    /** True once {@link #close()} has begun: the store is (being) closed and nothing more is sent. */
    public boolean isClosed() {
        return closed;
    }



    /**
     * Claims the node name in this JVM, opens its store and starts the engine.
     *
     * @throws IllegalStateException if an engine with this node name runs in this JVM
     * @throws IOException           if the store cannot be opened (the message says what to fix)
     */
    public static Engine start(Settings settings, DecisionStore.Opener opener) throws IOException {
        String node = settings.nodeName();
        if (!RUNNING.add(node)) {
            throw new IllegalStateException("a coordinator named '" + node + "' is already running in this JVM;"
                    + " a node name identifies one coordinator: close the other TransactionService first, or give"
                    + " this one another nodeName (two coordinators with one name roll back each other's prepared"
                    + " branches)");
        }
        DecisionStore store = null;
        try {
            store = opener.open(node);
            if (store == null) {
                throw new IOException("the decision store opener returned null for node " + node);
            }
            return new Engine(settings, store);
        } catch (IOException | RuntimeException | Error e) {
            if (store != null) {
                try {
                    store.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            RUNNING.remove(node);
            throw e;
        }
    }

    public String nodeName() {
        return nodeName;
    }

    public Audit audit() {
        return audit;
    }

    /** Where decisions are kept: the file log, or another {@link DecisionStore}. For monitoring. */
    public DecisionStore store() {
        return store;
    }

    public XidFactory xids() {
        return xids;
    }

    /** The open decisions, in step with the store: a face reads the state of a decided transaction here. */
    public Decisions decisions() {
        return decisions;
    }

    public Coordinator coordinator() {
        return coordinator;
    }

    public RecoveryManager recovery() {
        return recovery;
    }

    /**
     * The transactions begun and not yet completed, by id: recovery leaves their branches alone, the sweeper
     * times them out. A face adds a transaction when it begins and removes it once its decision is registered.
     */
    public ConcurrentMap<String, Timed> inFlight() {
        return inFlight;
    }

    private void periodicRecovery() {
        try {
            recovery.scan();
        } catch (RuntimeException e) {
            LOG.warn("periodic recovery pass failed", e);
        }
    }

    /**
     * Stops recovery, retries and the sweeper, and closes the store. Decided transactions whose branches are not
     * all acknowledged stay in the store; the next engine of this node finishes them.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (looker != null) {
                looker.shutdownNow();
            }
            if (takeovers != null) {
                takeovers.stop();
            }
            background.shutdownNow();
            timer.shutdownNow();
            phaseExecutor.shutdown();
            try {
                // A retry or recovery pass already running finishes its call first: after close returns, this
                // engine sends nothing more (the next engine of the node, or a test, must not race with it).
                background.awaitTermination(5, TimeUnit.SECONDS);
                phaseExecutor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                store.close();
            } catch (IOException e) {
                LOG.warn("closing the {} failed", store.describe(), e);
            }
        } finally {
            if (!takeover) {
                RUNNING.remove(nodeName);
            }
        }
    }

    private static ForkJoinPool.ForkJoinWorkerThreadFactory phaseWorkers(String prefix) {
        return pool -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setDaemon(true);
            t.setName(prefix + t.getPoolIndex());
            return t;
        };
    }

    /** Threads kept alive between calls (no creation per call), as many as calls block at once. */
    private static ExecutorService blockingPool(String prefix) {
        java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(0,
                Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(),
                daemonThreads(prefix));
        return pool;
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
