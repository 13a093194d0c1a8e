package dev.dtc.participant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Sends one request to several coordinators in turn until one gives a clear answer. Several coordinators share one
 * store, and any of them answers for any transaction (forwarding to the one that owns it), so when one is down
 * another can still say what became of a transaction.
 *
 * <p>A clear answer is any HTTP status except these, which say nothing about the request: 421 (the transaction is
 * another node's: an older coordinator that does not forward), 502, 503 and 504 (not ready, or a gateway that
 * could not reach it). No answer at all (connection refused or reset, a timeout) is not clear either. A clear answer
 * is final, whatever it says: a 404 from a live coordinator is not overruled by asking another, and the next call
 * starts at the coordinator that gave it. An unclear result moves on to the next coordinator, each tried once,
 * unless the request must not be {@linkplain Resend sent twice}. Each attempt waits at most the timeout, so a call
 * takes at most the timeout times the number of coordinators.
 *
 * <p>Thread-safe: the coordinator to start at is shared by every call.
 */
final class CoordinatorFailover {

    /** When an unclear result lets a request go on to the next coordinator. */
    enum Resend {
        /** Always: reads, and calls that are safe to repeat (enlist, registry, commit and rollback). */
        WHEN_UNCLEAR,
        /**
         * Only when the request surely changed nothing: the connection could not be made (refused, or not within
         * the timeout), or the coordinator answered 421 or 503, which the coordinator's API says change nothing.
         * A timeout after the request was sent, a reset or a 502/504 may have reached a coordinator that acted on
         * it; a begin is not sent again then, since a second coordinator would begin a second transaction.
         */
        WHEN_NOTHING_CHANGED
    }

    /** One attempt that gave no clear answer: where, and what came instead. */
    record Miss(URI coordinator, String why) {
        @Override
        public String toString() {
            return coordinator + ": " + why;
        }
    }

    /**
     * How a call ended.
     *
     * @param coordinator the coordinator of the last attempt
     * @param response    the last attempt's answer, or null if none came
     * @param failure     why no answer came to the last attempt (null when one came)
     * @param clear       whether the last attempt's answer was clear (then it is final)
     * @param misses      the attempts without a clear answer, in order (the last one included when not clear)
     * @param several     whether more than one coordinator is configured (then details name the coordinator)
     */
    record Result(URI coordinator, HttpResponse<String> response, IOException failure, boolean clear,
                  List<Miss> misses, boolean several) {

        /**
         * The detail of the last attempt as a single coordinator would give it, followed, with several, by where it
         * came from and which coordinators were tried before without a clear answer.
         */
        String explain(String detail) {
            if (!several) {
                return detail;
            }
            if (clear) {
                return detail + " (from " + coordinator + (misses.isEmpty() ? "" : "; before it "
                        + join(misses)) + ")";
            }
            return "no coordinator gave a clear answer (" + join(misses) + ")";
        }

        private static String join(List<Miss> misses) {
            return misses.stream().map(Miss::toString).collect(Collectors.joining("; "));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<URI> coordinators;
    private final List<String> bases;
    private final String authorization;
    private final Duration timeout;
    private final HttpClient http;
    private final AtomicInteger preferred = new AtomicInteger();

    /**
     * @param coordinators checked by {@link CoordinatorUrls#check}
     * @param timeout      how long one attempt waits, connecting included
     */
    CoordinatorFailover(List<URI> coordinators, String token, Duration timeout) {
        this.coordinators = List.copyOf(coordinators);
        this.bases = this.coordinators.stream().map(CoordinatorUrls::base).toList();
        this.authorization = "Bearer " + token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    List<URI> coordinators() {
        return coordinators;
    }

    /** The coordinator the next call starts at: the last that gave a clear answer (the first at the start). */
    URI preferred() {
        return coordinators.get(preferred.get());
    }

    /** {@link #send(String, UnaryOperator, Duration, Resend)} with the configured timeout per attempt. */
    Result send(String path, UnaryOperator<HttpRequest.Builder> shape, Resend resend) throws InterruptedException {
        return send(path, shape, timeout, resend);
    }

    /**
     * Sends the request to the preferred coordinator, then to the next ones in their configured order (wrapping
     * around) while the results are unclear and {@code resend} allows.
     *
     * @param path    from {@code /v1/...}; its characters need no escaping
     * @param shape   adds the method, body and headers other than Authorization to the request
     * @param attempt how long one attempt waits at most, connecting included
     */
    Result send(String path, UnaryOperator<HttpRequest.Builder> shape, Duration attempt, Resend resend)
            throws InterruptedException {
        int n = coordinators.size();
        long deadline = System.nanoTime() + attempt.toNanos() * n;
        int start = preferred.get();
        List<Miss> misses = new ArrayList<>();
        Result last = null;
        for (int k = 0; k < n; k++) {
            int i = (start + k) % n;
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break; // only after attempts that took their whole time: the call's bound is reached
            }
            Duration wait = Duration.ofNanos(Math.min(attempt.toNanos(), left));
            URI coordinator = coordinators.get(i);
            HttpRequest request = shape.apply(HttpRequest.newBuilder(URI.create(bases.get(i) + path))
                    .timeout(wait).header("Authorization", authorization)).build();
            HttpResponse<String> response = null;
            IOException failure = null;
            CompletableFuture<HttpResponse<String>> sent = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
            try {
                response = sent.get(wait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                sent.cancel(true);
                failure = new HttpTimeoutException("no answer within " + wait.toMillis() + " ms");
            } catch (ExecutionException e) {
                failure = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            } catch (InterruptedException e) {
                sent.cancel(true);
                throw e;
            }
            boolean clear = response != null && !unclear(response.statusCode());
            if (clear) {
                preferred.set(i);
                return new Result(coordinator, response, null, true, List.copyOf(misses), n > 1);
            }
            misses.add(new Miss(coordinator, response != null ? response.statusCode() + " " + errorOf(response.body())
                    : describe(failure)));
            last = new Result(coordinator, response, failure, false, List.copyOf(misses), n > 1);
            if (resend == Resend.WHEN_NOTHING_CHANGED && !changedNothing(response, failure)) {
                break;
            }
        }
        return last;
    }

    /** Statuses that say nothing about the request: the next coordinator may answer it. */
    static boolean unclear(int status) {
        return status == 421 || status == 502 || status == 503 || status == 504;
    }

    /** Whether the attempt surely left the coordinator unchanged. */
    private static boolean changedNothing(HttpResponse<String> response, IOException failure) {
        if (response != null) {
            return response.statusCode() == 421 || response.statusCode() == 503;
        }
        // refused, unresolvable or not connected in time: the request was never sent
        return failure instanceof ConnectException || failure instanceof HttpConnectTimeoutException;
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    /** The coordinator's {@code error}, or the start of the body. */
    static String errorOf(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.path("error").isValueNode()) {
                return node.get("error").asText();
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: the body itself
        }
        String s = body == null ? "" : body.strip();
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
