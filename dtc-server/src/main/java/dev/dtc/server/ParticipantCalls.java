package dev.dtc.server;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The coordinator's outgoing calls to participants: one Jetty {@link HttpClient} (it keeps HTTP/1.1 connections
 * alive per participant), the bearer token on every call, and transport failures turned into a short reason a
 * user can read in the transaction's answer.
 *
 * <p>Jetty's client rather than the JDK's {@code java.net.http.HttpClient}: measured with three no-op
 * participants at 64 clients on two cores, the JDK client spent most of the coordinator's CPU handing each
 * response between its selector thread, its executor and the waiting caller; see benchmarks/README.md.
 */
final class ParticipantCalls implements AutoCloseable {

    /** What a participant answered, or why it did not. */
    record Reply(int status, byte[] body, String failure) {
        boolean answered() {
            return failure == null;
        }

        boolean ok() {
            return failure == null && status >= 200 && status < 300;
        }
    }

    private final HttpClient client;
    private final String authorization;
    private final Duration phaseTwoTimeout;

    ParticipantCalls(String token, Duration phaseTwoTimeout) {
        QueuedThreadPool threads = new QueuedThreadPool(200, 4);
        threads.setName("dtc-participant-calls");
        threads.setDaemon(true);
        this.client = new HttpClient();
        client.setExecutor(threads);
        client.setConnectTimeout(5_000);
        client.setFollowRedirects(false);
        client.setUserAgentField(null);
        client.setMaxConnectionsPerDestination(512);
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTP client for participant calls", e);
        }
        this.authorization = "Bearer " + token;
        this.phaseTwoTimeout = phaseTwoTimeout;
    }

    /** Phase-2 calls (commit, rollback) have a fixed timeout; a call that runs out is retried. */
    Duration phaseTwoTimeout() {
        return phaseTwoTimeout;
    }

    /**
     * Tells the participant how long this call waits for its answer: a participant's prepare can stop waiting for
     * row locks by then (past it the vote counts as no answer anyway).
     */
    static final String TIMEOUT_HEADER = "Dtc-Timeout-Ms";

    /**
     * @param trace sent as {@code traceparent} and {@code tracestate} (W3C Trace Context); null sends neither
     */
    Reply post(ParticipantAddress p, String op, byte[] json, Duration timeout, TraceContext trace) {
        if (timeout.isNegative() || timeout.isZero()) {
            return new Reply(0, null, "no time left before the transaction timeout");
        }
        try {
            ContentResponse r = client.newRequest(p.operation(op))
                    .method(HttpMethod.POST)
                    .timeout(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)
                    .headers(h -> {
                        h.put(HttpHeader.AUTHORIZATION, authorization)
                                .put(TIMEOUT_HEADER, Long.toString(Math.max(1, timeout.toMillis())));
                        if (trace != null) {
                            h.put(TraceContext.TRACEPARENT, trace.traceparent());
                            if (trace.tracestate() != null) {
                                h.put(TraceContext.TRACESTATE, trace.tracestate());
                            }
                        }
                    })
                    .body(new BytesRequestContent("application/json", json))
                    .send();
            return new Reply(r.getStatus(), r.getContent(), null);
        } catch (TimeoutException e) {
            return new Reply(0, null, "no answer from " + p.url() + " within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(0, null, "interrupted while calling " + p.url());
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof ConnectException) {
                return new Reply(0, null, "connection to " + p.url() + " refused");
            }
            if (c instanceof UnresolvedAddressException || c instanceof UnknownHostException) {
                return new Reply(0, null, "host of " + p.url() + " not found");
            }
            if (c instanceof TimeoutException) {
                return new Reply(0, null, "no answer from " + p.url() + " within " + timeout.toMillis() + " ms");
            }
            if (c instanceof java.io.EOFException || c instanceof java.nio.channels.ClosedChannelException) {
                // Jetty's message here is a dump of its connection state: say what happened instead
                return new Reply(0, null, "the connection to " + p.url() + " closed before an answer (the service"
                        + " stopped or dropped it)");
            }
            String m = c.getMessage();
            return new Reply(0, null, "call to " + p.url() + " failed: " + c.getClass().getSimpleName()
                    + (m == null ? "" : ": " + (m.length() > 200 ? m.substring(0, 200) + "..." : m)));
        }
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            // closing: nothing to do about it
        }
    }
}
