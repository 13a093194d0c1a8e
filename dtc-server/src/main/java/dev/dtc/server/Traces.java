package dev.dtc.server;

import java.util.Iterator;
import java.util.ServiceLoader;

/**
 * What the coordinator does with W3C trace contexts: with no {@link ServerTracing} (the default) it passes each
 * transaction's client context through to its participants unchanged; with one ({@code --opentelemetry}) the
 * transaction is traced and participants get the coordinator's span as their parent.
 */
final class Traces {

    /** Pass-through only. */
    static final Traces PASS_THROUGH = new Traces(null);

    private static final ServerTracing.Scope NOTHING = () -> { };

    private final ServerTracing tracing;

    private Traces(ServerTracing tracing) {
        this.tracing = tracing;
    }

    /**
     * Pass-through when {@code traced} is false; else the first {@link ServerTracing.Provider} on the class path.
     *
     * @throws IllegalArgumentException if tracing is asked for and no provider is on the class path
     */
    static Traces of(boolean traced, String nodeName) {
        if (!traced) {
            return PASS_THROUGH;
        }
        ServerTracing.Provider p = provider();
        try {
            return new Traces(p.create(nodeName));
        } catch (LinkageError | RuntimeException e) {
            // a class of the OpenTelemetry SDK missing, or its configuration refused: say so rather than half-start
            throw new IllegalArgumentException("--opentelemetry: OpenTelemetry could not be set up (" + e
                    + "); check that the OpenTelemetry SDK's jars are on the class path and its otel.* settings"
                    + " (see docs/tracing.md)", e);
        }
    }

    /**
     * The first provider on the class path.
     *
     * @throws IllegalArgumentException if there is none
     */
    static ServerTracing.Provider provider() {
        Iterator<ServerTracing.Provider> it = ServiceLoader.load(ServerTracing.Provider.class,
                Traces.class.getClassLoader()).iterator();
        if (!it.hasNext()) {
            throw new IllegalArgumentException("--opentelemetry needs dtc-opentelemetry and the OpenTelemetry API and"
                    + " SDK on the class path (no " + ServerTracing.Provider.class.getName() + " was found); add"
                    + " them (see docs/tracing.md) or leave --opentelemetry out");
        }
        return it.next();
    }

    /** The span builder to register on the engine, or null when passing through. */
    dev.dtc.audit.AuditListener spans() {
        return tracing == null ? null : tracing.spans();
    }

    /** Makes the client's context current while BEGIN is emitted (a no-op when passing through). */
    ServerTracing.Scope enter(ClientTrace client) {
        return tracing == null ? NOTHING : tracing.enter(client.get());
    }

    /** The context sent with a call to a participant, or null to send none. */
    TraceContext outgoing(ClientTrace client, String txId, String branch, String participant) {
        if (tracing != null) {
            TraceContext mine = tracing.outgoing(txId, branch, participant);
            if (mine != null) {
                return mine;
            }
        }
        return client.get();
    }
}
