package dev.dtc.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DtcLocks} against the real coordinator in a process of its own. Every check of who holds a lock asks the
 * coordinator itself ({@code GET /v1/locks/{name}} over plain HTTP), not the client under test.
 */
class DtcLocksTest {
    private static final String TOKEN = "locks-test-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dir;
    CoordinatorProcess coordinator;
    DtcLocks locks;

    @BeforeEach
    void start() throws Exception {
        coordinator = new CoordinatorProcess(dir, TOKEN).start();
        locks = clientAs("client-a").build();
    }

    @AfterEach
    void stop() throws Exception {
        locks.close();
        coordinator.close();
    }

    private DtcLocks.Builder clientAs(String owner) {
        return DtcLocks.builder(coordinator.url()).token(TOKEN).owner(owner);
    }

    /** The coordinator's own view of the lock. */
    private JsonNode server(String name) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(coordinator.url() + "/v1/locks/" + name))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void backgroundRenewalKeepsTheLockPastItsTtlAndCloseReleasesIt() throws Exception {
        Duration ttl = Duration.ofSeconds(2);
        DtcLocks.Lock lock = locks.acquire("renewed", ttl, Duration.ZERO);
        assertThat(lock.token()).isPositive();
        assertThat(server("renewed").path("holder").asText()).isEqualTo("client-a");
        long until = System.nanoTime() + ttl.multipliedBy(4).toNanos();
        while (System.nanoTime() < until) {
            Thread.sleep(500);
            JsonNode s = server("renewed");
            assertThat(s.path("holder").asText()).as("held past its ttl: %s", s).isEqualTo("client-a");
            assertThat(s.path("token").asLong()).isEqualTo(lock.token());
            assertThat(lock.isHeld()).isTrue();
        }
        lock.check();

        lock.close();
        assertThat(server("renewed").has("holder")).as("released at the coordinator").isFalse();
        assertThat(lock.isHeld()).isFalse();
        assertThat(lock.lost()).hasValueSatisfying(why -> assertThat(why).contains("released by close()"));
        assertThatThrownBy(lock::check).isInstanceOf(DtcLocks.LostException.class);
        lock.close(); // idempotent
        assertThat(server("renewed").has("holder")).isFalse();
    }

    @Test
    void withoutRenewalTheLeaseRunsOutAndTheLockKnowsIt() throws Exception {
        try (DtcLocks manual = clientAs("client-m").renewInBackground(false).build()) {
            DtcLocks.Lock lock = manual.acquire("unrenewed", Duration.ofSeconds(1), Duration.ZERO);
            assertThat(server("unrenewed").path("token").asLong()).isEqualTo(lock.token());
            await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(100))
                    .until(() -> !server("unrenewed").has("holder"));
            assertThat(lock.isHeld()).isFalse();
            assertThat(lock.lost()).hasValueSatisfying(why -> assertThat(why).contains("ran out")
                    .contains("background renewal is off"));
            assertThatThrownBy(lock::check).isInstanceOf(DtcLocks.LostException.class).hasMessageContaining("unrenewed");
            assertThatThrownBy(lock::renew).isInstanceOf(DtcLocks.LostException.class);
            lock.close();
        }
    }

    @Test
    void twoClientsExcludeEachOther() throws Exception {
        try (DtcLocks other = clientAs("client-b").build()) {
            DtcLocks.Lock a = locks.acquire("shared", Duration.ofSeconds(10), Duration.ZERO);

            assertThatThrownBy(() -> other.acquire("shared", Duration.ofSeconds(10), Duration.ZERO))
                    .isInstanceOfSatisfying(DtcLocks.HeldException.class, e -> {
                        assertThat(e.holder()).isEqualTo("client-a");
                        assertThat(e.expiresAt()).isNotNull();
                        assertThat(e.getMessage()).contains("held by client-a until");
                    });

            CompletableFuture<DtcLocks.Lock> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return other.acquire("shared", Duration.ofSeconds(10), Duration.ofSeconds(120));
                } catch (DtcLocks.LockException e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(60, TimeUnit.SECONDS).until(() -> server("shared").path("waiters").asInt() == 1);
            assertThat(waiting).isNotDone();
            assertThat(server("shared").path("holder").asText()).isEqualTo("client-a");

            a.close();
            DtcLocks.Lock b = waiting.get(120, TimeUnit.SECONDS);
            assertThat(b.token()).isGreaterThan(a.token());
            JsonNode s = server("shared");
            assertThat(s.path("holder").asText()).isEqualTo("client-b");
            assertThat(s.path("token").asLong()).isEqualTo(b.token());
            assertThat(b.isHeld()).isTrue();
            b.close();
            assertThat(server("shared").has("holder")).isFalse();
        }
    }

    @Test
    void aLeaseTheCoordinatorForgotIsReportedLostAndItsCloseReleasesNothing() throws Exception {
        // renewed every 15 s; the restart (leases live in memory only) takes a few seconds, far less than the ttl
        DtcLocks.Lock old = locks.acquire("forgotten", Duration.ofSeconds(45), Duration.ZERO);
        coordinator.kill();
        coordinator.start();
        assertThat(server("forgotten").has("holder")).as("a restarted coordinator holds no lease").isFalse();

        await().atMost(120, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200)).until(() -> !old.isHeld());
        assertThat(old.lost()).hasValueSatisfying(why -> assertThat(why)
                .contains("the coordinator refused to renew lock 'forgotten'").contains("not held"));
        assertThatThrownBy(old::check).isInstanceOf(DtcLocks.LostException.class)
                .hasMessageContaining("refused to renew");

        try (DtcLocks other = clientAs("client-b").build();
             DtcLocks.Lock next = other.acquire("forgotten", Duration.ofSeconds(10), Duration.ZERO)) {
            assertThat(next.token()).as("tokens keep growing across the restart").isGreaterThan(old.token());
            old.close(); // must not release the new holder's lock
            JsonNode s = server("forgotten");
            assertThat(s.path("holder").asText()).isEqualTo("client-b");
            assertThat(s.path("token").asLong()).isEqualTo(next.token());
        }
    }

    @Test
    void badRequestsSayWhatToFix() throws Exception {
        assertThatThrownBy(() -> locks.acquire("no spaces", Duration.ofSeconds(1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a lock name");
        assertThatThrownBy(() -> locks.acquire("x", Duration.ofMillis(10), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl must be 100 ms to");
        assertThatThrownBy(() -> locks.acquire("x", Duration.ofSeconds(1), Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wait must be");
        assertThatThrownBy(() -> DtcLocks.builder(URI.create("ftp://x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http://");
        assertThatThrownBy(() -> DtcLocks.builder(coordinator.url()).owner("with space"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("owner");

        try (DtcLocks wrongToken = DtcLocks.builder(coordinator.url()).token("not-the-token").build()) {
            assertThatThrownBy(() -> wrongToken.acquire("x", Duration.ofSeconds(1), Duration.ZERO))
                    .isInstanceOfSatisfying(DtcLocks.LockException.class, e -> {
                        assertThat(e.status()).isEqualTo(401);
                        assertThat(e.getMessage()).contains("bearer token");
                    });
        }
        assertThat(server("x").has("holder")).isFalse();

        try (DtcLocks nobody = DtcLocks.builder(URI.create("http://127.0.0.1:1")).token(TOKEN).build()) {
            assertThatThrownBy(() -> nobody.acquire("x", Duration.ofSeconds(1), Duration.ZERO))
                    .isInstanceOfSatisfying(DtcLocks.LockException.class, e -> {
                        assertThat(e.status()).isZero();
                        assertThat(e.getMessage()).contains("cannot be reached");
                    });
        }

        assertThat(DtcLocks.defaultOwner()).matches("[!-~]+").contains(":" + ProcessHandle.current().pid() + ":");
    }
}
