package dev.dtc.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Several coordinators, over real HTTP: the kit's coordinator calls ({@link CoordinatorClient}) and the creator's
 * ({@link DtcClient}) go on to the next coordinator only when one gives no clear answer, take a clear answer as final,
 * start at the coordinator that answered last, and never send a begin twice when the first may have arrived.
 * The coordinators are {@link FakeCoordinator}s (which keep open transactions and a registry as the real one does),
 * {@link CoordinatorStub}s (a fixed status, or forwarding), a port where nothing listens, and a port that accepts
 * connections but never answers.
 */
class CoordinatorFailoverTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private static CoordinatorClient client(URI... coordinators) {
        return new CoordinatorClient(List.of(coordinators), Served.TOKEN, TIMEOUT);
    }

    private static String tx() {
        return "tx-" + UUID.randomUUID();
    }

    @Test
    void theOutcomeComesFromTheLiveCoordinatorPastARefusedConnectionAndA503() throws Exception {
        URI down = CoordinatorStub.refusing();
        try (CoordinatorStub starting = CoordinatorStub.answering(503);
             FakeCoordinator live = new FakeCoordinator(0, FakeCoordinator.Answer.outcome("COMMITTED"))) {
            CoordinatorClient client = client(down, starting.uri(), live.uri());
            String id = tx();

            CoordinatorClient.Answer answer = client.outcomeOf(id);

            assertThat(answer.outcome()).isEqualTo(CoordinatorClient.Outcome.COMMITTED);
            assertThat(answer.detail()).startsWith("200 COMMITTED (from " + live.uri() + "; before it " + down + ": ")
                    .contains(starting.uri() + ": 503 stub answers 503");
            assertThat(starting.requests).containsExactly("GET /v1/transactions/" + id);
            assertThat(live.asked).containsExactly(id);
            assertThat(live.authorizations).containsExactly("Bearer " + Served.TOKEN);
        }
    }

    @Test
    void whenNoCoordinatorAnswersClearlyTheOutcomeIsUnknownAndSaysWhatEachDid() throws Exception {
        URI down = CoordinatorStub.refusing();
        try (CoordinatorStub starting = CoordinatorStub.answering(503);
             CoordinatorStub gateway = CoordinatorStub.answering(504)) {
            CoordinatorClient.Answer answer = client(starting.uri(), down, gateway.uri()).outcomeOf(tx());

            assertThat(answer.outcome()).isEqualTo(CoordinatorClient.Outcome.UNKNOWN);
            assertThat(answer.detail()).startsWith("no coordinator gave a clear answer (" + starting.uri() + ": 503")
                    .contains(down + ": ").contains(gateway.uri() + ": 504");
            assertThat(starting.requests).hasSize(1);
            assertThat(gateway.requests).hasSize(1);
        }
    }

    @Test
    void a404FromTheFirstLiveCoordinatorIsFinal() throws Exception {
        URI down = CoordinatorStub.refusing();
        try (FakeCoordinator unknowing = new FakeCoordinator(0, new FakeCoordinator.Answer(404,
                "{\"error\":\"unknown transaction\"}"));
             FakeCoordinator committed = new FakeCoordinator(0, FakeCoordinator.Answer.outcome("COMMITTED"))) {
            CoordinatorClient client = client(down, unknowing.uri(), committed.uri());
            String id = tx();

            CoordinatorClient.Answer answer = client.outcomeOf(id);

            assertThat(answer.outcome()).as("a 404 without presumed abort is not acted on")
                    .isEqualTo(CoordinatorClient.Outcome.UNKNOWN);
            assertThat(answer.detail()).startsWith("404 ").contains("from " + unknowing.uri());
            assertThat(unknowing.asked).containsExactly(id);
            assertThat(committed.asked).as("not asked to overrule a live coordinator's 404").isEmpty();

            unknowing.answer(FakeCoordinator.Answer.presumedAbort());
            assertThat(client.outcomeOf(id).outcome()).isEqualTo(CoordinatorClient.Outcome.ROLLED_BACK);
            assertThat(committed.asked).isEmpty();
        }
    }

    @Test
    void a421SendsTheQuestionToTheNextCoordinator() throws Exception {
        try (CoordinatorStub older = CoordinatorStub.answering(421);
             FakeCoordinator owner = new FakeCoordinator(0, FakeCoordinator.Answer.outcome("ROLLED_BACK"))) {
            String id = tx();
            CoordinatorClient.Answer answer = client(older.uri(), owner.uri()).outcomeOf(id);

            assertThat(answer.outcome()).isEqualTo(CoordinatorClient.Outcome.ROLLED_BACK);
            assertThat(older.requests).containsExactly("GET /v1/transactions/" + id);
            assertThat(owner.asked).containsExactly(id);
        }
    }

    @Test
    void aCoordinatorThatNeverAnswersIsLeftAfterTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()); // accepts, never answers
             FakeCoordinator live = new FakeCoordinator(0, FakeCoordinator.Answer.outcome("COMMITTED"))) {
            URI hanging = URI.create("http://127.0.0.1:" + silent.getLocalPort());
            CoordinatorClient client = new CoordinatorClient(List.of(hanging, live.uri()), Served.TOKEN,
                    Duration.ofMillis(300));

            CoordinatorClient.Answer answer = client.outcomeOf(tx());

            assertThat(answer.outcome()).isEqualTo(CoordinatorClient.Outcome.COMMITTED);
            assertThat(answer.detail()).contains(hanging + ": HttpTimeoutException");
        }
    }

    @Test
    void eachCallStartsAtTheCoordinatorThatAnsweredLast() throws Exception {
        try (FakeCoordinator a = new FakeCoordinator(0, FakeCoordinator.Answer.outcome("COMMITTED"));
             FakeCoordinator b = new FakeCoordinator(0, FakeCoordinator.Answer.outcome("COMMITTED"))) {
            CoordinatorClient client = client(a.uri(), b.uri());

            client.outcomeOf(tx());
            assertThat(a.asked).hasSize(1);
            assertThat(b.asked).as("the first listed answered").isEmpty();

            a.answer(new FakeCoordinator.Answer(503, "{\"error\":\"reading the log\"}"));
            assertThat(client.outcomeOf(tx()).outcome()).isEqualTo(CoordinatorClient.Outcome.COMMITTED);
            assertThat(a.asked).hasSize(2);
            assertThat(b.asked).hasSize(1);

            a.answer(FakeCoordinator.Answer.outcome("COMMITTED")); // a is back, but b answered last
            client.outcomeOf(tx());
            client.outcomeOf(tx());
            assertThat(a.asked).as("not asked again while b answers").hasSize(2);
            assertThat(b.asked).hasSize(3);

            b.close(); // b is killed: the next call starts at b, is refused, and wraps around to a
            assertThat(client.outcomeOf(tx()).outcome()).isEqualTo(CoordinatorClient.Outcome.COMMITTED);
            assertThat(a.asked).hasSize(3);
        }
    }

    @Test
    void registrationAndItsRemovalFailOverAndA4xxIsFinal() throws Exception {
        URI down = CoordinatorStub.refusing();
        URI advertised = URI.create("http://127.0.0.1:9002/tx");
        try (CoordinatorStub starting = CoordinatorStub.answering(503);
             FakeCoordinator live = new FakeCoordinator(0, FakeCoordinator.Answer.outcome("IN_PROGRESS"))) {
            CoordinatorClient client = client(down, starting.uri(), live.uri());

            CoordinatorClient.RegistryAnswer put = client.register("inventory", advertised, Duration.ofSeconds(30));
            assertThat(put.ok()).isTrue();
            assertThat(put.coordinator()).isEqualTo(live.uri());
            assertThat(live.registered).containsKey("inventory");
            assertThat(starting.requests).containsExactly("PUT /v1/participants/inventory");

            CoordinatorClient.RegistryAnswer delete = client.deregister("inventory", TIMEOUT);
            assertThat(delete.ok()).isTrue();
            assertThat(live.registered).isEmpty();
            assertThat(starting.requests).as("the DELETE starts at the coordinator that answered the PUT").hasSize(1);

            live.refuseRegistry(new FakeCoordinator.Answer(400, "{\"error\":\"bad url\"}"));
            try (FakeCoordinator other = new FakeCoordinator(0, FakeCoordinator.Answer.outcome("IN_PROGRESS"))) {
                CoordinatorClient two = client(live.uri(), other.uri());
                CoordinatorClient.RegistryAnswer refused = two.register("inventory", advertised, null);
                assertThat(refused.ok()).isFalse();
                assertThat(refused.status()).isEqualTo(400);
                assertThat(other.registryCalls).as("a refusal is final").isEmpty();
            }
        }
    }

    @Test
    void enlistingFailsOverToACoordinatorThatForwardsToTheOwner() throws Exception {
        URI down = CoordinatorStub.refusing();
        try (FakeCoordinator owner = new FakeCoordinator(0, FakeCoordinator.Answer.outcome("IN_PROGRESS"));
             CoordinatorStub forwarding = CoordinatorStub.forwardingTo(owner.uri())) {
            OpenTransaction tx = new DtcClient(owner.uri(), Served.TOKEN).begin(Duration.ofSeconds(60));
            CoordinatorClient client = client(down, forwarding.uri());

            CoordinatorClient.EnlistAnswer answer = client.enlist(tx.id(), "inventory",
                    URI.create("http://127.0.0.1:9002/tx"));

            assertThat(answer.ok()).isTrue();
            assertThat(answer.status()).isEqualTo(201);
            assertThat(owner.open.get(tx.id()).participants()).containsEntry("inventory", "http://127.0.0.1:9002/tx");
            assertThat(forwarding.requests).containsExactly("POST /v1/transactions/" + tx.id() + "/participants");
        }
    }

    @Test
    void commitFailsOverWhenTheCoordinatorThatBeganIsKilled() throws Exception {
        try (FakeCoordinator owner = new FakeCoordinator(0, FakeCoordinator.Answer.outcome("IN_PROGRESS"));
             CoordinatorStub first = CoordinatorStub.forwardingTo(owner.uri());
             CoordinatorStub second = CoordinatorStub.forwardingTo(owner.uri())) {
            DtcClient dtc = new DtcClient(List.of(first.uri(), second.uri()), Served.TOKEN, TIMEOUT);
            OpenTransaction tx = dtc.begin(Duration.ofSeconds(60));
            assertThat(first.requests).containsExactly("POST /v1/transactions");
            assertThat(owner.open).containsKey(tx.id());

            first.close();
            TransactionOutcome outcome = tx.commit();

            assertThat(outcome.committed()).isTrue();
            assertThat(owner.open.get(tx.id()).state).isEqualTo("COMMITTED");
            assertThat(second.requests).containsExactly("POST /v1/transactions/" + tx.id() + "/commit");
        }
    }

    @Test
    void beginMovesOnOnlyWhenTheFirstCoordinatorSurelyBeganNothing() throws Exception {
        URI down = CoordinatorStub.refusing();
        try (CoordinatorStub starting = CoordinatorStub.answering(503);
             FakeCoordinator live = new FakeCoordinator(0, FakeCoordinator.Answer.outcome("IN_PROGRESS"))) {
            OpenTransaction tx = new DtcClient(List.of(down, starting.uri(), live.uri()), Served.TOKEN, TIMEOUT)
                    .begin(Duration.ofSeconds(60));

            assertThat(live.open).containsOnlyKeys(tx.id());
            assertThat(starting.requests).containsExactly("POST /v1/transactions");
        }
    }

    @Test
    void beginIsNotSentToAnotherCoordinatorAfterATimeoutOrA502() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             CoordinatorStub gateway = CoordinatorStub.answering(502);
             FakeCoordinator live = new FakeCoordinator(0, FakeCoordinator.Answer.outcome("IN_PROGRESS"))) {
            URI hanging = URI.create("http://127.0.0.1:" + silent.getLocalPort());

            DtcClient afterTimeout = new DtcClient(List.of(hanging, live.uri()), Served.TOKEN, Duration.ofMillis(300));
            assertThatThrownBy(() -> afterTimeout.begin(Duration.ofSeconds(60)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(hanging + ": HttpTimeoutException")
                    .hasMessageContaining("not sent to another coordinator");

            DtcClient after502 = new DtcClient(List.of(gateway.uri(), live.uri()), Served.TOKEN, TIMEOUT);
            assertThatThrownBy(() -> after502.begin(Duration.ofSeconds(60)))
                    .isInstanceOfSatisfying(CoordinatorException.class, e -> assertThat(e.status()).isEqualTo(502))
                    .hasMessageContaining("not sent to another coordinator");

            assertThat(live.open).as("no second transaction begun").isEmpty();
            assertThat(gateway.requests).containsExactly("POST /v1/transactions");
        }
    }

    @Test
    void oneCoordinatorBehavesAsBefore() throws Exception {
        URI down = CoordinatorStub.refusing();
        assertThatThrownBy(() -> new DtcClient(down, Served.TOKEN, TIMEOUT).begin(Duration.ofSeconds(60)))
                .isInstanceOf(java.net.ConnectException.class);
        try (CoordinatorStub starting = CoordinatorStub.answering(503)) {
            assertThatThrownBy(() -> new DtcClient(starting.uri(), Served.TOKEN, TIMEOUT).begin(Duration.ofSeconds(1)))
                    .isInstanceOfSatisfying(CoordinatorException.class, e -> assertThat(e.status()).isEqualTo(503))
                    .hasMessage("the coordinator did not begin a transaction: 503 stub answers 503");
            assertThat(client(starting.uri()).outcomeOf("t1").detail()).isEqualTo("503 coordinator not ready");
        }
        assertThat(client(down).outcomeOf("t1").detail()).startsWith("coordinator unreachable: java.net.ConnectException");
    }

    @Test
    void badCoordinatorListsAreRefusedSayingWhatToFix() {
        URI a = URI.create("http://coordinator-1:8080");
        assertThatThrownBy(() -> new DtcClient(List.of(), Served.TOKEN))
                .hasMessageStartingWith("coordinators must list at least one coordinator's base URL");
        assertThatThrownBy(() -> new DtcClient(List.of(a, URI.create("HTTP://Coordinator-1:8080/")), Served.TOKEN))
                .hasMessage("coordinators[1] HTTP://Coordinator-1:8080/ is the same coordinator as coordinators[0]"
                        + " http://coordinator-1:8080: list each coordinator once");
        assertThatThrownBy(() -> new DtcClient(List.of(a, URI.create("coordinator-2:8080")), Served.TOKEN))
                .hasMessage("coordinators[1] must be a coordinator's absolute http(s) URL, e.g."
                        + " http://coordinator-2:8080, not coordinator-2:8080");
        assertThatThrownBy(() -> new DtcClient(URI.create("ftp://x"), Served.TOKEN))
                .hasMessageStartingWith("coordinator must be the coordinator's absolute http(s) URL");

        Participant.Builder valid = Participant.builder().name("p").xaDataSource(new org.postgresql.xa.PGXADataSource())
                .work((id, payload, c) -> true).token("secret");
        assertThatThrownBy(() -> valid.coordinators(null).build())
                .hasMessageStartingWith("coordinators must list at least one").hasMessageEndingWith("not null");
        assertThatThrownBy(() -> valid.coordinators(Arrays.asList(a, null)).build())
                .hasMessageStartingWith("coordinators[1] must be a coordinator's absolute http(s) URL");
        assertThatThrownBy(() -> valid.coordinators(List.of(a, URI.create("http://coordinator-2:8080"), a)).build())
                .hasMessageContaining("coordinators[2] http://coordinator-1:8080 is the same coordinator as coordinators[0]");
        assertThatThrownBy(() -> valid.coordinator(null).build())
                .hasMessageStartingWith("coordinator must be the coordinator's absolute http(s) URL");
        // the last of coordinator(URI) and coordinators(List) called is the one used
        assertThat(valid.coordinators(List.of()).coordinator(a).build().name()).isEqualTo("p");
        assertThat(valid.coordinator(null).coordinators(List.of(a, URI.create("https://coordinator-2"))).build()
                .name()).isEqualTo("p");
    }
}
