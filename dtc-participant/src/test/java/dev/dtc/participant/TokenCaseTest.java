package dev.dtc.participant;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.postgresql.xa.PGXADataSource;

/**
 * A wrong-case token on a kept-alive connection is refused: Jetty's per-connection header cache, left
 * case-insensitive, would hand the handler the earlier, right header line instead.
 */
class TokenCaseTest {

    @Test
    void aTokenDifferingOnlyInCaseIsRefusedOnTheSameConnection() throws Exception {
        Participant p = Participant.builder().name("cases").xaDataSource(new PGXADataSource())
                .work((id, payload, c) -> true).coordinator(URI.create("http://127.0.0.1:1")).token("s3cret").build();
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server); // Jetty's defaults, as a user would have them
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new ParticipantHandler(p, "/tx"));
        server.start();
        try {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI commit = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/tx/commit");
            int right = send(http, commit, "Bearer s3cret");
            int wrongCase = send(http, commit, "Bearer S3CRET");
            assertThat(right).as("the right token gets past the check (the participant is not started)").isEqualTo(503);
            assertThat(wrongCase).isEqualTo(401);
        } finally {
            server.stop();
            p.close();
        }
    }

    private static int send(HttpClient http, URI uri, String authorization) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString("{\"transactionId\":\"t1\"}")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
