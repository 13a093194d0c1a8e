package dev.dtc.opentelemetry;

import dev.dtc.audit.AuditEvent;
import dev.dtc.audit.AuditListener;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds the spans of each transaction from the engine's audit events: {@code dtc.transaction} from BEGIN to
 * TX_COMMITTED, TX_ROLLED_BACK or TX_HEURISTIC, and below it one {@code dtc.prepare}, {@code dtc.commit} or
 * {@code dtc.rollback} per branch and call, and {@code dtc.decision} for the force of the commit decision. Start
 * and end times are the events' own ({@link AuditEvent#at()}), not the time the listener ran.
 *
 * <p>The transaction span's parent is the OpenTelemetry {@link Context} current on the thread that emits BEGIN:
 * the thread that called {@code begin()} for the JTA face, the client's request for the HTTP face (which makes
 * the client's W3C context current around BEGIN).
 *
 * <p>Performance: the listener runs on protocol threads, so it does a map lookup and a span start or end per
 * event, never I/O (the SDK's span processor hands ended spans to its exporter thread). State is kept per
 * transaction until its last span ends, bounded by {@code maxTransactions}: a transaction that never ends (its
 * application thread died before commit, or its decision could not be forced) is evicted, oldest first, with
 * its span ended and marked {@value SpanNames#ABANDONED}.
 */
final class TransactionSpans implements AuditListener {

    private final Tracer tracer;
    private final String nodeName;
    private final int maxTransactions;
    private final Map<String, TxSpans> live = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();

    TransactionSpans(Tracer tracer, String nodeName, int maxTransactions) {
        this.tracer = tracer;
        this.nodeName = nodeName;
        this.maxTransactions = maxTransactions;
    }

    /** How many transactions have state now (for tests of the bound). */
    int tracked() {
        return live.size();
    }

    @Override
    public void onEvent(AuditEvent e) {
        if (e.txId() == null) {
            return;
        }
        if (e.type() == dev.dtc.audit.EventType.BEGIN) {
            begin(e);
            return;
        }
        TxSpans t = live.get(e.txId());
        if (t == null) {
            return; // begun before tracing was installed, evicted, or recovery of an earlier run: no span
        }
        String b = e.branch();
        switch (e.type()) {
            case ENLIST -> t.resource(b, e.detail());
            case COMMIT_REQUESTED -> t.commitRequested(e);
            case PREPARE_SENT -> t.startBranch(tracer, SpanNames.PREPARE, b, e, false);
            case VOTE_COMMIT -> t.voted(b, "COMMIT", e);
            case VOTE_READ_ONLY -> t.voted(b, "READ_ONLY", e);
            case VOTE_ABORT -> t.voted(b, "ABORT", e);
            case DECISION_WRITE -> t.decisionWrite(tracer, e);
            case DECISION_FORCED -> t.decisionForced(e);
            case DECISION_ROLLBACK, TIMEOUT -> t.event(e);
            case COMMIT_SENT -> t.startBranch(tracer, SpanNames.COMMIT, b, e, "one-phase".equals(e.detail()));
            case ROLLBACK_SENT -> t.startBranch(tracer, SpanNames.ROLLBACK, b, e, false);
            case COMMITTED, RECOVERY_COMMIT, RECOVERY_DONE -> t.finished(b, "COMMITTED", null, e);
            case ROLLED_BACK, RECOVERY_ROLLBACK -> t.finished(b, "ROLLED_BACK", null, e);
            case HEURISTIC -> t.finished(b, "HEURISTIC", e.detail(), e);
            case HANDED_TO_RECOVERY -> t.finished(b, "HANDED_TO_RECOVERY", e.detail(), e);
            case RETRY -> t.retry(b, e);
            case TX_COMMITTED -> t.end("COMMITTED", e);
            case TX_ROLLED_BACK -> t.end("ROLLED_BACK", e);
            case TX_HEURISTIC -> t.end("HEURISTIC", e);
            // END can come before TX_COMMITTED (the last acknowledgement's thread writes it while the committing
            // thread is on its way to report the outcome): the transaction's span waits for its outcome
            case END, RESOLVED -> t.endCalls(e.at());
            default -> { }
        }
        if (t.over()) {
            live.remove(e.txId(), t);
        }
    }

    private void begin(AuditEvent e) {
        Span span = tracer.spanBuilder(SpanNames.TRANSACTION)
                .setParent(Context.current())
                .setStartTimestamp(e.at())
                .setAttribute(SpanNames.TX_ID, e.txId())
                .setAttribute(SpanNames.NODE, nodeName)
                .startSpan();
        TxSpans previous = live.put(e.txId(), new TxSpans(span));
        if (previous != null) {
            previous.abandon(e.at()); // cannot happen with unique ids; never leave a span open if it does
        }
        order.add(e.txId());
        if (queued.incrementAndGet() > maxTransactions) {
            evictOldest(e);
        }
    }

    /** Over the bound: the oldest transaction still kept is given up (its spans ended as abandoned). */
    private void evictOldest(AuditEvent now) {
        // ids of transactions that ended are still queued: skip them, each counts once
        while (queued.get() > maxTransactions) {
            String old = order.poll();
            if (old == null) {
                return;
            }
            queued.decrementAndGet();
            TxSpans t = live.remove(old);
            if (t != null) {
                t.abandon(now.at());
                return;
            }
        }
    }

    /** The open span of a branch's call (prepare, commit or rollback), else the transaction's; null if none. */
    Span current(String txId, String branch) {
        TxSpans t = live.get(txId);
        return t == null ? null : t.spanFor(branch);
    }
}
