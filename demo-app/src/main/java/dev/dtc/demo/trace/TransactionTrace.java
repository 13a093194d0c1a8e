package dev.dtc.demo.trace;

import dev.dtc.audit.AuditEvent;
import dev.dtc.audit.EventType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The 2PC events of one transaction, in the order dtc emitted them, each with its participant's name. Events
 * arrive from several threads (dtc sends prepare and commit to the branches in parallel); watchers see each event
 * as it is recorded, on the thread that emitted it.
 */
public final class TransactionTrace {

    private final ReentrantLock lock = new ReentrantLock();
    private final List<TraceEvent> events = new ArrayList<>();
    private final Map<String, String> participantsByBranch = new ConcurrentHashMap<>();
    private final List<Consumer<TraceEvent>> watchers = new CopyOnWriteArrayList<>();
    private volatile String transactionId;
    private int votesToCommit;

    /**
     * The trace of a transaction that ran elsewhere (the HTTP coordinator), from the events it reported, each
     * already named by participant; the branch ids the coordinator's details mention are named for people too.
     */
    public static TransactionTrace ofRemote(String transactionId, List<TraceEvent> reported,
                                            Map<String, String> participantsByBranch) {
        TransactionTrace trace = new TransactionTrace();
        trace.began(transactionId);
        trace.participantsByBranch.putAll(participantsByBranch);
        for (TraceEvent e : reported) {
            trace.events.add(e);
            if (e.type() == EventType.VOTE_COMMIT) {
                trace.votesToCommit++;
            }
        }
        return trace;
    }

    /** Adds a watcher that sees every later event, e.g. the live output or a crash switch. */
    public TransactionTrace watch(Consumer<TraceEvent> watcher) {
        watchers.add(watcher);
        return this;
    }

    /** dtc's id of the transaction, once it began; null before. */
    public String transactionId() {
        return transactionId;
    }

    void began(String txId) {
        transactionId = txId;
    }

    void name(String branch, String participant) {
        participantsByBranch.put(branch, participant);
    }

    void record(AuditEvent e) {
        TraceEvent event = new TraceEvent(e.type(), e.txId(), e.branch() == null ? null : participantOf(e.branch()), e.branch(),
                e.detail(), e.at());
        lock.lock();
        try {
            events.add(event);
            if (e.type() == EventType.VOTE_COMMIT) {
                votesToCommit++;
            }
        } finally {
            lock.unlock();
        }
        for (Consumer<TraceEvent> w : watchers) {
            w.accept(event);
        }
    }

    /** The participant a branch belongs to; "branch &lt;xid&gt;" for a branch no participant claimed. */
    public String participantOf(String branch) {
        return participantsByBranch.getOrDefault(branch, "branch " + branch);
    }

    /** The text with each branch Xid of this transaction followed by its participant's name, for people. */
    public String withParticipants(String text) {
        if (text == null) {
            return null;
        }
        String named = text;
        for (Map.Entry<String, String> p : participantsByBranch.entrySet()) {
            named = named.replace(p.getKey(), p.getKey() + " (" + p.getValue() + ")");
        }
        return named;
    }

    /** The participants in the order they were enlisted. */
    public List<String> participants() {
        List<String> names = new ArrayList<>();
        for (TraceEvent e : events()) {
            if (e.type() == EventType.ENLIST) {
                names.add(e.participant());
            }
        }
        return names;
    }

    public List<TraceEvent> events() {
        lock.lock();
        try {
            return List.copyOf(events);
        } finally {
            lock.unlock();
        }
    }

    /** Branches that voted to commit so far. */
    public int votesToCommit() {
        lock.lock();
        try {
            return votesToCommit;
        } finally {
            lock.unlock();
        }
    }

    /** The first vote to abort (or prepare that failed or timed out), if any. */
    public Optional<TraceEvent> firstAbortVote() {
        return events().stream().filter(e -> e.type() == EventType.VOTE_ABORT).findFirst();
    }

    /** True if dtc emitted an event of this type for the transaction. */
    public boolean has(EventType type) {
        return events().stream().anyMatch(e -> e.type() == type);
    }
}
