package dev.dtc.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A participant service over real HTTP for the coordinator's tests: it records every call and answers as told
 * (vote, delay, status, body), and can go down and come back on the same port.
 */
final class TestParticipant implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One call as received; {@code traceparent} and {@code tracestate} are the W3C headers (null when absent). */
    record Call(String op, String transactionId, String authorization, String timeoutMs, JsonNode body,
                String traceparent, String tracestate) {
    }

    final String name;
    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    volatile String vote = "COMMIT";
    volatile String reason;
    volatile Duration prepareDelay = Duration.ZERO;
    /** A raw answer to prepare instead of a vote: status and body. */
    volatile Integer prepareStatus;
    volatile String prepareBody;
    /** A raw answer to commit and rollback instead of 200: status and body (e.g. 409 with a heuristic). */
    volatile Integer phaseTwoStatus;
    volatile String phaseTwoBody;
    /** Phase-2 calls answered with 503 this many more times. */
    final AtomicInteger failPhaseTwo = new AtomicInteger();
    private final Map<String, Integer> port = new ConcurrentHashMap<>();

    TestParticipant(String name) throws Exception {
        this.name = name;
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                return serve(request, response, callback);
            }
        });
        server.start();
        port.put("port", connector.getLocalPort());
    }

    String url() {
        return "http://127.0.0.1:" + port.get("port") + "/tx";
    }

    /** Stops answering: the port refuses connections until {@link #up()}. */
    void down() throws Exception {
        connector.stop();
    }

    void up() throws Exception {
        connector.setPort(port.get("port"));
        connector.start();
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    List<Call> calls(String op) {
        return calls.stream().filter(c -> c.op().equals(op)).toList();
    }

    List<String> ops(String txId) {
        return calls.stream().filter(c -> txId.equals(c.transactionId())).map(Call::op).toList();
    }

    private boolean serve(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        String op = path.substring(path.lastIndexOf('/') + 1);
        JsonNode body = JSON.readTree(Content.Source.asString(request, StandardCharsets.UTF_8));
        calls.add(new Call(op, body.path("transactionId").asText(null),
                request.getHeaders().get(HttpHeader.AUTHORIZATION), request.getHeaders().get("Dtc-Timeout-Ms"), body,
                request.getHeaders().get("traceparent"), request.getHeaders().get("tracestate")));
        int status = 200;
        String answer = "{}";
        if (op.equals("prepare")) {
            if (!prepareDelay.isZero()) {
                Thread.sleep(prepareDelay.toMillis());
            }
            if (prepareStatus != null) {
                status = prepareStatus;
                answer = prepareBody == null ? "" : prepareBody;
            } else {
                answer = JSON.createObjectNode().put("vote", vote).put("reason", reason).toString();
            }
        } else if (phaseTwoStatus != null) {
            status = phaseTwoStatus;
            answer = phaseTwoBody == null ? "" : phaseTwoBody;
        } else if (failPhaseTwo.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            status = 503;
            answer = "{\"error\":\"busy\"}";
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
