package dev.dtc.internal.twopc;

import dev.dtc.internal.audit.Audit;
import dev.dtc.audit.EventType;
import dev.dtc.log.DecisionPayload;
import dev.dtc.log.DecisionStore;
import dev.dtc.log.LogRecord;
import dev.dtc.log.RecordType;
import dev.dtc.internal.xid.DtcXid;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transactions the store holds open, in memory, in step with the store: commit decisions not yet finished,
 * and heuristic outcomes kept for an operator.
 *
 * <p>A commit decision is added when its DECISION record is forced. It names every branch with the resource the
 * branch lives in. It ends (END record) only when <em>every</em> branch is known finished: acknowledged by its
 * resource during phase 2, or by recovery through the resource named for it (committed, or found absent by a
 * scan of that resource). A branch that no registered resource can reach keeps the decision open, however many
 * recovery passes run: ending a decision early would let presumed abort roll back a branch of a committed
 * transaction.
 *
 * <p>Each branch is driven by one party at a time: phase 2 (the first commit and the retrier) while the process
 * that decided works on it, recovery once it is handed over (after bounded retries, or at start-up for every
 * branch read from the store).
 */
public final class Decisions {
    private static final Logger LOG = LoggerFactory.getLogger(Decisions.class);

    /** One branch of a decided transaction. */
    public static final class DecidedBranch {
        private final DtcXid xid;
        private final String resourceName;
        private volatile boolean finished;
        private volatile boolean recoveryOwned;
        private volatile boolean suspect;

        DecidedBranch(DtcXid xid, String resourceName, boolean recoveryOwned) {
            this.xid = xid;
            this.resourceName = resourceName;
            this.recoveryOwned = recoveryOwned;
        }

        public DtcXid xid() {
            return xid;
        }

        /** The resource the branch lives in; empty if it was not named. */
        public String resourceName() {
            return resourceName;
        }

        public boolean finished() {
            return finished;
        }

        /** Recovery drives this branch (phase 2 of the deciding process no longer does). */
        public boolean recoveryOwned() {
            return recoveryOwned;
        }

        /**
         * A commit of this branch was refused (XAER_RMERR and the like), so if recovery finds it gone, that is not
         * proof that it committed: recovery reports a heuristic hazard instead of finishing it silently.
         */
        public boolean suspect() {
            return suspect;
        }

        @Override
        public String toString() {
            return xid + (resourceName.isEmpty() ? " (unnamed resource)" : " @" + resourceName);
        }
    }

    /** One open transaction: a commit decision, or the heuristic outcome of a rollback. */
    public static final class Decision {
        private final String txId;
        private final boolean commit;
        private final Map<DtcXid, DecidedBranch> branches;
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile boolean heuristic;

        Decision(String txId, boolean commit, List<DecidedBranch> branches) {
            this.txId = txId;
            this.commit = commit;
            Map<DtcXid, DecidedBranch> m = new LinkedHashMap<>();
            for (DecidedBranch b : branches) {
                m.put(b.xid, b);
            }
            this.branches = m;
        }

        public String txId() {
            return txId;
        }

        /** True for a commit decision; false for a rolled-back transaction kept only for its heuristic record. */
        public boolean commit() {
            return commit;
        }

        public boolean heuristic() {
            return heuristic;
        }

        public DecidedBranch branch(DtcXid xid) {
            return branches.get(xid);
        }

        /** Every branch, in decision order. */
        public Collection<DecidedBranch> branches() {
            return branches.values();
        }

        /** Branches not yet known finished. */
        public List<DecidedBranch> unfinished() {
            List<DecidedBranch> out = new ArrayList<>(branches.size());
            for (DecidedBranch b : branches.values()) {
                if (!b.finished) {
                    out.add(b);
                }
            }
            return out;
        }

        /** True when some unfinished branch is driven by recovery. */
        public boolean recoveryOwned() {
            for (DecidedBranch b : branches.values()) {
                if (!b.finished && b.recoveryOwned) {
                    return true;
                }
            }
            return false;
        }
    }

    private final DecisionStore store;
    private final Audit audit;
    private final Map<String, Decision> open = new ConcurrentHashMap<>();
    private volatile Consumer<String> onHandOver = txId -> { };
    private static final CompletableFuture<Void> NOTHING_TO_WAIT_FOR = CompletableFuture.completedFuture(null);
    private volatile Function<Decision, CompletionStage<?>> beforeEnd = d -> NOTHING_TO_WAIT_FOR;

    public Decisions(DecisionStore store, Audit audit) {
        this.store = store;
        this.audit = audit;
    }

    /** Told the transaction id each time a branch is handed to recovery, so that a recovery pass can run soon. */
    public void onHandOver(Consumer<String> c) {
        this.onHandOver = c;
    }

    /**
     * Told the transaction id of a commit decision once every branch is finished; the END record is written when
     * the stage it returns completes (on the thread that completes it), and not at all if it fails. A face that
     * must still answer for the outcome after the log has forgotten it (the HTTP coordinator keeps outcomes for
     * a retention period) makes its own record durable first; nobody waits for that but the END record. Not
     * called for an operator's end of a heuristic or stuck decision.
     */
    public void beforeEnd(Function<Decision, CompletionStage<?>> f) {
        this.beforeEnd = f;
    }

    /** The hook set by {@link #beforeEnd}: a takeover's decisions of a dead node use the same one. */
    public Function<Decision, CompletionStage<?>> beforeEndHook() {
        return beforeEnd;
    }

    /** Loads what the store held at start-up; every branch belongs to recovery. */
    public void loadFromStore() {
        for (Map.Entry<String, List<LogRecord>> e : store.pendingAtOpen().entrySet()) {
            List<DecidedBranch> branches = new ArrayList<>();
            boolean commit = false;
            boolean heuristic = false;
            for (LogRecord r : e.getValue()) {
                if (r.type() == RecordType.DECISION) {
                    commit = true;
                    for (DecisionPayload.Branch b : decode(e.getKey(), r)) {
                        branches.add(new DecidedBranch(DtcXid.of(b.xid()), b.resourceName(), true));
                    }
                } else if (r.type() == RecordType.HEURISTIC) {
                    heuristic = true;
                }
            }
            Decision d = new Decision(e.getKey(), commit, branches);
            d.heuristic = heuristic;
            open.put(d.txId, d);
        }
    }

    private List<DecisionPayload.Branch> decode(String txId, LogRecord r) {
        try {
            return DecisionPayload.decode(r.payload());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the DECISION record of " + txId + " in the " + store.describe()
                    + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Forces the commit decision to the store and registers it. When this returns normally, the transaction is
     * committed whatever happens next; when it throws, nothing is known to be decided.
     */
    public Decision decideCommit(String txId, List<? extends Branch> voters) throws IOException {
        List<DecidedBranch> branches = new ArrayList<>(voters.size());
        List<DecisionPayload.Branch> entries = new ArrayList<>(voters.size());
        for (Branch b : voters) {
            branches.add(new DecidedBranch(b.xid(), b.resourceName(), false));
            entries.add(new DecisionPayload.Branch(b.xid(), b.resourceName()));
        }
        Decision d = new Decision(txId, true, branches);
        open.put(txId, d);
        if (audit.listening(EventType.DECISION_WRITE)) {
            audit.emit(EventType.DECISION_WRITE, txId, null, voters.size() + " branches");
        }
        try {
            store.appendForced(LogRecord.decision(txId, DecisionPayload.encode(entries)));
        } catch (IOException | RuntimeException e) {
            open.remove(txId);
            throw e;
        }
        if (audit.listening(EventType.DECISION_FORCED)) {
            audit.emit(EventType.DECISION_FORCED, txId, null, voters.size() + " branches");
        }
        return d;
    }

    /** A branch is known finished (committed, or found absent); ends the decision after the last one. */
    public void acknowledged(Decision d, DtcXid xid) {
        DecidedBranch b = d.branches.get(xid);
        if (b == null || b.finished) {
            return;
        }
        b.finished = true;
        endIfFinished(d);
    }

    /** Whether the branch {@code xid} of the open decision of {@code txId} is known finished; null if either is not open. */
    public Boolean finished(String txId, DtcXid xid) {
        Decision d = open.get(txId);
        DecidedBranch b = d == null ? null : d.branches.get(xid);
        return b == null ? null : b.finished;
    }

    /**
     * Records a heuristic outcome of one branch of a commit decision for an operator: forced, and the decision is
     * never ended automatically. The branch counts as finished: the resource has decided it.
     */
    public void heuristic(Decision d, DtcXid xid, String what) {
        d.heuristic = true;
        DecidedBranch b = d.branches.get(xid);
        if (b != null) {
            b.finished = true;
        }
        force(d.txId, xid, b == null ? "" : b.resourceName, what);
    }

    /**
     * Records a heuristic outcome of a transaction that has no commit decision: a resource that committed on its
     * own while being rolled back, or that answered a one-phase commit with a heuristic. Forced before the
     * resource is told to forget it, so the evidence is not lost, and listed for an operator like any other
     * heuristic. The record does not make the transaction a commit decision: recovery still rolls back any
     * prepared branch of it.
     */
    public void heuristicWithoutDecision(String txId, Branch branch, String what) {
        Decision d = open.computeIfAbsent(txId, id -> new Decision(id, false, List.of()));
        d.heuristic = true;
        force(txId, branch.xid(), branch.resourceName(), what);
    }

    private void force(String txId, DtcXid xid, String resource, String what) {
        String text = xid + (resource.isEmpty() ? "" : " @" + resource) + " " + what;
        try {
            store.appendForced(LogRecord.heuristic(txId, text.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            LOG.error("could not log heuristic outcome of {} ({}); it is in the audit log only", xid, what, e);
        }
    }

    /**
     * Phase 2 of this process stops driving a branch: recovery reaches it through its named resource from now on.
     *
     * @param suspect a commit of it was refused, so its absence later is not proof that it committed
     */
    public void handOver(Decision d, DtcXid xid, boolean suspect) {
        DecidedBranch b = d.branches.get(xid);
        if (b == null || b.finished) {
            return;
        }
        if (suspect) {
            b.suspect = true;
        }
        b.recoveryOwned = true;
        onHandOver.accept(d.txId);
    }

    /** Ids of the transactions whose heuristic outcome waits for an operator. */
    public List<String> heuristics() {
        List<String> ids = new ArrayList<>();
        for (Decision d : open.values()) {
            if (d.heuristic) {
                ids.add(d.txId);
            }
        }
        return ids;
    }

    /** An operator reconciled a heuristic transaction: end it in the store. */
    public boolean forgetHeuristic(String txId) {
        Decision d = open.get(txId);
        if (d == null || !d.heuristic) {
            return false;
        }
        end(d);
        return true;
    }

    /** An operator checked the branches by hand: end the open transaction, heuristic or not. */
    public boolean endByOperator(String txId) {
        Decision d = open.get(txId);
        if (d == null) {
            return false;
        }
        end(d);
        return true;
    }

    public Decision get(String txId) {
        return open.get(txId);
    }

    /** True if the transaction has a commit decision that is not ended. */
    public boolean isCommitDecided(String txId) {
        Decision d = open.get(txId);
        return d != null && d.commit;
    }

    public Collection<Decision> all() {
        return List.copyOf(open.values());
    }

    public int size() {
        return open.size();
    }

    private void endIfFinished(Decision d) {
        if (d.heuristic) {
            return;
        }
        for (DecidedBranch b : d.branches.values()) {
            if (!b.finished) {
                return;
            }
        }
        if (d.ended.get()) {
            return;
        }
        CompletionStage<?> recorded;
        try {
            recorded = beforeEnd.apply(d);
        } catch (RuntimeException e) {
            recorded = CompletableFuture.failedFuture(e);
        }
        if (recorded == NOTHING_TO_WAIT_FOR) {
            end(d); // the JTA face records nothing: no callback on its commit path
            return;
        }
        recorded.whenComplete((ignored, error) -> {
            if (error == null) {
                end(d);
            } else {
                // The decision stays open (in the log too), so nothing is lost: the next start drives its
                // branches again, they answer "already done", and the end is tried once more.
                LOG.warn("could not record the outcome of {} before ending its decision; it stays open until the"
                        + " next start", d.txId, error);
            }
        });
    }

    private void end(Decision d) {
        if (!d.ended.compareAndSet(false, true)) {
            return; // two branches acknowledged at once both saw the decision finished
        }
        open.remove(d.txId, d);
        try {
            store.append(LogRecord.end(d.txId));
        } catch (IOException e) {
            // Harmless for correctness: recovery will find the decision again and finish it once more.
            LOG.warn("could not write end record of {}; recovery will finish it again", d.txId, e);
        }
        audit.emit(EventType.END, d.txId);
    }
}
