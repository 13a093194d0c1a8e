package dev.dtc.participant;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Calls the participant must refuse, over real HTTP: each gets the right status and a JSON error that says what
 * to fix, and none touches the database (checked there, and by a work that counts its runs). PostgreSQL only:
 * the refusals happen before any database is involved.
 */
class RequestRefusalTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KitDatabase DB = new KitDatabase.Postgres();
    private static final String NAME = "refusals-" + UUID.randomUUID().toString().substring(0, 8);
    private static final AtomicInteger RUNS = new AtomicInteger();

    private static Participant participant;
    private static Served http;

    @BeforeAll
    static void start() throws Exception {
        DB.prepareSchema();
        participant = Participant.builder().name(NAME).xaDataSource(DB.xaDataSource())
                .work((tx, payload, c) -> {
                    RUNS.incrementAndGet();
                    return true;
                })
                .coordinator(URI.create("http://127.0.0.1:9")).token(Served.TOKEN)
                .recoveryInterval(Duration.ofHours(1)).maxBodyBytes(4096).build().start();
        http = new Served(participant);
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        participant.close();
    }

    private static String error(HttpResponse<String> r) throws Exception {
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("json"));
        return JSON.readTree(r.body()).get("error").asText();
    }

    private static void assertNothingHappened(String tx) throws Exception {
        assertThat(RUNS).as("work runs").hasValue(0);
        assertThat(DB.recordedState(NAME, tx)).as("record").isNull();
        assertThat(DB.preparedTransactions(NAME)).as("prepared").isEmpty();
    }

    @Test
    void missingOrWrongTokenIs401AndDoesNothing() throws Exception {
        String tx = "tx-" + UUID.randomUUID();
        String body = "{\"transactionId\":\"" + tx + "\",\"payload\":{}}";
        for (String auth : new String[] {null, "Bearer wrong", "Basic dGVzdA==", "Bearer " + Served.TOKEN + "x"}) {
            HttpResponse<String> r = http.send("POST", "/prepare", body, auth);
            assertThat(r.statusCode()).as(String.valueOf(auth)).isEqualTo(401);
            assertThat(error(r)).contains("Authorization");
        }
        assertThat(http.send("POST", "/rollback", "{\"transactionId\":\"" + tx + "\"}", "Bearer nope").statusCode())
                .isEqualTo(401);
        assertNothingHappened(tx);
    }

    @Test
    void malformedBodiesAre400WithWhatToFix() throws Exception {
        String tx = "tx-" + UUID.randomUUID();
        String[][] cases = {
                {"", "empty"},
                {"not json", "not valid JSON"},
                {"[1,2]", "must be a JSON object"},
                {"\"" + tx + "\"", "must be a JSON object"},
                {"{\"payload\":{}}", "no transactionId"},
                {"{\"transactionId\":42,\"payload\":{}}", "not valid"},
                {"{\"transactionId\":\"\",\"payload\":{}}", "not valid"},
                {"{\"transactionId\":\"has space\",\"payload\":{}}", "not valid"},
                {"{\"transactionId\":\"" + "x".repeat(65) + "\",\"payload\":{}}", "not valid"},
                {"{\"transactionId\":\"" + tx + "\",\"payload\":{},\"paylod\":1}", "unknown field 'paylod'"},
                {"{\"transactionId\":\"" + tx + "\",\"transactionId\":\"" + tx + "\"}", "not valid JSON"},
                {"{\"transactionId\":\"" + tx + "\"} {}", "not valid JSON"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = http.post("/prepare", c[0]);
            assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
            assertThat(error(r)).as(c[0]).contains(c[1]);
        }
        HttpResponse<String> r = http.post("/commit", "{\"transactionId\":\"" + tx + "\",\"payload\":{}}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(error(r)).contains("unknown field 'payload'");
        assertNothingHappened(tx);
    }

    @Test
    void oversizedBodyIs413() throws Exception {
        String tx = "tx-" + UUID.randomUUID();
        String body = "{\"transactionId\":\"" + tx + "\",\"payload\":\"" + "x".repeat(5000) + "\"}";
        HttpResponse<String> r = http.post("/prepare", body);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(error(r)).contains("4096");
        assertNothingHappened(tx);
    }

    @Test
    void wrongMethodIs405AndUnknownPathIs404() throws Exception {
        String tx = "tx-" + UUID.randomUUID();
        HttpResponse<String> get = http.send("GET", "/prepare", null, "Bearer " + Served.TOKEN);
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        assertThat(error(get)).contains("use POST");
        HttpResponse<String> unknown = http.post("/vote", "{\"transactionId\":\"" + tx + "\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(error(unknown)).contains("/prepare");
        assertNothingHappened(tx);
    }
}
