package dev.dtc.server;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * The coordinator's outgoing calls to participants: one {@link HttpClient} (it keeps connections alive per
 * participant), the bearer token on every call, and transport failures turned into a short reason a user can
 * read in the transaction's answer.
 */
final class ParticipantCalls {

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
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        this.authorization = "Bearer " + token;
        this.phaseTwoTimeout = phaseTwoTimeout;
    }

    /** Phase-2 calls (commit, rollback) have a fixed timeout; a call that runs out is retried. */
    Duration phaseTwoTimeout() {
        return phaseTwoTimeout;
    }

    Reply post(ParticipantAddress p, String op, byte[] json, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            return new Reply(0, null, "no time left before the transaction timeout");
        }
        HttpRequest request = HttpRequest.newBuilder(p.operation(op))
                .timeout(timeout)
                .header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json))
                .build();
        try {
            HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(r.statusCode(), r.body(), null);
        } catch (HttpConnectTimeoutException e) {
            return new Reply(0, null, "could not connect to " + p.url() + " in time");
        } catch (HttpTimeoutException e) {
            return new Reply(0, null, "no answer from " + p.url() + " within " + timeout.toMillis() + " ms");
        } catch (ConnectException e) {
            if (e.getCause() instanceof java.nio.channels.UnresolvedAddressException) {
                return new Reply(0, null, "host of " + p.url() + " not found");
            }
            return new Reply(0, null, "connection to " + p.url() + " refused");
        } catch (IOException e) {
            return new Reply(0, null, "call to " + p.url() + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(0, null, "interrupted while calling " + p.url());
        }
    }
}
