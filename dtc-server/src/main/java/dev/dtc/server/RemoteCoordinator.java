package dev.dtc.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dtc.audit.AuditEvent;
import dev.dtc.audit.AuditListener;
import dev.dtc.audit.EventType;
import dev.dtc.internal.engine.Engine;
import dev.dtc.internal.twopc.Coordinator;
import dev.dtc.internal.twopc.Decisions;
import dev.dtc.internal.twopc.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face on the engine: turns a checked request into branches, runs them through the engine's
 * {@link Coordinator}, and keeps what the API reports about each transaction. It adds nothing to the protocol:
 * phase 1, the decision, phase 2, retries and recovery are the engine's, exactly as for the JTA face.
 */
final class RemoteCoordinator implements AuditListener {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteCoordinator.class);
    /** Finished transactions kept in memory for GET; older ones are read from the outcome history. */
    private static final int RECENT = 10_000;

    private final Engine engine;
    private final ParticipantCalls calls;
    private final ObjectMapper json;
    private final OutcomeHistory history;
    private final Faults fault;
    private final Views views;
    private final Traces traces;
    private final Map<String, RemoteTransaction> known = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> finishedOrder = new ConcurrentLinkedQueue<>();
    private final AtomicInteger finishedCount = new AtomicInteger();
    private final Map<String, HttpRecoverySource> sources = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> commitVotes = new ConcurrentHashMap<>();

    RemoteCoordinator(Engine engine, ParticipantCalls calls, ObjectMapper json, OutcomeHistory history, Faults fault,
                      Traces traces) {
        this.traces = traces;
        if (traces.spans() != null) {
            engine.audit().addListener(traces.spans());
        }
        this.engine = engine;
        this.calls = calls;
        this.json = json;
        this.history = history;
        this.fault = fault;
        this.views = new Views(json, engine.decisions());
        engine.audit().addListener(this);
        engine.decisions().beforeEnd(this::recordCommitted);
        // decisions read from the log (or taken over) name participants this process has not met: every recovery
        // pass registers their sources through this before it scans
        engine.recovery().resolveWith(this::sourceFor);
    }

    /**
     * The recovery source for a resource name a decision carries ({@code name=url}), or null if it names no HTTP
     * participant: how recovery reaches the participants of a dead node's decisions that this coordinator took over.
     */
    HttpRecoverySource sourceFor(String resourceName) {
        ParticipantAddress a = ParticipantAddress.fromResourceName(resourceName);
        return a == null ? null : source(a);
    }

    Views views() {
        return views;
    }

    /** Why this coordinator may no longer begin transactions (it lost its lease in the shared store), or null. */
    String refusal() {
        return engine.leaseLost();
    }

    /** The recovery source of a participant, registered with recovery the first time it is named. */
    private HttpRecoverySource source(ParticipantAddress a) {
        return sources.computeIfAbsent(a.resourceName(), n -> {
            HttpRecoverySource s = new HttpRecoverySource(a, calls, json);
            engine.recovery().register(n, s);
            return s;
        });
    }

    /**
     * A new transaction for the request, not yet started.
     *
     * @param trace the W3C trace context the request carried, or null
     */
    RemoteTransaction create(TransactionRequest request, TraceContext trace) {
        String id = engine.xids().newUrlSafeTransactionId();
        ClientTrace clientTrace = new ClientTrace(trace);
        List<HttpBranch> branches = new ArrayList<>(request.participants().size());
        int i = 0;
        for (TransactionRequest.Participant p : request.participants()) {
            i++;
            branches.add(new HttpBranch(id, engine.xids().branch(id, i), p.address(), p.payload(), calls, json,
                    source(p.address()), false, clientTrace, traces));
        }
        return new RemoteTransaction(id, branches, clientTrace);
    }

    /** Makes a transaction known before it runs (GET answers IN_PROGRESS, a replayed request waits for it). */
    void track(RemoteTransaction t) {
        known.put(t.id(), t);
    }

    /** Forgets a transaction that was tracked and will not run. */
    void untrack(RemoteTransaction t) {
        known.remove(t.id(), t);
    }

    /**
     * Runs the transaction: phase 1 with the request's timeout, the decision, and phase 2 tried once on every
     * participant (the engine keeps retrying in the background). Returns when the POST can be answered.
     */
    void run(RemoteTransaction t, TransactionRequest request, String acceptedDetail) {
        String id = t.id();
        known.put(id, t);
        engine.inFlight().put(id, t);
        ServerTracing.Scope client = traces.enter(t.clientTrace()); // the transaction's span is begun in it
        try {
            engine.audit().emit(EventType.BEGIN, id, null, acceptedDetail);
        } finally {
            client.close();
        }
        complete(t, System.nanoTime() + request.timeoutMs() * 1_000_000L, "no answer within " + request.timeoutMs()
                + " ms");
    }

    /** The two phases of a transaction that is known and in flight, up to the answer of its POST. */
    private void complete(RemoteTransaction t, long deadline, String noAnswer) {
        String id = t.id();
        for (HttpBranch b : t.branches()) {
            b.deadline(deadline);
        }
        if (fault == Faults.HALT_BEFORE_DECISION) {
            commitVotes.put(id, new AtomicInteger());
        }
        Outcome o;
        try {
            o = engine.coordinator().commit(id, t.branches(), deadline, false, phase -> {
                switch (phase) {
                    case COMMITTING -> t.decided(RemoteTransaction.Outcome.COMMITTED, null);
                    case ROLLING_BACK -> t.decided(RemoteTransaction.Outcome.ROLLED_BACK, null);
                    default -> { }
                }
            });
        } finally {
            engine.inFlight().remove(id);
            commitVotes.remove(id);
        }
        for (HttpBranch b : t.branches()) {
            if (b.vote() == null) {
                b.noAnswerByDeadline(noAnswer);
            }
        }
        switch (o.kind()) {
            case COMMITTED -> {
                t.decided(RemoteTransaction.Outcome.COMMITTED, null);
                if (engine.decisions().get(id) == null && !t.branches().isEmpty() && allReadOnly(t)) {
                    // nothing was logged (every vote read-only), so the history is the only record of the answer
                    await(history.record(id, views.of(t)), id);
                }
            }
            case ROLLED_BACK -> {
                t.decided(RemoteTransaction.Outcome.ROLLED_BACK, byName(t, o.reason()));
                history.record(id, views.of(t)); // presumed abort tells the truth without it: no wait
            }
            case HEURISTIC_ROLLBACK, HEURISTIC_MIXED -> {
                // A participant reported that it decided on its own (409 {"heuristic": ...}): the outcome stays as
                // decided, the log keeps the HEURISTIC record, and an operator resolves it (Attention).
                if (!engine.decisions().isCommitDecided(id)) {
                    t.decided(RemoteTransaction.Outcome.ROLLED_BACK, byName(t, o.reason()));
                    history.record(id, views.of(t));
                }
                LOG.warn("transaction {} ended {}: {}; it waits for an operator", id, o.kind(), byName(t, o.reason()));
            }
            default -> {
                // UNKNOWN: the decision log failed. The outcome is left to recovery at the next start, and the
                // caller is told so.
                t.decided(RemoteTransaction.Outcome.IN_PROGRESS, o.reason());
                LOG.error("transaction {} ended {}: {}", id, o.kind(), o.reason());
            }
        }
        t.answered();
        remember(id);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Open transactions: begun without participants; services join while they run; commit, rollback or timeout.

    /** What an open-transaction request gets: a status and the body to send. */
    record Answer(int status, ObjectNode body) {
    }

    /**
     * Begins an open transaction. Nothing is logged: until its commit decision it is presumed rolled back, so a
     * coordinator that restarts has nothing to recover for it, and participants that ask are told ROLLED_BACK.
     */
    RemoteTransaction begin(long timeoutMs, TraceContext trace) {
        String id = engine.xids().newUrlSafeTransactionId();
        RemoteTransaction t = new RemoteTransaction(id, timeoutMs);
        t.clientTrace().keep(trace);
        t.onTimeout(() -> rollBackOpen(t, "timed out: not committed within its timeout of " + timeoutMs + " ms",
                true));
        known.put(id, t);
        engine.inFlight().put(id, t); // the sweeper rolls it back at its deadline
        ServerTracing.Scope client = traces.enter(t.clientTrace()); // the transaction's span is begun in it
        try {
            engine.audit().emit(EventType.BEGIN, id, null, "open: participants join it until it commits, timeout "
                    + timeoutMs + " ms");
        } finally {
            client.close();
        }
        return t;
    }

    /**
     * Enlists a participant that joined the open transaction: 201 when it joined, 200 when it had joined already
     * with the same URL, 409 once the transaction has left OPEN (or the name is taken by another URL).
     */
    Answer join(RemoteTransaction t, ParticipantAddress a, int maxParticipants) {
        HttpBranch b;
        synchronized (t) {
            if (t.openState() != RemoteTransaction.OpenState.OPEN || t.isOverdue(System.nanoTime())) {
                return new Answer(409, tooLate(t, "join"));
            }
            for (HttpBranch other : t.branches()) {
                if (other.address().name().equals(a.name())) {
                    if (other.address().url().equals(a.url())) {
                        return new Answer(200, joined(t, other));
                    }
                    return new Answer(409, error(t, "participant '" + a.name() + "' has joined transaction " + t.id()
                            + " with url " + other.address().url() + "; a participant name means one service within"
                            + " a transaction: join under another name"));
                }
            }
            if (t.branches().size() >= maxParticipants) {
                return new Answer(409, error(t, "transaction " + t.id() + " has " + t.branches().size()
                        + " participants, the most this coordinator takes (--max-participants); nothing joined"));
            }
            b = new HttpBranch(t.id(), engine.xids().branch(t.id(), t.branches().size() + 1), a,
                    com.fasterxml.jackson.databind.node.NullNode.getInstance(), calls, json, source(a), true,
                    t.clientTrace(), traces);
            t.join(b);
        }
        engine.audit().emit(EventType.ENLIST, t.id(), b.xid(), "joined: " + a.name() + " " + a.url());
        return new Answer(201, joined(t, b));
    }

    private ObjectNode joined(RemoteTransaction t, HttpBranch b) {
        ObjectNode o = json.createObjectNode();
        o.put("id", t.id());
        o.put("name", b.address().name());
        o.put("url", b.address().url().toString());
        return o;
    }

    /**
     * Commits an open transaction through the same two phases as a one-shot one; phase 1 must end by the
     * transaction's deadline. A commit that finds it committing already waits for that outcome; one that finds it
     * rolled back (by the client, or at its timeout) gets 409.
     */
    Answer commitOpen(RemoteTransaction t) {
        boolean mine;
        synchronized (t) {
            mine = !t.isOverdue(System.nanoTime()) && t.leaveOpen(RemoteTransaction.OpenState.COMMITTING);
        }
        if (mine) {
            complete(t, t.deadlineNanos(), "no answer by the transaction's deadline (timeoutMs " + t.timeoutMs()
                    + ")");
        } else {
            awaitAnswer(t);
        }
        return settled(t, RemoteTransaction.Outcome.COMMITTED, "commit");
    }

    /** Rolls back an open transaction and tells every participant that joined it. */
    Answer rollbackOpen(RemoteTransaction t, String why) {
        if (!rollBackOpen(t, "rolled back by its client" + (why == null ? "" : ": " + why), false)) {
            awaitAnswer(t);
        }
        return settled(t, RemoteTransaction.Outcome.ROLLED_BACK, "rollback");
    }

    /** Rolls the open transaction back if it is still OPEN (client rollback or timeout); false if it was not. */
    private boolean rollBackOpen(RemoteTransaction t, String reason, boolean timedOut) {
        synchronized (t) {
            if (!t.leaveOpen(RemoteTransaction.OpenState.ROLLING_BACK)) {
                return false;
            }
        }
        String id = t.id();
        if (timedOut) {
            engine.audit().emit(EventType.TIMEOUT, id, null, reason);
        }
        t.decided(RemoteTransaction.Outcome.ROLLED_BACK, reason);
        try {
            engine.coordinator().rollback(id, t.branches(), reason);
        } finally {
            engine.inFlight().remove(id);
        }
        history.record(id, views.of(t));
        t.answered();
        remember(id);
        return true;
    }

    private void awaitAnswer(RemoteTransaction t) {
        try {
            // the other request's phase 1 ends by the deadline; phase 2's first attempt is bounded too
            t.whenAnswered().get(Math.max(0, t.deadlineNanos() - System.nanoTime()) / 1_000_000L + 60_000,
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            // answer with what is known now
        }
    }

    /** The answer to commit or rollback of an open transaction, once it has settled (or as far as it got). */
    private Answer settled(RemoteTransaction t, RemoteTransaction.Outcome wanted, String op) {
        ObjectNode view = views.of(t);
        RemoteTransaction.Outcome o = t.outcome();
        if (o == wanted) {
            return new Answer(200, view);
        }
        if (o == RemoteTransaction.Outcome.IN_PROGRESS) {
            view.put("error", "the outcome is not known yet" + (t.reason() == null ? "" : ": " + t.reason())
                    + "; ask GET /v1/transactions/" + t.id() + " later");
            return new Answer(500, view);
        }
        if (wanted == RemoteTransaction.Outcome.COMMITTED && t.openState() == RemoteTransaction.OpenState.COMMITTING) {
            return new Answer(200, view); // this commit ran phase 1 and a participant refused: the usual answer
        }
        view.put("error", "cannot " + op + " transaction " + t.id() + ": it " + (o == RemoteTransaction.Outcome.COMMITTED
                ? "committed" : "was rolled back" + (t.reason() == null ? "" : " (" + t.reason() + ")")) + " already");
        return new Answer(409, view);
    }

    /** 409 for a participant that comes after the transaction left OPEN. */
    private ObjectNode tooLate(RemoteTransaction t, String what) {
        RemoteTransaction.OpenState s = t.openState();
        String where = t.outcome() == RemoteTransaction.Outcome.COMMITTED ? "has committed"
                : s == RemoteTransaction.OpenState.COMMITTING && t.outcome() == RemoteTransaction.Outcome.ROLLED_BACK
                ? "was rolled back (" + t.reason() + ")"
                : s == RemoteTransaction.OpenState.COMMITTING ? "is committing (phase 1 has begun)"
                : s == RemoteTransaction.OpenState.ROLLING_BACK ? "was rolled back" + (t.reason() == null ? ""
                : " (" + t.reason() + ")") : "has reached its timeout of " + t.timeoutMs() + " ms";
        return error(t, "too late to " + what + " transaction " + t.id() + ": it " + where
                + "; nothing joined, undo the work done for it");
    }

    private ObjectNode error(RemoteTransaction t, String message) {
        ObjectNode o = json.createObjectNode();
        o.put("error", message);
        o.put("id", t.id());
        o.put("outcome", t.outcome().name());
        return o;
    }

    /**
     * The engine names branches by Xid and failures by X/Open code; the API's reader knows the participants by
     * name and wants their words.
     */
    private static String byName(RemoteTransaction t, String reason) {
        if (reason == null) {
            return null;
        }
        for (HttpBranch b : t.branches()) {
            reason = reason.replace(b.xid().toString(), b.address().name());
        }
        return reason.replace("XA_RBROLLBACK: ", "").replace("XAER_RMFAIL: ", "");
    }

    private static boolean allReadOnly(RemoteTransaction t) {
        for (HttpBranch b : t.branches()) {
            if (b.vote() != HttpBranch.ReportedVote.READ_ONLY) {
                return false;
            }
        }
        return true;
    }

    /** Keeps the last {@value #RECENT} finished transactions in memory. */
    private void remember(String id) {
        finishedOrder.add(id);
        if (finishedCount.incrementAndGet() > RECENT) {
            String old = finishedOrder.poll();
            if (old != null) {
                finishedCount.decrementAndGet();
                RemoteTransaction t = known.get(old);
                if (t != null && engine.decisions().get(old) == null) {
                    known.remove(old);
                } else if (t != null) {
                    finishedOrder.add(old); // still in phase 2: keep it until it ends
                    finishedCount.incrementAndGet();
                }
            }
        }
    }

    /**
     * Before a commit decision's END record: its answer goes to the outcome history; the END is written once
     * that is forced (nobody else waits for it, the client has its answer already).
     */
    private java.util.concurrent.CompletionStage<?> recordCommitted(Decisions.Decision d) {
        String id = d.txId();
        RemoteTransaction t = known.get(id);
        ObjectNode answer;
        if (t != null) {
            t.decided(RemoteTransaction.Outcome.COMMITTED, null);
            answer = views.of(t);
        } else {
            // a decision recovery finished: this node's own, or a dead node's this one took over
            answer = views.of(d);
        }
        answer.put("phase2", "COMPLETE");
        answer.withArray("participants").forEach(p -> {
            if (p instanceof ObjectNode o && "COMMIT".equals(o.path("vote").asText())) {
                o.put("acknowledged", true); // END follows: every participant acknowledged
            }
        });
        return history.record(id, answer);
    }

    private static void await(java.util.concurrent.CompletableFuture<Void> f, String id) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while recording the outcome of " + id, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not record the outcome of " + id + ": " + e.getCause(), e.getCause());
        }
    }

    /** What GET answers: the transaction's view, or null if nothing is known of it. */
    ObjectNode view(String id) {
        RemoteTransaction t = known.get(id);
        if (t != null) {
            return views.of(t);
        }
        Decisions.Decision d = engine.decisions().get(id);
        if (d != null && d.commit()) {
            return views.of(d);
        }
        return history.answer(id);
    }

    ObjectNode answerOf(RemoteTransaction t) {
        return views.of(t);
    }

    ObjectNode unknown(String id) {
        return views.unknown(id);
    }

    RemoteTransaction running(String id) {
        return known.get(id);
    }

    @Override
    public void onEvent(AuditEvent e) {
        RemoteTransaction t = known.get(e.txId());
        if (t != null) {
            t.add(e);
            if (e.type() == EventType.VOTE_ABORT && e.branch() != null && e.detail() != null
                    && e.detail().startsWith("no answer within")) {
                for (HttpBranch b : t.branches()) {
                    if (b.xid().toString().equals(e.branch())) {
                        b.noAnswerByDeadline(e.detail());
                    }
                }
            }
        }
        switch (fault) {
            case HALT_AFTER_DECISION -> {
                if (e.type() == EventType.DECISION_FORCED) {
                    fault.halt(e.txId());
                }
            }
            case HALT_BEFORE_DECISION -> {
                AtomicInteger n = commitVotes.get(e.txId());
                if (e.type() == EventType.VOTE_COMMIT && n != null && t != null
                        && n.incrementAndGet() == t.branches().size()) {
                    fault.halt(e.txId());
                }
            }
            case HALT_BETWEEN_COMMITS -> betweenCommits(e);
            default -> { }
        }
    }

    /** Per transaction: the first branch whose commit was sent, and a latch opened when that commit is done. */
    private final Map<String, FirstCommit> firstCommits = new ConcurrentHashMap<>();

    private record FirstCommit(String branch, java.util.concurrent.CountDownLatch done) {
    }

    /**
     * {@code --test-fault halt-between-commits}: the first COMMIT_SENT of a transaction is let through; at the second,
     * wait until the first branch's commit is done (COMMITTED, or left to retries), then halt, so that one participant
     * has committed and the next one's commit is never sent. Phase 2 is the engine's for one-shot and open
     * transactions alike, so both halt here.
     */
    private void betweenCommits(AuditEvent e) {
        switch (e.type()) {
            case COMMIT_SENT -> {
                FirstCommit mine = new FirstCommit(e.branch(), new java.util.concurrent.CountDownLatch(1));
                FirstCommit first = firstCommits.putIfAbsent(e.txId(), mine);
                if (first != null && !first.branch().equals(e.branch())) {
                    try {
                        first.done().await(60, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                    fault.halt(e.txId());
                }
            }
            case COMMITTED, RETRY, HANDED_TO_RECOVERY, HEURISTIC -> {
                FirstCommit first = firstCommits.get(e.txId());
                if (first != null && first.branch().equals(e.branch())) {
                    first.done().countDown();
                }
            }
            case TX_COMMITTED, TX_ROLLED_BACK, END -> firstCommits.remove(e.txId());
            default -> { }
        }
    }

    /**
     * An operator resolved the transaction and its answer is in the outcome history: stop answering from memory,
     * so that {@code GET} shows the resolution.
     */
    void resolved(String id) {
        known.remove(id);
    }
}
