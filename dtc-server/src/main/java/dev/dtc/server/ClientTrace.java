package dev.dtc.server;

/**
 * The trace context a transaction's client sent, kept with the transaction: the first request that carried a
 * valid one (the POST that began it, else the commit or rollback of an open transaction) sets it for good.
 */
final class ClientTrace {
    private volatile TraceContext context;

    /** None yet. */
    ClientTrace() {
    }

    ClientTrace(TraceContext context) {
        this.context = context;
    }

    TraceContext get() {
        return context;
    }

    /** Keeps {@code c} unless a context was kept already; null is ignored. */
    synchronized void keep(TraceContext c) {
        if (context == null && c != null) {
            context = c;
        }
    }
}
