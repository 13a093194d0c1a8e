package dev.dtc.opentelemetry;

import dev.dtc.TransactionService;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;

/**
 * OpenTelemetry tracing of a {@link TransactionService}, in one line:
 *
 * <pre>{@code
 * DtcTracing tracing = DtcTracing.install(transactionService, openTelemetry);
 * }</pre>
 *
 * <p>From then on every transaction begun through the service is a {@code dtc.transaction} span, a child of the
 * OpenTelemetry context current on the thread that began it, with {@code dtc.prepare}, {@code dtc.decision},
 * {@code dtc.commit} and {@code dtc.rollback} spans below it (see {@link SpanNames}). {@link #close()} stops it.
 */
public final class DtcTracing implements AutoCloseable {

    /** The instrumentation scope name of dtc's spans. */
    public static final String INSTRUMENTATION_NAME = "dev.dtc";
    /** Transactions kept at most while they run (see {@link #install(TransactionService, OpenTelemetry, int)}). */
    public static final int DEFAULT_MAX_TRANSACTIONS = 10_000;

    private final TransactionService service;
    private final TransactionSpans spans;

    private DtcTracing(TransactionService service, TransactionSpans spans) {
        this.service = service;
        this.spans = spans;
    }

    /** Traces the service's transactions with {@code openTelemetry}'s tracer provider. */
    public static DtcTracing install(TransactionService service, OpenTelemetry openTelemetry) {
        return install(service, openTelemetry, DEFAULT_MAX_TRANSACTIONS);
    }

    /**
     * As {@link #install(TransactionService, OpenTelemetry)}, keeping span state for at most
     * {@code maxTransactions} transactions: a transaction that is still open when that many newer ones have begun
     * (it never ends: its thread died before commit, its decision could not be forced) has its spans ended and
     * marked {@value SpanNames#ABANDONED}.
     *
     * @throws IllegalArgumentException if an argument is null or {@code maxTransactions} is below 1
     */
    public static DtcTracing install(TransactionService service, OpenTelemetry openTelemetry, int maxTransactions) {
        if (service == null || openTelemetry == null) {
            throw new IllegalArgumentException("DtcTracing.install needs the TransactionService and the OpenTelemetry"
                    + " instance (e.g. GlobalOpenTelemetry.get() or your OpenTelemetrySdk); one of them was null");
        }
        TransactionSpans spans = spans(openTelemetry, service.nodeName(), maxTransactions);
        service.addAuditListener(spans);
        return new DtcTracing(service, spans);
    }

    static TransactionSpans spans(OpenTelemetry openTelemetry, String nodeName, int maxTransactions) {
        if (maxTransactions < 1) {
            throw new IllegalArgumentException("maxTransactions must be at least 1 (the default is "
                    + DEFAULT_MAX_TRANSACTIONS + "), was " + maxTransactions);
        }
        Tracer tracer = openTelemetry.getTracer(INSTRUMENTATION_NAME);
        return new TransactionSpans(tracer, nodeName, maxTransactions);
    }

    /** How many transactions have span state now. */
    public int tracked() {
        return spans.tracked();
    }

    /** Stops tracing: transactions that begin later get no span. */
    @Override
    public void close() {
        service.removeAuditListener(spans);
    }
}
