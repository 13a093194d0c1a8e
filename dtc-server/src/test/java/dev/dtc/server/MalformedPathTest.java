package dev.dtc.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Paths that Jetty refuses before the API sees them (an encoded '/' or '\', a control character): the answer is
 * still JSON with an {@code error}, as every answer of the coordinator is (found by the fault campaign's hostile
 * part: they were Jetty's HTML error pages, or an empty body for DELETE).
 */
class MalformedPathTest {

    @TempDir
    Path dir;
    DtcServer server;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        server = DtcServer.start(RemoteTransactionTest.config(dir, "mp"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @ParameterizedTest
    @CsvSource({"GET,/v1/transactions/a%2Fb", "POST,/v1/transactions/a%5Cb/commit", "GET,/v1/transactions/a%09",
            "DELETE,/v1/locks/a%2Fb", "DELETE,/v1/participants/a%25b", "GET,/health/..%2F",
            "DELETE,/v1/locks/%00"})
    void answersJsonWithAnError(String method, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer s3cret")
                .method(method, HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/json"));
        JsonNode body = new ObjectMapper().readTree(r.body());
        assertThat(body.path("error").asText()).as(r.body()).isNotBlank();
        // Jetty closes the connection after such a refusal: the answer must say so, or a client reusing the
        // connection at once loses its next request (the campaign saw "header parser received no bytes")
        assertThat(r.headers().firstValue("Connection")).hasValue("close");
    }

    @org.junit.jupiter.api.Test
    void theRequestAfterARefusedPathIsAnswered() throws Exception {
        for (int i = 0; i < 100; i++) {
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(server.url()
                    + "/v1/locks/a%5Cb")).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer s3cret")
                    .method("DELETE", HttpRequest.BodyPublishers.ofString("{\"owner\":\"o\",\"token\":1}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(400);
            HttpResponse<String> next = http.send(HttpRequest.newBuilder(URI.create(server.url()
                    + "/v1/locks/free-" + i)).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer s3cret")
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
        }
    }
}
