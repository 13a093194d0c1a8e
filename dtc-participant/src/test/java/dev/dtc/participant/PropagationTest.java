package dev.dtc.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link DtcHttpClient} and {@link DtcContext}, against a server that echoes the Dtc-Transaction header it got. */
class PropagationTest {

    private static HttpServer echo;
    private static URI uri;
    private static final DtcHttpClient HTTP = DtcHttpClient.propagating(HttpClient.newHttpClient());

    @BeforeAll
    static void start() throws Exception {
        echo = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        echo.createContext("/", exchange -> {
            byte[] body = String.valueOf(exchange.getRequestHeaders().get(DtcContext.HEADER)).getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        echo.start();
        uri = URI.create("http://127.0.0.1:" + echo.getAddress().getPort() + "/");
    }

    @AfterAll
    static void stop() {
        echo.stop(0);
    }

    private static String headerSent(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void requestsCarryTheCurrentTransactionAndOnlyWhileItIsCurrent() throws Exception {
        HttpRequest plain = HttpRequest.newBuilder(uri).GET().build();
        assertThat(headerSent(plain)).as("outside a transaction").isEqualTo("null");
        try (DtcContext.Scope outer = DtcContext.enter("tx-outer")) {
            assertThat(headerSent(plain)).isEqualTo("[tx-outer]");
            try (DtcContext.Scope inner = DtcContext.enter("tx-inner")) {
                assertThat(headerSent(plain)).isEqualTo("[tx-inner]");
                CompletableFuture<HttpResponse<String>> async = HTTP.sendAsync(plain,
                        HttpResponse.BodyHandlers.ofString());
                assertThat(async.get().body()).as("sendAsync").isEqualTo("[tx-inner]");
            }
            assertThat(headerSent(plain)).as("the outer one is back").isEqualTo("[tx-outer]");
            assertThat(headerSent(HttpRequest.newBuilder(uri).header(DtcContext.HEADER, "tx-given").build()))
                    .as("a header the caller set is kept").isEqualTo("[tx-given]");
            assertThat(HttpClient.newHttpClient().send(DtcHttpClient.withTransaction(HttpRequest.newBuilder(uri))
                    .build(), HttpResponse.BodyHandlers.ofString()).body()).as("one request decorated")
                    .isEqualTo("[tx-outer]");
            String onAnotherThread = CompletableFuture.supplyAsync(() -> DtcContext.current().orElse("none")).get();
            assertThat(onAnotherThread).as("a thread-local: other threads do not see it").isEqualTo("none");
        }
        assertThat(DtcContext.current()).isEmpty();
        assertThat(headerSent(plain)).isEqualTo("null");
    }

    @Test
    void anInvalidIdCannotBeMadeCurrent() {
        assertThatThrownBy(() -> DtcContext.enter("a b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not valid");
        assertThatThrownBy(() -> DtcContext.enter("x".repeat(65))).isInstanceOf(IllegalArgumentException.class);
        assertThat(DtcContext.current()).isEmpty();
    }

    @Test
    void joiningNeedsAnAdvertisedUrlAndAParticipantThatOnlyJoinsNeedsNoWork() throws Exception {
        assertThatThrownBy(() -> Participant.builder().name("p").xaDataSource(new org.postgresql.xa.PGXADataSource())
                .coordinator(URI.create("http://127.0.0.1:9")).token("t").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("work is required")
                .hasMessageContaining("advertisedUrl");
        Participant withoutUrl = Participant.builder().name("p").xaDataSource(new org.postgresql.xa.PGXADataSource())
                .work((id, payload, c) -> true).coordinator(URI.create("http://127.0.0.1:9")).token("t").build();
        assertThatThrownBy(() -> withoutUrl.join("tx-1", c -> 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("advertisedUrl");
        Participant joinOnly = Participant.builder().name("p").xaDataSource(new org.postgresql.xa.PGXADataSource())
                .coordinator(URI.create("http://127.0.0.1:9")).token("t")
                .advertisedUrl(URI.create("http://127.0.0.1:9/tx")).build();
        assertThatThrownBy(() -> joinOnly.join("not valid!", c -> 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> joinOnly.join("tx-1", c -> 1)).isInstanceOf(JoinException.class)
                .hasMessageContaining("not started");
    }
}
