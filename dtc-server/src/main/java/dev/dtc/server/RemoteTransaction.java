package dev.dtc.server;

import dev.dtc.audit.AuditEvent;
import dev.dtc.internal.engine.Timed;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One transaction of the HTTP face while this process knows it: its participants (as branches), the events it
 * went through, and its outcome once decided. The answer to {@code POST} and {@code GET /v1/transactions} is
 * drawn from it (see {@link Answers}).
 */
final class RemoteTransaction implements Timed {

    enum Outcome { IN_PROGRESS, COMMITTED, ROLLED_BACK }

    /** One event as the API shows it. */
    record Event(Instant at, String type, String participant, String detail) {
    }

    /**
     * Where an open transaction (begun without participants, joined by services while it runs) stands: it takes
     * participants only while OPEN; commit, rollback and the timeout each move it out of OPEN once, under the
     * transaction's monitor, so a participant cannot join a transaction whose phase 1 has begun.
     */
    enum OpenState { OPEN, COMMITTING, ROLLING_BACK }

    private final String id;
    private final List<HttpBranch> branches;
    private final Map<String, String> participantByBranch = new ConcurrentHashMap<>();
    private final boolean open;
    private final long timeoutMs;
    private final long deadlineNanos;
    private final Instant expiresAt;
    private volatile OpenState openState;
    private volatile Runnable onTimeout = () -> { };
    private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();
    private final CompletableFuture<RemoteTransaction> answered = new CompletableFuture<>();
    private volatile Outcome outcome = Outcome.IN_PROGRESS;
    private volatile String reason;
    private final ClientTrace clientTrace;

    /** A one-shot transaction; {@code clientTrace} is the one its branches were given. */
    RemoteTransaction(String id, List<HttpBranch> branches, ClientTrace clientTrace) {
        this.clientTrace = clientTrace;
        this.id = id;
        this.branches = List.copyOf(branches);
        for (HttpBranch b : branches) {
            participantByBranch.put(b.xid().toString(), b.address().name());
        }
        this.open = false;
        this.timeoutMs = 0;
        this.deadlineNanos = Long.MAX_VALUE;
        this.expiresAt = null;
    }

    /** An open transaction: no participants yet, services join it until it commits, rolls back or times out. */
    RemoteTransaction(String id, long timeoutMs) {
        this.clientTrace = new ClientTrace();
        this.id = id;
        this.branches = new CopyOnWriteArrayList<>();
        this.open = true;
        this.timeoutMs = timeoutMs;
        this.deadlineNanos = System.nanoTime() + timeoutMs * 1_000_000L;
        this.expiresAt = Instant.now().plusMillis(timeoutMs);
        this.openState = OpenState.OPEN;
    }

    /** The W3C trace context its client sent (the branches send it on, or the coordinator's span for it). */
    ClientTrace clientTrace() {
        return clientTrace;
    }

    boolean isOpen() {
        return open;
    }

    long timeoutMs() {
        return timeoutMs;
    }

    long deadlineNanos() {
        return deadlineNanos;
    }

    Instant expiresAt() {
        return expiresAt;
    }

    /** For an open transaction: OPEN, or how it is ending; null for a one-shot transaction. */
    OpenState openState() {
        return openState;
    }

    /** What to do when the sweeper finds the open transaction past its deadline. */
    void onTimeout(Runnable r) {
        this.onTimeout = r;
    }

    /** Adds a joining participant's branch; the caller holds this transaction's monitor and checked it is OPEN. */
    void join(HttpBranch b) {
        participantByBranch.put(b.xid().toString(), b.address().name());
        branches.add(b);
    }

    /** Moves an open transaction out of OPEN, once; false if it had left OPEN already. Hold the monitor. */
    boolean leaveOpen(OpenState next) {
        if (openState != OpenState.OPEN) {
            return false;
        }
        openState = next;
        return true;
    }

    String id() {
        return id;
    }

    List<HttpBranch> branches() {
        return branches;
    }

    Outcome outcome() {
        return outcome;
    }

    String reason() {
        return reason;
    }

    void decided(Outcome o, String why) {
        this.outcome = o;
        if (why != null) {
            this.reason = why;
        }
    }

    /** Phase 2 has been tried once on every participant: the POST can be answered. */
    void answered() {
        answered.complete(this);
    }

    CompletableFuture<RemoteTransaction> whenAnswered() {
        return answered;
    }

    /**
     * Events kept per transaction: a participant that stays away for hours makes recovery report a failure on
     * every pass; the audit log has them all, the answer the first ones and a count.
     */
    static final int MAX_EVENTS = 200;

    private final java.util.concurrent.atomic.AtomicInteger eventCount = new java.util.concurrent.atomic.AtomicInteger();

    void add(AuditEvent e) {
        int n = eventCount.incrementAndGet();
        if (n > MAX_EVENTS) {
            return;
        }
        if (n == MAX_EVENTS) {
            events.add(new Event(e.at(), "EVENTS_TRUNCATED", null, "later events are in the coordinator's audit log"));
            return;
        }
        events.add(new Event(e.at(), e.type().name(), e.branch() == null ? null : participantByBranch.get(e.branch()),
                readable(e.detail())));
    }

    /** Engine details name branches by Xid ({@code id:n}); the API's reader knows participants by name. */
    private String readable(String detail) {
        if (detail == null || detail.indexOf(':') < 0) {
            return detail;
        }
        // the last branch first: "id:1" is a prefix of "id:10"
        for (int i = branches.size() - 1; i >= 0; i--) {
            HttpBranch b = branches.get(i);
            detail = detail.replace(b.xid().toString(), b.address().name());
        }
        return detail;
    }

    List<Event> events() {
        return new ArrayList<>(events);
    }

    /**
     * One-shot transactions carry their own deadline into phase 1, so the sweeper never times them out; an open
     * transaction that is still OPEN at its deadline is rolled back by it.
     */
    @Override
    public boolean isOverdue(long nowNanos) {
        return open && openState == OpenState.OPEN && nowNanos - deadlineNanos >= 0;
    }

    @Override
    public void timeout() {
        if (open) {
            onTimeout.run();
        }
    }
}
