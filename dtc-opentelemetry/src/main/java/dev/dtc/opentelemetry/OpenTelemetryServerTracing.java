package dev.dtc.opentelemetry;

import dev.dtc.audit.AuditListener;
import dev.dtc.server.ServerTracing;
import dev.dtc.server.TraceContext;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.HashMap;
import java.util.Map;

/**
 * dtc-server's tracing with OpenTelemetry ({@code dtc-server --opentelemetry}): the same spans as the JTA face
 * ({@link TransactionSpans}), the client's W3C context as the transaction span's parent, and the branch's call span
 * as the parent the participant is sent. The OpenTelemetry instance is {@link GlobalOpenTelemetry#get()}: set by
 * the OpenTelemetry Java agent, by the SDK's autoconfiguration, or by the embedding application.
 */
public final class OpenTelemetryServerTracing implements ServerTracing {

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

    private static final TextMapGetter<TraceContext> GETTER = new TextMapGetter<>() {
        @Override
        public String get(TraceContext c, String key) {
            if (c == null) {
                return null;
            }
            return TraceContext.TRACEPARENT.equals(key) ? c.traceparent()
                    : TraceContext.TRACESTATE.equals(key) ? c.tracestate() : null;
        }
    };

    private final TransactionSpans spans;

    OpenTelemetryServerTracing(OpenTelemetry openTelemetry, String nodeName) {
        this.spans = DtcTracing.spans(openTelemetry, nodeName, DtcTracing.DEFAULT_MAX_TRANSACTIONS);
    }

    @Override
    public AuditListener spans() {
        return spans;
    }

    @Override
    public Scope enter(TraceContext client) {
        if (client == null) {
            return () -> { };
        }
        io.opentelemetry.context.Scope s = W3C.extract(Context.current(), client, GETTER).makeCurrent();
        return s::close;
    }

    @Override
    public TraceContext outgoing(String txId, String branch, String participant) {
        Span span = spans.current(txId, branch);
        if (span == null || !span.getSpanContext().isValid()) {
            return null;
        }
        span.setAttribute(SpanNames.PARTICIPANT, participant);
        Map<String, String> headers = new HashMap<>(2);
        W3C.inject(Context.root().with(span), headers, Map::put);
        String parent = headers.get(TraceContext.TRACEPARENT);
        return parent == null ? null : new TraceContext(parent, headers.get(TraceContext.TRACESTATE));
    }

    /** Found by dtc-server through {@code META-INF/services}. */
    public static final class Provider implements ServerTracing.Provider {
        @Override
        public ServerTracing create(String nodeName) {
            return new OpenTelemetryServerTracing(GlobalOpenTelemetry.get(), nodeName);
        }
    }
}
