package dev.dtc.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.xa.PGXADataSource;
import org.slf4j.LoggerFactory;

/**
 * Self-registration in the coordinator's registry, over real HTTP to a fake coordinator: the PUT at start, its
 * renewals, retries while the coordinator is down, the DELETE at close, and silence when registration is off.
 * The database (PostgreSQL) is only there because start() needs one.
 */
class RegistrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final URI ADVERTISED = URI.create("http://127.0.0.1:9002/tx");
    private static final KitDatabase DB = new KitDatabase.Postgres();

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final String name = "reg-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void schema() throws Exception {
        DB.prepareSchema();
    }

    @BeforeEach
    void captureAudit() {
        log.start();
        ((Logger) LoggerFactory.getLogger(Audit.LOGGER)).addAppender(log);
    }

    @AfterEach
    void releaseAudit() {
        ((Logger) LoggerFactory.getLogger(Audit.LOGGER)).detachAppender(log);
    }

    private Participant.Builder participant(URI coordinator) {
        return Participant.builder().name(name).xaDataSource(DB.xaDataSource()).work(new InventoryWork())
                .coordinator(coordinator).token(Served.TOKEN).recoveryInterval(Duration.ofSeconds(10))
                .coordinatorTimeout(Duration.ofSeconds(2));
    }

    private List<String> lines(Level level) {
        return log.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith("participant " + name + ":")).toList();
    }

    @Test
    void registersAtStartWithItsUrlTtlAndToken() throws Exception {
        try (FakeCoordinator coordinator = new FakeCoordinator(0, FakeCoordinator.Answer.outcome("IN_PROGRESS"));
             Participant p = participant(coordinator.uri()).advertisedUrl(ADVERTISED).build().start()) {
            List<FakeCoordinator.RegistryCall> puts = coordinator.registryCalls("PUT");
            assertThat(puts).as("registered before start() returned").hasSize(1);
            assertThat(puts.get(0).name()).isEqualTo(name);
            assertThat(puts.get(0).authorization()).isEqualTo("Bearer " + Served.TOKEN);
            JsonNode body = JSON.readTree(puts.get(0).body());
            assertThat(body.get("url").asText()).isEqualTo("http://127.0.0.1:9002/tx");
            assertThat(body.get("ttlMs").asLong()).isEqualTo(30_000);
            assertThat(body.size()).isEqualTo(2);
            assertThat(coordinator.registered).containsKey(name);
            assertThat(lines(Level.INFO)).anySatisfy(l -> assertThat(l).isEqualTo("participant " + name
                    + ": registered with coordinator " + coordinator.uri() + " as " + name
                    + " -> http://127.0.0.1:9002/tx (ttl 30000 ms, renewed every 10000 ms): 201 created,"
                    + " expires at 2026-01-01T00:00:00.600Z"));
            assertThat(lines(Level.WARN)).isEmpty();
            assertThat(p.name()).isEqualTo(name);
        }
    }

    @Test
    void renewsEveryThirdOfTheTtlInTheBackground() throws Exception {
        try (FakeCoordinator coordinator = new FakeCoordinator(0, FakeCoordinator.Answer.outcome("IN_PROGRESS"));
             Participant p = participant(coordinator.uri()).advertisedUrl(ADVERTISED)
                     .registrationTtl(Duration.ofMillis(600)).build().start()) {
            Thread.sleep(2000);
            List<FakeCoordinator.RegistryCall> puts = coordinator.registryCalls("PUT");
            assertThat(puts).as("a PUT at start, then one every 200 ms").hasSizeBetween(5, 12);
            assertThat(puts).allSatisfy(c -> {
                assertThat(c.authorization()).isEqualTo("Bearer " + Served.TOKEN);
                assertThat(JSON.readTree(c.body()).get("ttlMs").asLong()).isEqualTo(600);
            });
            assertThat(lines(Level.WARN)).isEmpty();
            assertThat(lines(Level.INFO)).as("renewals are not logged at INFO").hasSize(1);

            coordinator.registered.clear(); // as if it expired there: the next renewal registers again
            await().atMost(Duration.ofSeconds(5)).until(() -> coordinator.registered.containsKey(name));
            assertThat(lines(Level.INFO)).anySatisfy(l -> assertThat(l).contains("was gone (expired or removed"
                    + " there); registered again as " + name + " -> http://127.0.0.1:9002/tx"));
        }
    }

    @Test
    void keepsTryingWhileTheCoordinatorIsDownAndRegistersOnceItIsUp() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // nothing listens there once closed
        }
        try (Participant p = participant(URI.create("http://127.0.0.1:" + port)).advertisedUrl(ADVERTISED)
                .registrationTtl(Duration.ofMillis(600)).build().start()) {
            Thread.sleep(1000); // about five attempts, all refused
            assertThat(lines(Level.WARN)).as("one WARN, not one per attempt").singleElement().satisfies(l ->
                    assertThat(l).startsWith("participant " + name + ": could not register with coordinator"
                            + " http://127.0.0.1:" + port + " as " + name + " -> http://127.0.0.1:9002/tx (ttl 600 ms,"
                            + " renewed every 200 ms): coordinator unreachable (")
                            .endsWith("; trying again every 200 ms (further failures are logged at most once a"
                                    + " minute)"));

            try (FakeCoordinator coordinator = new FakeCoordinator(port, FakeCoordinator.Answer.outcome("IN_PROGRESS"))) {
                await().atMost(Duration.ofSeconds(5)).until(() -> coordinator.registered.containsKey(name));
                assertThat(lines(Level.INFO)).anySatisfy(l -> assertThat(l).matches("participant " + name
                        + ": registered with coordinator http://127.0.0.1:" + port + " after \\d+ failed attempts as "
                        + name + " -> http://127\\.0\\.0\\.1:9002/tx .*"));
                int puts = coordinator.registryCalls("PUT").size();
                await().atMost(Duration.ofSeconds(5)).until(() -> coordinator.registryCalls("PUT").size() > puts + 2);
                assertThat(lines(Level.WARN)).hasSize(1);
            }
        }
    }

    @Test
    void aRefusalIsLoggedWithTheCoordinatorsErrorAndTriedAgain() throws Exception {
        try (FakeCoordinator coordinator = new FakeCoordinator(0, FakeCoordinator.Answer.outcome("IN_PROGRESS"))) {
            coordinator.refuseRegistry(new FakeCoordinator.Answer(401, "{\"error\":\"wrong token\"}"));
            try (Participant p = participant(coordinator.uri()).advertisedUrl(ADVERTISED)
                    .registrationTtl(Duration.ofMillis(300)).build().start()) {
                assertThat(lines(Level.WARN)).singleElement().satisfies(l -> assertThat(l)
                        .contains(": 401 wrong token (check that this participant's token is the coordinator's);"
                                + " trying again every 100 ms"));
                coordinator.refuseRegistry(null);
                await().atMost(Duration.ofSeconds(5)).until(() -> coordinator.registered.containsKey(name));
            }
        }
    }

    @Test
    void failedRenewalsAreLoggedOnceAndTheirEndAtInfo() throws Exception {
        try (FakeCoordinator coordinator = new FakeCoordinator(0, FakeCoordinator.Answer.outcome("IN_PROGRESS"));
             Participant p = participant(coordinator.uri()).advertisedUrl(ADVERTISED)
                     .registrationTtl(Duration.ofMillis(300)).build().start()) {
            coordinator.refuseRegistry(new FakeCoordinator.Answer(503, "{\"error\":\"starting\"}"));
            int puts = coordinator.registryCalls("PUT").size();
            await().atMost(Duration.ofSeconds(5)).until(() -> coordinator.registryCalls("PUT").size() > puts + 3);
            assertThat(lines(Level.WARN)).singleElement().satisfies(l -> assertThat(l).isEqualTo("participant "
                    + name + ": could not renew the registration with coordinator " + coordinator.uri() + " as " + name
                    + " -> http://127.0.0.1:9002/tx (ttl 300 ms, renewed every 100 ms): 503 starting; trying again"
                    + " every 100 ms (further failures are logged at most once a minute)"));

            coordinator.refuseRegistry(null);
            await().atMost(Duration.ofSeconds(5)).until(() -> lines(Level.INFO).size() >= 2);
            assertThat(lines(Level.INFO).get(1)).matches("participant " + name + ": registration with coordinator "
                    + coordinator.uri() + " renewed again after \\d+ failed attempts as " + name
                    + " -> http://127\\.0\\.0\\.1:9002/tx \\(ttl 300 ms, renewed every 100 ms\\): 200 updated, .*");
            assertThat(lines(Level.WARN)).hasSize(1);

            coordinator.registered.clear();
            coordinator.refuseRegistry(new FakeCoordinator.Answer(404, "{\"error\":\"not registered\"}"));
            p.close();
            assertThat(lines(Level.INFO)).contains("participant " + name + ": deregistered from coordinator "
                    + coordinator.uri() + " as " + name + ": 404 was not registered");
        }
    }

    @Test
    void closeStopsRenewingAndDeregisters() throws Exception {
        try (FakeCoordinator coordinator = new FakeCoordinator(0, FakeCoordinator.Answer.outcome("IN_PROGRESS"))) {
            Participant p = participant(coordinator.uri()).advertisedUrl(ADVERTISED)
                    .registrationTtl(Duration.ofMillis(300)).build().start();
            Thread.sleep(350);
            p.close();
            assertThat(coordinator.registered).as("taken back by close()").doesNotContainKey(name);
            List<FakeCoordinator.RegistryCall> calls = List.copyOf(coordinator.registryCalls);
            assertThat(calls.get(calls.size() - 1).method()).isEqualTo("DELETE");
            assertThat(calls.get(calls.size() - 1).authorization()).isEqualTo("Bearer " + Served.TOKEN);
            assertThat(coordinator.registryCalls("DELETE")).hasSize(1);
            assertThat(lines(Level.INFO)).contains("participant " + name + ": deregistered from coordinator "
                    + coordinator.uri() + " as " + name + ": 204 deregistered");
            Thread.sleep(500);
            assertThat(coordinator.registryCalls).as("nothing after close").hasSize(calls.size());
        }
    }

    @Test
    void closeWithTheCoordinatorDownDoesNotWaitLong() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Participant p = participant(URI.create("http://127.0.0.1:" + port)).advertisedUrl(ADVERTISED).build().start();
        long t0 = System.nanoTime();
        p.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
        assertThat(lines(Level.WARN)).anySatisfy(l -> assertThat(l).startsWith("participant " + name
                + ": could not deregister from coordinator http://127.0.0.1:" + port + " as " + name + ": ")
                .endsWith("; the registration expires 30000 ms after its last renewal"));
    }

    @Test
    void withoutTtlItRegistersOnceWithoutTtlMs() throws Exception {
        try (FakeCoordinator coordinator = new FakeCoordinator(0, FakeCoordinator.Answer.outcome("IN_PROGRESS"));
             Participant p = participant(coordinator.uri()).advertisedUrl(ADVERTISED).registrationTtl(Duration.ZERO)
                     .build().start()) {
            Thread.sleep(800);
            assertThat(coordinator.registryCalls("PUT")).singleElement().satisfies(c ->
                    assertThat(JSON.readTree(c.body()).has("ttlMs")).isFalse());
            assertThat(lines(Level.INFO)).anySatisfy(l -> assertThat(l).contains(" as " + name
                    + " -> http://127.0.0.1:9002/tx (no ttl: never expires)"));
        }
    }

    @Test
    void nothingIsSentWhenRegistrationIsOff() throws Exception {
        try (FakeCoordinator coordinator = new FakeCoordinator(0, FakeCoordinator.Answer.outcome("IN_PROGRESS"))) {
            participant(coordinator.uri()).advertisedUrl(ADVERTISED).register(false)
                    .registrationTtl(Duration.ofMillis(300)).build().start().close();
            participant(coordinator.uri()).registrationTtl(Duration.ofMillis(300)).build().start().close();
            Thread.sleep(500);
            assertThat(coordinator.registryCalls).isEmpty();
            assertThat(lines(Level.INFO)).noneMatch(l -> l.contains("regist"));
        }
    }

    @Test
    void theBuilderRefusesWrongRegistrationOptions() {
        Participant.Builder b = Participant.builder().name("inventory").xaDataSource(new PGXADataSource())
                .work((t, p, c) -> true).coordinator(URI.create("http://127.0.0.1:8080")).token("secret");
        assertThatThrownBy(() -> b.advertisedUrl(URI.create("/tx")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("advertisedUrl must be this participant's absolute http(s) base URL as the coordinator"
                        + " should call it, without query or fragment, e.g. http://inventory:9001/tx, not /tx");
        assertThatThrownBy(() -> b.advertisedUrl(URI.create("ftp://inventory/tx")).build())
                .hasMessageStartingWith("advertisedUrl must be");
        assertThatThrownBy(() -> b.advertisedUrl(URI.create("http://inventory:9001/tx?x=1")).build())
                .hasMessageStartingWith("advertisedUrl must be");
        assertThatThrownBy(() -> b.advertisedUrl(URI.create("mailto:a@b")).build())
                .hasMessageStartingWith("advertisedUrl must be");
        assertThatThrownBy(() -> b.advertisedUrl(null).register(true).build())
                .hasMessageStartingWith("register(true) needs advertisedUrl");
        b.register(false).build(); // off without a URL is fine
        b.advertisedUrl(ADVERTISED).register(true);
        assertThatThrownBy(() -> b.registrationTtl(Duration.ofMillis(99)).build())
                .hasMessageStartingWith("registrationTtl must be at least 100 ms");
        assertThatThrownBy(() -> b.registrationTtl(Duration.ofSeconds(-1)).build())
                .hasMessageStartingWith("registrationTtl must be");
        assertThatThrownBy(() -> b.registrationTtl(null).build()).hasMessageStartingWith("registrationTtl must be");
        b.registrationTtl(Duration.ZERO).build();
        b.registrationTtl(Duration.ofMillis(100)).advertisedUrl(URI.create("HTTPS://inventory/tx")).build();
    }
}
