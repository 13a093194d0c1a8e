package dev.dtc.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dtc.server.TracedCoordinator;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dtc-server with {@code --opentelemetry} (dtc-opentelemetry found on the class path through META-INF/services, the
 * SDK set as GlobalOpenTelemetry), real participants over HTTP: the transaction span is a child of the client's
 * traceparent, and every participant call carries the same trace id with dtc's span for that call as its parent.
 */
class ServerTracingTest {
    static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    static final String CLIENT_SPAN = "b7ad6b7169203331";
    static final String CLIENT = "00-" + TRACE_ID + "-" + CLIENT_SPAN + "-01";
    private static final AtomicInteger NODES = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();
    static final InMemorySpanExporter EXPORTER = InMemorySpanExporter.create();
    static OpenTelemetrySdk otel;

    @TempDir
    Path dir;
    TracedCoordinator coordinator;
    RecordingParticipant orders;
    RecordingParticipant stock;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void sdk() {
        otel = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(EXPORTER)).build()).build();
        GlobalOpenTelemetry.resetForTest();
        GlobalOpenTelemetry.set(otel);
    }

    @AfterAll
    static void noSdk() {
        GlobalOpenTelemetry.resetForTest();
        otel.close();
    }

    @BeforeEach
    void start() throws Exception {
        EXPORTER.reset();
        coordinator = TracedCoordinator.start(dir, "traced-" + NODES.incrementAndGet(), true);
        orders = new RecordingParticipant("orders");
        stock = new RecordingParticipant("stock");
    }

    @AfterEach
    void stop() {
        coordinator.close();
        orders.close();
        stock.close();
    }

    @Test
    void aOneShotTransactionIsAChildOfTheClientAndItsParticipantsChildrenOfItsCallSpans() throws Exception {
        JsonNode a = post("/v1/transactions", oneShot(), Map.of("traceparent", CLIENT, "tracestate", "congo=t61rcWkgMzE"));
        assertThat(a.get("outcome").asText()).isEqualTo("COMMITTED");
        SpanData tx = awaitTransaction(2);

        assertThat(tx.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(tx.getParentSpanId()).isEqualTo(CLIENT_SPAN);
        assertThat(tx.getAttributes().get(SpanNames.TX_ID)).isEqualTo(a.get("id").asText());
        assertThat(tx.getAttributes().get(SpanNames.OUTCOME)).isEqualTo("COMMITTED");
        assertThat(tx.getAttributes().get(SpanNames.NODE)).startsWith("traced-");
        assertThat(tx.getSpanContext().getTraceState().get("congo")).as("the client's tracestate is kept")
                .isEqualTo("t61rcWkgMzE");
        assertParticipantsAreChildrenOfTheirCallSpans(tx, "commit");
        assertThat(only(SpanNames.DECISION).getParentSpanId()).isEqualTo(tx.getSpanId());
        // the participant gets the client's tracestate on (OpenTelemetry's propagator carries it in the span context)
        assertThat(orders.call("prepare").tracestate()).isEqualTo("congo=t61rcWkgMzE");
    }

    @Test
    void anOpenTransactionTakesTheContextOfTheRequestThatBeganIt() throws Exception {
        JsonNode begun = post("/v1/transactions", "{\"open\": true, \"timeoutMs\": 30000}", Map.of("traceparent", CLIENT));
        String id = begun.get("id").asText();
        for (RecordingParticipant p : List.of(orders, stock)) {
            post("/v1/transactions/" + id + "/participants", "{\"name\": \"" + p.name + "\", \"url\": \"" + p.url()
                    + "\"}", Map.of());
        }
        JsonNode committed = post("/v1/transactions/" + id + "/commit", "", Map.of());
        assertThat(committed.get("outcome").asText()).isEqualTo("COMMITTED");
        SpanData tx = awaitTransaction(2);
        assertThat(tx.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(tx.getParentSpanId()).isEqualTo(CLIENT_SPAN);
        assertParticipantsAreChildrenOfTheirCallSpans(tx, "commit");
    }

    @Test
    void aRollbackIsTracedToTheParticipantThatMustUndoItsWork() throws Exception {
        stock.vote = "ABORT";
        JsonNode a = post("/v1/transactions", oneShot(), Map.of("traceparent", CLIENT));
        assertThat(a.get("outcome").asText()).isEqualTo("ROLLED_BACK");
        SpanData tx = await().atMost(Duration.ofSeconds(10)).until(() -> named(SpanNames.ROLLBACK).size() == 1
                ? only(SpanNames.TRANSACTION) : null, s -> s != null);
        assertThat(tx.getStatus().getStatusCode()).as("the client asked to commit").isEqualTo(StatusCode.ERROR);
        assertThat(tx.getAttributes().get(SpanNames.OUTCOME)).isEqualTo("ROLLED_BACK");
        SpanData rollback = only(SpanNames.ROLLBACK);
        assertThat(rollback.getAttributes().get(SpanNames.PARTICIPANT)).isEqualTo("orders");
        assertThat(orders.call("rollback").traceId()).isEqualTo(TRACE_ID);
        assertThat(orders.call("rollback").parentId()).isEqualTo(rollback.getSpanId());
        SpanData abort = prepareOf("stock");
        assertThat(abort.getAttributes().get(SpanNames.VOTE)).isEqualTo("ABORT");
        assertThat(abort.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(stock.calls()).extracting(RecordingParticipant.Call::op).containsExactly("prepare");
    }

    @Test
    void aMalformedTraceparentIsIgnoredAndTheTransactionStartsItsOwnTrace() throws Exception {
        String malformed = "00-" + TRACE_ID + "-0000000000000000-01"; // an all-zero parent id is invalid
        JsonNode a = post("/v1/transactions", oneShot(), Map.of("traceparent", malformed));
        assertThat(a.get("outcome").asText()).isEqualTo("COMMITTED");
        SpanData tx = awaitTransaction(2);
        assertThat(tx.getParentSpanId()).isEqualTo(SpanId.getInvalid());
        assertThat(tx.getTraceId()).isNotEqualTo(TRACE_ID);
        assertParticipantsAreChildrenOfTheirCallSpans(tx, "commit");
    }

    @Test
    void withoutTheOptionTheClientsContextPassesThroughUnchangedAndNoSpanIsMade() throws Exception {
        coordinator.close();
        coordinator = TracedCoordinator.start(dir.resolve("off"), "untraced-" + NODES.incrementAndGet(), false);
        JsonNode a = post("/v1/transactions", oneShot(), Map.of("traceparent", CLIENT, "tracestate", "congo=t61rcWkgMzE"));
        assertThat(a.get("outcome").asText()).isEqualTo("COMMITTED");
        await().atMost(Duration.ofSeconds(10)).until(() -> orders.got("commit") && stock.got("commit"));
        for (RecordingParticipant p : List.of(orders, stock)) {
            assertThat(p.calls()).hasSize(2).allSatisfy(c -> {
                assertThat(c.traceparent()).isEqualTo(CLIENT);
                assertThat(c.tracestate()).isEqualTo("congo=t61rcWkgMzE");
            });
        }
        assertThat(EXPORTER.getFinishedSpanItems()).as("dtc-opentelemetry on the class path alone traces nothing")
                .isEmpty();
    }

    /** Each participant's prepare and commit calls carry the transaction's trace id and dtc's call span as parent. */
    private void assertParticipantsAreChildrenOfTheirCallSpans(SpanData tx, String phaseTwo) {
        for (RecordingParticipant p : List.of(orders, stock)) {
            SpanData prepare = prepareOf(p.name);
            assertThat(prepare.getParentSpanId()).isEqualTo(tx.getSpanId());
            assertThat(prepare.getAttributes().get(SpanNames.VOTE)).isEqualTo("COMMIT");
            assertThat(p.call("prepare").traceId()).isEqualTo(tx.getTraceId());
            assertThat(p.call("prepare").parentId()).isEqualTo(prepare.getSpanId());
            SpanData commit = named(SpanNames.COMMIT).stream()
                    .filter(s -> p.name.equals(s.getAttributes().get(SpanNames.PARTICIPANT))).findFirst().orElseThrow();
            assertThat(commit.getAttributes().get(SpanNames.OUTCOME)).isEqualTo("COMMITTED");
            assertThat(p.call(phaseTwo).traceId()).isEqualTo(tx.getTraceId());
            assertThat(p.call(phaseTwo).parentId()).isEqualTo(commit.getSpanId());
            String flags = p.call(phaseTwo).traceparent().substring(53);
            assertThat(Integer.parseInt(flags, 16) & 1).as("sampled, as the span is").isEqualTo(1);
        }
    }

    private SpanData prepareOf(String participant) {
        return named(SpanNames.PREPARE).stream()
                .filter(s -> participant.equals(s.getAttributes().get(SpanNames.PARTICIPANT))).findFirst()
                .orElseThrow(() -> new AssertionError("no prepare span for " + participant + " in "
                        + EXPORTER.getFinishedSpanItems()));
    }

    /** The transaction's span, once it and every commit span have ended. */
    private SpanData awaitTransaction(int commits) {
        await().atMost(Duration.ofSeconds(10)).until(() -> named(SpanNames.TRANSACTION).size() == 1
                && named(SpanNames.COMMIT).size() == commits && orders.got("commit") && stock.got("commit"));
        return only(SpanNames.TRANSACTION);
    }

    private String oneShot() {
        return "{\"participants\": [{\"name\": \"orders\", \"url\": \"" + orders.url() + "\", \"payload\": {}},"
                + " {\"name\": \"stock\", \"url\": \"" + stock.url() + "\", \"payload\": {}}], \"timeoutMs\": 5000}";
    }

    private JsonNode post(String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(coordinator.url() + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + TracedCoordinator.TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 201);
        return JSON.readTree(r.body());
    }

    private static List<SpanData> named(String name) {
        return EXPORTER.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    }

    private static SpanData only(String name) {
        List<SpanData> s = named(name);
        assertThat(s).as(name).hasSize(1);
        return s.get(0);
    }
}
