package dev.dtc.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dtc.TransactionService;
import dev.dtc.engine.InMemoryResource;
import dev.dtc.internal.tm.DtcTransaction;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.transaction.xa.XAException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JTA face traced through the OpenTelemetry SDK into an in-memory exporter: the span tree of a transaction, its
 * names and attributes, its parent (the context current when it began), and the error cases.
 */
class JtaTracingTest {

    @TempDir
    Path dir;
    final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    OpenTelemetrySdk otel;
    Tracer app;
    TransactionService dtc;
    DtcTracing tracing;
    TransactionManager tm;

    @BeforeEach
    void start() {
        otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter))
                        .build())
                .build();
        app = otel.getTracer("the-application");
        dtc = TransactionService.builder().nodeName("otel-jta").logDirectory(dir)
                .defaultTimeout(Duration.ofSeconds(30)).recoveryInterval(Duration.ZERO)
                .logSegmentBytes(1024 * 1024).retryBackoff(Duration.ofMillis(10), Duration.ofMillis(100)).build();
        tracing = DtcTracing.install(dtc, otel);
        tm = dtc.transactionManager();
    }

    @AfterEach
    void stop() {
        tracing.close();
        dtc.close();
        otel.close();
    }

    @Test
    void aCommitIsATransactionSpanUnderTheBeginnersContextWithPrepareDecisionAndCommitPerBranch() throws Exception {
        InMemoryResource a = new InMemoryResource("orders-db");
        InMemoryResource b = new InMemoryResource("stock-db");
        Span request = app.spanBuilder("POST /orders").startSpan();
        String txId;
        Scope inRequest = request.makeCurrent();
        try {
            tm.begin();
            txId = ((DtcTransaction) tm.getTransaction()).id();
            tm.getTransaction().enlistResource(a);
            tm.getTransaction().enlistResource(b);
        } finally {
            inRequest.close();
        }
        Span other = app.spanBuilder("some other work").startSpan();
        Scope inOther = other.makeCurrent();
        try {
            tm.commit(); // the parent is the context at begin, not at commit
        } finally {
            inOther.close();
            other.end();
            request.end();
        }
        assertThat(a.committed).hasSize(1);
        assertThat(b.committed).hasSize(1);

        SpanData tx = only(SpanNames.TRANSACTION);
        assertThat(tx.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
        assertThat(tx.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
        assertThat(tx.getAttributes().get(SpanNames.TX_ID)).isEqualTo(txId);
        assertThat(tx.getAttributes().get(SpanNames.NODE)).isEqualTo("otel-jta");
        assertThat(tx.getAttributes().get(SpanNames.OUTCOME)).isEqualTo("COMMITTED");
        assertThat(tx.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(tx.getEvents()).extracting(e -> e.getName()).contains("COMMIT_REQUESTED");

        List<SpanData> prepares = named(SpanNames.PREPARE);
        assertThat(prepares).hasSize(2).allSatisfy(p -> {
            assertThat(p.getParentSpanId()).isEqualTo(tx.getSpanId());
            assertThat(p.getAttributes().get(SpanNames.VOTE)).isEqualTo("COMMIT");
            assertThat(p.getAttributes().get(SpanNames.BRANCH)).startsWith(txId);
        });
        assertThat(prepares).extracting(p -> p.getAttributes().get(SpanNames.RESOURCE))
                .containsExactlyInAnyOrder(a.toString(), b.toString());
        SpanData decision = only(SpanNames.DECISION);
        assertThat(decision.getParentSpanId()).isEqualTo(tx.getSpanId());
        List<SpanData> commits = named(SpanNames.COMMIT);
        assertThat(commits).hasSize(2).allSatisfy(c -> {
            assertThat(c.getParentSpanId()).isEqualTo(tx.getSpanId());
            assertThat(c.getAttributes().get(SpanNames.OUTCOME)).isEqualTo("COMMITTED");
            assertThat(c.getAttributes().get(SpanNames.ONE_PHASE)).isNull();
            // decide before you act, as the spans show it: every commit starts after the decision was forced
            assertThat(c.getStartEpochNanos()).isGreaterThanOrEqualTo(decision.getEndEpochNanos());
        });
        assertThat(decision.getStartEpochNanos()).isGreaterThanOrEqualTo(
                prepares.stream().mapToLong(SpanData::getEndEpochNanos).max().orElseThrow());
        assertThat(named(SpanNames.ROLLBACK)).isEmpty();
        assertThat(tracing.tracked()).as("nothing kept once the transaction ended").isZero();
    }

    @Test
    void aSingleResourceCommitsInOnePhaseWithoutPrepareOrDecision() throws Exception {
        InMemoryResource a = new InMemoryResource("only-db");
        tm.begin();
        tm.getTransaction().enlistResource(a);
        tm.commit();
        assertThat(a.committed).hasSize(1);
        SpanData tx = only(SpanNames.TRANSACTION);
        assertThat(tx.getParentSpanId()).as("no context at begin: a root span").isEqualTo(
                io.opentelemetry.api.trace.SpanId.getInvalid());
        SpanData commit = only(SpanNames.COMMIT);
        assertThat(commit.getAttributes().get(SpanNames.ONE_PHASE)).isTrue();
        assertThat(commit.getAttributes().get(SpanNames.OUTCOME)).isEqualTo("COMMITTED");
        assertThat(named(SpanNames.PREPARE)).isEmpty();
        assertThat(named(SpanNames.DECISION)).isEmpty();
    }

    @Test
    void aTransactionWithoutResourcesEndsItsSpanAtCommit() throws Exception {
        tm.begin();
        tm.commit();
        SpanData tx = only(SpanNames.TRANSACTION);
        assertThat(tx.getAttributes().get(SpanNames.OUTCOME)).isEqualTo("COMMITTED");
        assertThat(tx.getAttributes().get(SpanNames.ABANDONED_KEY)).isNull();
        assertThat(exporter.getFinishedSpanItems()).hasSize(1);
        assertThat(tracing.tracked()).isZero();
    }

    @Test
    void anApplicationRollbackIsARollbackSpanPerBranchAndNoError() throws Exception {
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        tm.begin();
        tm.getTransaction().enlistResource(a);
        tm.getTransaction().enlistResource(b);
        tm.rollback();
        assertThat(a.rolledBack).hasSize(1);
        assertThat(b.rolledBack).hasSize(1);
        SpanData tx = only(SpanNames.TRANSACTION);
        assertThat(tx.getAttributes().get(SpanNames.OUTCOME)).isEqualTo("ROLLED_BACK");
        assertThat(tx.getStatus().getStatusCode()).as("the application asked for it").isEqualTo(StatusCode.UNSET);
        assertThat(named(SpanNames.ROLLBACK)).hasSize(2).allSatisfy(r -> {
            assertThat(r.getParentSpanId()).isEqualTo(tx.getSpanId());
            assertThat(r.getAttributes().get(SpanNames.OUTCOME)).isEqualTo("ROLLED_BACK");
        });
        assertThat(named(SpanNames.PREPARE)).isEmpty();
        assertThat(named(SpanNames.COMMIT)).isEmpty();
    }

    @Test
    void anAbortVoteIsAnErrorOnItsPrepareAndOnTheTransactionThatWasToCommit() throws Exception {
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource refuses = new InMemoryResource("refuses");
        refuses.onPrepare = x -> {
            throw InMemoryResource.xa(XAException.XA_RBINTEGRITY);
        };
        tm.begin();
        tm.getTransaction().enlistResource(a);
        tm.getTransaction().enlistResource(refuses);
        assertThatThrownBy(tm::commit).isInstanceOf(RollbackException.class);
        assertThat(a.rolledBack).hasSize(1);
        assertThat(a.committed).isEmpty();

        SpanData tx = only(SpanNames.TRANSACTION);
        assertThat(tx.getAttributes().get(SpanNames.OUTCOME)).isEqualTo("ROLLED_BACK");
        assertThat(tx.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        List<SpanData> prepares = named(SpanNames.PREPARE);
        assertThat(prepares).extracting(p -> p.getAttributes().get(SpanNames.VOTE))
                .containsExactlyInAnyOrder("COMMIT", "ABORT");
        SpanData abort = prepares.stream().filter(p -> "ABORT".equals(p.getAttributes().get(SpanNames.VOTE)))
                .findFirst().orElseThrow();
        assertThat(abort.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(abort.getAttributes().get(SpanNames.RESOURCE)).isEqualTo(refuses.toString());
        assertThat(named(SpanNames.DECISION)).isEmpty();
        assertThat(named(SpanNames.COMMIT)).isEmpty();
        assertThat(named(SpanNames.ROLLBACK)).as("the branch that voted commit is rolled back").hasSize(1);
    }

    @Test
    void aHeuristicOutcomeIsAnErrorOnItsCommitSpanAndOnTheTransaction() throws Exception {
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource rogue = new InMemoryResource("rogue");
        rogue.onCommit = x -> {
            throw InMemoryResource.xa(XAException.XA_HEURRB);
        };
        tm.begin();
        tm.getTransaction().enlistResource(a);
        tm.getTransaction().enlistResource(rogue);
        assertThatThrownBy(tm::commit).isInstanceOf(HeuristicMixedException.class);
        assertThat(a.committed).hasSize(1);

        SpanData tx = only(SpanNames.TRANSACTION);
        assertThat(tx.getAttributes().get(SpanNames.OUTCOME)).isEqualTo("HEURISTIC");
        assertThat(tx.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(tx.getStatus().getDescription()).startsWith("mixed");
        List<SpanData> commits = named(SpanNames.COMMIT);
        assertThat(commits).extracting(c -> c.getAttributes().get(SpanNames.OUTCOME))
                .containsExactlyInAnyOrder("COMMITTED", "HEURISTIC");
        SpanData heuristic = commits.stream().filter(c -> "HEURISTIC".equals(c.getAttributes().get(SpanNames.OUTCOME)))
                .findFirst().orElseThrow();
        assertThat(heuristic.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(heuristic.getAttributes().get(SpanNames.RESOURCE)).isEqualTo(rogue.toString());
    }

    @Test
    void transactionsThatNeverEndAreBoundedAndTheirSpansEndAbandoned() throws Exception {
        tracing.close();
        tracing = DtcTracing.install(dtc, otel, 2);
        Transaction[] left = new Transaction[3];
        for (int i = 0; i < 3; i++) {
            tm.begin();
            tm.getTransaction().enlistResource(new InMemoryResource("r" + i));
            left[i] = tm.suspend(); // never completed by its "thread"
        }
        assertThat(tracing.tracked()).isEqualTo(2);
        SpanData abandoned = only(SpanNames.TRANSACTION);
        assertThat(abandoned.getAttributes().get(SpanNames.TX_ID)).isEqualTo(((DtcTransaction) left[0]).id());
        assertThat(abandoned.getAttributes().get(SpanNames.ABANDONED_KEY)).isTrue();

        for (Transaction t : left) {
            t.rollback();
        }
        assertThat(tracing.tracked()).as("the two still kept end with their rollback").isZero();
        assertThat(named(SpanNames.TRANSACTION)).hasSize(3);
        assertThat(named(SpanNames.ROLLBACK)).as("the evicted transaction has no spans after eviction").hasSize(2);
    }

    @Test
    void installRefusesWhatItCannotUse() {
        assertThatThrownBy(() -> DtcTracing.install(dtc, otel, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxTransactions must be at least 1");
        assertThatThrownBy(() -> DtcTracing.install(null, otel)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs the TransactionService");
    }

    private List<SpanData> named(String name) {
        return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    }

    private SpanData only(String name) {
        List<SpanData> s = named(name);
        assertThat(s).as(name).hasSize(1);
        return s.get(0);
    }
}
