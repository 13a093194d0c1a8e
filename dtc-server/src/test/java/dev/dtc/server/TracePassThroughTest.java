package dev.dtc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without OpenTelemetry the coordinator passes its client's W3C trace context to every participant call unchanged
 * (a component that does not trace may, by the specification), and ignores a malformed one.
 */
class TracePassThroughTest {
    private static final AtomicInteger NODES = new AtomicInteger();
    static final String PARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    static final String STATE = "congo=t61rcWkgMzE";

    @TempDir
    Path dir;
    DtcServer server;
    Api api;
    final List<TestParticipant> participants = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = DtcServer.start(RemoteTransactionTest.config(dir, "trace-" + NODES.incrementAndGet()));
        api = new Api(server.url(), "s3cret");
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        for (TestParticipant p : participants) {
            p.close();
        }
    }

    TestParticipant participant(String name) throws Exception {
        TestParticipant p = new TestParticipant(name);
        participants.add(p);
        return p;
    }

    @Test
    void everyCallOfAOneShotTransactionCarriesTheClientsContextUnchanged() throws Exception {
        TestParticipant orders = participant("orders");
        TestParticipant stock = participant("stock");
        Api.Answer a = api.post(Api.transaction(5_000, orders, stock), Map.of("traceparent", PARENT,
                "tracestate", STATE));
        assertThat(a.body().get("outcome").asText()).isEqualTo("COMMITTED");
        await().atMost(Duration.ofSeconds(10)).until(() -> orders.calls("commit").size() == 1
                && stock.calls("commit").size() == 1);
        for (TestParticipant p : List.of(orders, stock)) {
            assertThat(p.calls()).extracting(TestParticipant.Call::op).containsExactly("prepare", "commit");
            assertThat(p.calls()).allSatisfy(c -> {
                assertThat(c.traceparent()).isEqualTo(PARENT);
                assertThat(c.tracestate()).isEqualTo(STATE);
            });
        }
    }

    @Test
    void aRollbackCarriesItToo() throws Exception {
        TestParticipant orders = participant("orders");
        TestParticipant stock = participant("stock");
        stock.vote = "ABORT";
        Api.Answer a = api.post(Api.transaction(5_000, orders, stock), Map.of("traceparent", PARENT));
        assertThat(a.body().get("outcome").asText()).isEqualTo("ROLLED_BACK");
        await().atMost(Duration.ofSeconds(10)).until(() -> orders.calls("rollback").size() == 1);
        assertThat(orders.calls()).extracting(TestParticipant.Call::op).containsExactly("prepare", "rollback");
        assertThat(orders.calls()).allSatisfy(c -> {
            assertThat(c.traceparent()).isEqualTo(PARENT);
            assertThat(c.tracestate()).isNull();
        });
    }

    @Test
    void anOpenTransactionTakesTheContextOfItsBeginAndSendsItToJoinedParticipants() throws Exception {
        TestParticipant orders = participant("orders");
        TestParticipant stock = participant("stock");
        Api.Answer begun = api.post("{\"open\": true, \"timeoutMs\": 30000}", Map.of("traceparent", PARENT,
                "tracestate", STATE));
        String id = begun.body().get("id").asText();
        for (TestParticipant p : List.of(orders, stock)) {
            assertThat(api.postTo("/v1/transactions/" + id + "/participants",
                    "{\"name\": \"" + p.name + "\", \"url\": \"" + p.url() + "\"}").status()).isEqualTo(201);
        }
        Api.Answer committed = api.postTo("/v1/transactions/" + id + "/commit", "");
        assertThat(committed.body().get("outcome").asText()).isEqualTo("COMMITTED");
        await().atMost(Duration.ofSeconds(10)).until(() -> orders.calls("commit").size() == 1
                && stock.calls("commit").size() == 1);
        for (TestParticipant p : List.of(orders, stock)) {
            assertThat(p.calls()).hasSize(2).allSatisfy(c -> {
                assertThat(c.traceparent()).isEqualTo(PARENT);
                assertThat(c.tracestate()).isEqualTo(STATE);
            });
        }
    }

    @Test
    void anOpenTransactionBegunWithoutAContextTakesItsCommits() throws Exception {
        TestParticipant orders = participant("orders");
        TestParticipant stock = participant("stock");
        String id = api.post("{\"open\": true, \"timeoutMs\": 30000}").body().get("id").asText();
        for (TestParticipant p : List.of(orders, stock)) {
            api.postTo("/v1/transactions/" + id + "/participants",
                    "{\"name\": \"" + p.name + "\", \"url\": \"" + p.url() + "\"}");
        }
        Api.Answer committed = api.send("/v1/transactions/" + id + "/commit", "", Map.of("traceparent", PARENT));
        assertThat(committed.body().get("outcome").asText()).isEqualTo("COMMITTED");
        await().atMost(Duration.ofSeconds(10)).until(() -> stock.calls("commit").size() == 1);
        assertThat(stock.calls()).extracting(TestParticipant.Call::traceparent).containsExactly(PARENT, PARENT);
    }

    @Test
    void aMalformedTraceparentChangesNothingAndIsNotPassedOn() throws Exception {
        TestParticipant orders = participant("orders");
        TestParticipant stock = participant("stock");
        String malformed = "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01"; // upper case: not allowed
        Api.Answer a = api.post(Api.transaction(5_000, orders, stock), Map.of("traceparent", malformed,
                "tracestate", STATE));
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body().get("outcome").asText()).isEqualTo("COMMITTED");
        await().atMost(Duration.ofSeconds(10)).until(() -> orders.calls("commit").size() == 1
                && stock.calls("commit").size() == 1);
        for (TestParticipant p : List.of(orders, stock)) {
            assertThat(p.calls()).hasSize(2).allSatisfy(c -> {
                assertThat(c.traceparent()).isNull();
                assertThat(c.tracestate()).as("its tracestate goes with it").isNull();
            });
        }
    }

    @Test
    void withoutAContextNoneIsSent() throws Exception {
        TestParticipant orders = participant("orders");
        TestParticipant stock = participant("stock");
        assertThat(api.post(Api.transaction(5_000, orders, stock)).body().get("outcome").asText())
                .isEqualTo("COMMITTED");
        await().atMost(Duration.ofSeconds(10)).until(() -> stock.calls("commit").size() == 1);
        assertThat(stock.calls()).extracting(TestParticipant.Call::traceparent).containsOnlyNulls();
    }

    @Test
    void openTelemetryAskedForWithoutDtcOpentelemetryIsRefusedWithWhatToAdd() {
        Path data = dir.resolve("data");
        PrintStream err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertThat(ServerMain.run("--node-name", "n1", "--data-dir", data.toString(), "--opentelemetry"))
                    .isEqualTo(2);
        } finally {
            System.setErr(err);
        }
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("--opentelemetry needs dtc-opentelemetry")
                .contains("leave --opentelemetry out");
        assertThat(Files.exists(data)).as("nothing was created").isFalse();
    }
}
