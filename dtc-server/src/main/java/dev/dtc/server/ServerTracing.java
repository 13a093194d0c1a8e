package dev.dtc.server;

import dev.dtc.audit.AuditListener;

/**
 * The seam through which a tracing library traces the coordinator: dtc-opentelemetry implements it (found with
 * {@link java.util.ServiceLoader} when the coordinator runs with {@code --opentelemetry}). dtc-server itself depends
 * on no tracing library: without an implementation it passes the client's {@link TraceContext} through to the
 * participants unchanged.
 *
 * <p>The coordinator calls it in this order for each transaction: {@link #enter} around the audit event BEGIN (on
 * the thread of the client's request), so that the transaction's span is a child of the client's context; then
 * {@link #outgoing} before every call to a participant. The spans themselves are built from the engine's audit
 * events by {@link #spans()}.
 */
public interface ServerTracing {

    /** The listener that builds spans from the engine's audit events; registered on the coordinator's engine. */
    AuditListener spans();

    /**
     * Makes the client's context (null: none) current on this thread until the returned scope is closed. The
     * coordinator emits BEGIN inside it.
     */
    Scope enter(TraceContext client);

    /**
     * The context to send with a call to a participant: the coordinator's span for that branch, or null to pass the
     * client's context through (no span is known, e.g. for a transaction recovery finishes after a restart).
     *
     * @param txId        the transaction
     * @param branch      the branch's Xid as text, as in the audit events
     * @param participant the participant's name
     */
    TraceContext outgoing(String txId, String branch, String participant);

    /** A scope that {@link #enter} opened; closing it restores what was current before. */
    interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Creates the coordinator's tracing; listed in {@code META-INF/services/dev.dtc.server.ServerTracing$Provider}. */
    interface Provider {
        /**
         * @param nodeName the coordinator's node name (an attribute of its spans)
         */
        ServerTracing create(String nodeName);
    }
}
