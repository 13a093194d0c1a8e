package dev.dtc.campaign.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.dtc.campaign.network.FaultProxy.Fault;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy against a real (JDK) HTTP server: each fault does what it says, seen from both ends. */
class FaultProxyTest {

    private HttpServer upstream;
    private final AtomicInteger calls = new AtomicInteger();
    private FaultProxy proxy;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.createContext("/tx", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = ("{\"call\":" + calls.incrementAndGet() + "}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        upstream.start();
        proxy = new FaultProxy("test", URI.create("http://127.0.0.1:" + upstream.getAddress().getPort() + "/tx"), 1);
    }

    @AfterEach
    void stop() {
        proxy.close();
        upstream.stop(0);
    }

    private HttpResponse<String> post(String op, Duration timeout) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(proxy.uri() + "/" + op)).timeout(timeout)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"transactionId\":\"t\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String op) throws Exception {
        return post(op, Duration.ofSeconds(30));
    }

    @Test
    void withoutAFaultItForwards() throws Exception {
        assertThat(post("commit").body()).isEqualTo("{\"call\":1}");
        assertThat(post("commit").body()).isEqualTo("{\"call\":2}");
        assertThat(proxy.forwarded("commit")).isEqualTo(2);
        assertThat(proxy.faulted("commit")).isZero();
    }

    @Test
    void onlyTheFaultedOperationIsFaulted() throws Exception {
        proxy.set("commit", Fault.HTTP_500, 0);
        assertThat(post("prepare").statusCode()).isEqualTo(200);
        assertThat(post("commit").statusCode()).isEqualTo(500);
        assertThat(calls).hasValue(1);
        proxy.lift();
        assertThat(post("commit").statusCode()).isEqualTo(200);
    }

    @Test
    void blackHoleNeverAnswersUntilLifted() throws Exception {
        proxy.set("prepare", Fault.BLACK_HOLE, 0);
        assertThatThrownBy(() -> post("prepare", Duration.ofSeconds(1)))
                .isInstanceOf(java.net.http.HttpTimeoutException.class);
        assertThat(calls).hasValue(0);
        assertThat(proxy.faulted("prepare")).isEqualTo(1);
        proxy.lift();
        assertThat(post("prepare").statusCode()).isEqualTo(200);
    }

    @Test
    void delayForwardsLate() throws Exception {
        proxy.set("commit", Fault.DELAY, 700);
        long t0 = System.nanoTime();
        assertThat(post("commit").statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
        assertThat(calls).hasValue(1);
    }

    @Test
    void resetDoesNotForward() {
        proxy.set("commit", Fault.RESET, 0);
        assertThatThrownBy(() -> post("commit")).isInstanceOf(IOException.class);
        assertThat(calls).hasValue(0);
    }

    @Test
    void garbageAndDroppedAnswersComeAfterTheUpstreamDidTheWork() {
        proxy.set("commit", Fault.GARBAGE, 0);
        assertThatThrownBy(() -> post("commit")).isInstanceOf(IOException.class);
        assertThat(calls).hasValue(1);
        proxy.set("commit", Fault.DROP_RESPONSE, 0);
        assertThatThrownBy(() -> post("commit")).isInstanceOf(IOException.class);
        assertThat(calls).hasValue(2);
    }

    @Test
    void duplicateDeliversTwice() throws Exception {
        proxy.set("prepare", Fault.DUPLICATE, 0);
        assertThat(post("prepare").body()).isEqualTo("{\"call\":2}");
        assertThat(calls).hasValue(2);
        assertThat(proxy.forwarded("prepare")).isEqualTo(2);
    }

    @Test
    void answerTwiceWritesTwoAnswersForOneRequest() throws Exception {
        proxy.set("commit", Fault.ANSWER_TWICE, 0);
        URI u = proxy.uri();
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            s.setSoTimeout(10_000);
            byte[] body = "{}".getBytes(StandardCharsets.US_ASCII);
            s.getOutputStream().write(("POST /tx/commit HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length
                    + "\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            StringBuilder got = new StringBuilder();
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (got.toString().split("HTTP/1.1 200", -1).length - 1 < 2 && System.nanoTime() < until) {
                int c = in.read();
                if (c < 0) {
                    break;
                }
                got.append((char) c);
            }
            assertThat(got.toString().split("HTTP/1.1 200", -1).length - 1).as(got.toString()).isEqualTo(2);
        }
        assertThat(calls).hasValue(1);
    }
}
