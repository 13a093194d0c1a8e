package dev.dtc.opentelemetry;

import dev.dtc.audit.AuditEvent;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open spans of one transaction. Events of one transaction arrive on several threads (votes and phase-2
 * acknowledgements on the engine's executor), so each open span sits in a concurrent map and is ended by whoever
 * removes it: exactly once.
 */
final class TxSpans {

    /** A branch call's span; one-phase commits end with the transaction at the latest (they are never retried). */
    private record Call(Span span, boolean onePhase) {
    }

    private final Span tx;
    private final Context txContext;
    private final Map<String, Call> prepares = new ConcurrentHashMap<>();
    private final Map<String, Call> phaseTwo = new ConcurrentHashMap<>();
    private final Map<String, String> resources = new ConcurrentHashMap<>();
    private volatile Span decision;
    private volatile boolean commitRequested;
    private volatile boolean ended;

    TxSpans(Span tx) {
        this.tx = tx;
        this.txContext = Context.root().with(tx);
    }

    void resource(String branch, String resource) {
        if (branch != null && resource != null) {
            resources.put(branch, resource);
        }
    }

    void commitRequested(AuditEvent e) {
        commitRequested = true;
        event(e);
    }

    /** An event on the transaction's span, named as the audit event. */
    void event(AuditEvent e) {
        tx.addEvent(e.type().name(), e.detail() == null ? Attributes.empty()
                : Attributes.of(SpanNames.DETAIL, e.detail()), e.at());
    }

    void startBranch(Tracer tracer, String name, String branch, AuditEvent e, boolean onePhase) {
        if (branch == null) {
            return;
        }
        var b = tracer.spanBuilder(name).setParent(txContext).setStartTimestamp(e.at())
                .setAttribute(SpanNames.BRANCH, branch);
        String resource = resources.get(branch);
        if (resource != null) {
            b.setAttribute(SpanNames.RESOURCE, resource);
        }
        if (onePhase) {
            b.setAttribute(SpanNames.ONE_PHASE, true);
        }
        Call c = new Call(b.startSpan(), onePhase);
        Call old = (name.equals(SpanNames.PREPARE) ? prepares : phaseTwo).put(branch, c);
        if (old != null) {
            old.span().end(e.at()); // a rollback after a commit that was handed over: the first call is over
        }
    }

    void voted(String branch, String vote, AuditEvent e) {
        Call c = branch == null ? null : prepares.remove(branch);
        if (c == null) {
            // no prepare: a one-phase commit the resource rolled back, or a branch that failed to end before it
            if (branch != null && "ABORT".equals(vote)) {
                finished(branch, "ROLLED_BACK", e.detail(), e);
            } else {
                event(e);
            }
            return;
        }
        c.span().setAttribute(SpanNames.VOTE, vote);
        if ("ABORT".equals(vote)) {
            c.span().setStatus(StatusCode.ERROR, e.detail() == null ? "voted abort" : e.detail());
        }
        c.span().end(e.at());
    }

    void decisionWrite(Tracer tracer, AuditEvent e) {
        decision = tracer.spanBuilder(SpanNames.DECISION).setParent(txContext).setStartTimestamp(e.at()).startSpan();
    }

    void decisionForced(AuditEvent e) {
        Span d = decision;
        decision = null;
        if (d != null) {
            d.end(e.at());
        }
    }

    /**
     * A branch's commit or rollback is over: {@code problem} non-null makes it an error (heuristic, handed to
     * recovery, rolled back instead of committed).
     */
    void finished(String branch, String outcome, String problem, AuditEvent e) {
        Call c = branch == null ? null : phaseTwo.remove(branch);
        if (c == null) {
            event(e); // e.g. a heuristic on a branch whose call span is over: keep it on the transaction
            return;
        }
        c.span().setAttribute(SpanNames.OUTCOME, outcome);
        if (problem != null) {
            c.span().setStatus(StatusCode.ERROR, problem);
        }
        c.span().end(e.at());
    }

    void retry(String branch, AuditEvent e) {
        Call c = branch == null ? null : phaseTwo.get(branch);
        if (c != null) {
            c.span().addEvent("RETRY", e.detail() == null ? Attributes.empty()
                    : Attributes.of(SpanNames.DETAIL, e.detail()), e.at());
        } else {
            event(e);
        }
    }

    /**
     * The transaction's outcome: its span ends. Prepares that never answered end with it; phase-2 calls still being
     * retried keep their spans open until they finish (or END).
     */
    void end(String outcome, AuditEvent e) {
        tx.setAttribute(SpanNames.OUTCOME, outcome);
        if ("HEURISTIC".equals(outcome)) {
            tx.setStatus(StatusCode.ERROR, e.detail() == null ? "heuristic outcome" : e.detail());
        } else if ("ROLLED_BACK".equals(outcome) && commitRequested) {
            // the caller asked to commit and got a rollback: a failure, unlike a rollback it asked for
            tx.setStatus(StatusCode.ERROR, e.detail() == null ? "rolled back" : e.detail());
        }
        endCalls(prepares, e.at(), false);
        phaseTwo.entrySet().removeIf(en -> {
            if (en.getValue().onePhase()) {
                en.getValue().span().end(e.at());
                return true;
            }
            return false;
        });
        decisionForced(e);
        ended = true;
        tx.end(e.at());
    }

    /** True once the transaction's span and every call span have ended: its state can go. */
    boolean over() {
        return ended && prepares.isEmpty() && phaseTwo.isEmpty();
    }

    /** END: every branch is finished, so any call span still open ends now. */
    void endCalls(Instant at) {
        endCalls(prepares, at, false);
        endCalls(phaseTwo, at, false);
        decisionForced(null, at);
    }

    /** Given up (the bound): every open span ends, marked abandoned. */
    void abandon(Instant at) {
        endCalls(prepares, at, true);
        endCalls(phaseTwo, at, true);
        decisionForced(null, at);
        if (!ended) {
            ended = true;
            tx.setAttribute(SpanNames.ABANDONED_KEY, true);
            tx.end(at);
        }
    }

    private void decisionForced(AuditEvent e, Instant at) {
        Span d = decision;
        decision = null;
        if (d != null) {
            d.end(e == null ? at : e.at());
        }
    }

    private static void endCalls(Map<String, Call> calls, Instant at, boolean abandoned) {
        for (String k : calls.keySet()) {
            Call c = calls.remove(k);
            if (c != null) {
                if (abandoned) {
                    c.span().setAttribute(SpanNames.ABANDONED_KEY, true);
                }
                c.span().end(at);
            }
        }
    }

    /** The span a call to this branch runs under: its open call span, else the transaction's. */
    Span spanFor(String branch) {
        Call c = prepares.get(branch);
        if (c == null) {
            c = phaseTwo.get(branch);
        }
        return c != null ? c.span() : ended ? null : tx;
    }
}
