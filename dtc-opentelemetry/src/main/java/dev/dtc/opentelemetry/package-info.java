/**
 * OpenTelemetry traces of dtc's transactions, built from the engine's audit events; dtc-core knows nothing of
 * OpenTelemetry, and without this module nothing changes.
 *
 * <p><b>JTA face.</b> One line after building the {@link dev.dtc.TransactionService}:
 * <pre>{@code
 * DtcTracing tracing = DtcTracing.install(transactionService, openTelemetry);
 * }</pre>
 * Each transaction is a {@value dev.dtc.opentelemetry.SpanNames#TRANSACTION} span, a child of the OpenTelemetry
 * context current on the thread that called {@code begin()}, with a {@value dev.dtc.opentelemetry.SpanNames#PREPARE}
 * span per branch (attribute {@code dtc.vote}), a {@value dev.dtc.opentelemetry.SpanNames#DECISION} span for the
 * force of the commit decision, and a {@value dev.dtc.opentelemetry.SpanNames#COMMIT} or
 * {@value dev.dtc.opentelemetry.SpanNames#ROLLBACK} span per branch (attribute {@code dtc.outcome}). Heuristic
 * outcomes, abort votes and a commit that ended in rollback have error status.
 *
 * <p><b>HTTP face.</b> With this module on dtc-server's class path and {@code --opentelemetry},
 * {@link dev.dtc.opentelemetry.OpenTelemetryServerTracing} (found through {@code META-INF/services}) makes the
 * transaction span a child of the client's {@code traceparent} and sends each participant a {@code traceparent}
 * whose parent is dtc's span for that call. Without it dtc-server passes the client's context through unchanged.
 *
 * <p>See docs/tracing.md.
 */
package dev.dtc.opentelemetry;
