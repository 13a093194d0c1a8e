/**
 * The remote coordinator: two-phase commit over HTTP on the same engine and decision log as the JTA face.
 *
 * <p>A client's W3C trace context ({@code traceparent}, {@code tracestate}) is kept with its transaction and sent
 * on every call to the participants ({@link dev.dtc.server.TraceContext}); with {@code --opentelemetry} a
 * {@link dev.dtc.server.ServerTracing} found on the class path (dtc-opentelemetry) traces the transaction and
 * sends its own spans as the participants' parent. See docs/tracing.md.
 */
package dev.dtc.server;
