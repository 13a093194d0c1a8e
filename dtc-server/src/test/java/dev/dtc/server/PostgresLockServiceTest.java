package dev.dtc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dtc.store.postgresql.PostgresStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Locks in the shared store: one lock, one sequence of tokens, whichever coordinator is asked. */
class PostgresLockServiceTest {
    final SharedStores stores = new SharedStores();
    LockService a;
    LockService b;
    PostgresStore look;

    @BeforeEach
    void open() throws Exception {
        a = stores.coordinator().locks();
        b = stores.coordinator().locks();
        look = stores.look();
    }

    @AfterEach
    void close() {
        stores.close();
    }

    private static LockService.Refused refused(CompletableFuture<LockService.Grant> f) {
        try {
            f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof LockService.Refused r) {
                return r;
            }
            throw new AssertionError("not refused but failed", e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("granted, not refused");
    }

    private long tokenInTable(String lock) throws Exception {
        return SharedStores.count(look, "SELECT token FROM dtc_lock WHERE name = ?", lock);
    }

    @Test
    void aLockHeldThroughOneIsRefusedThroughTheOtherAndTokensGrowAcrossBoth() throws Exception {
        LockService.Grant first = a.acquire("stock", "alice", 30_000, 0).get(30, TimeUnit.SECONDS);
        LockService.Refused busy = refused(b.acquire("stock", "bob", 30_000, 0));
        assertThat(busy.holder).isEqualTo("alice");
        assertThat(busy.getMessage()).contains("held by alice");
        assertThat(b.view("stock").holder()).isEqualTo("alice");
        assertThat(b.view("stock").token()).isEqualTo(first.token());

        assertThatThrownBy(() -> b.release("stock", "bob", first.token())).isInstanceOf(LockService.Refused.class)
                .hasMessageContaining("held by alice with token " + first.token());
        assertThatThrownBy(() -> b.renew("stock", "alice", first.token() + 1, 1000))
                .isInstanceOf(LockService.Refused.class);
        b.release("stock", "alice", first.token()); // the holder may release through any coordinator
        assertThat(SharedStores.count(look, "SELECT count(*) FROM dtc_lock WHERE owner IS NULL")).isEqualTo(1);

        long last = first.token();
        for (int i = 0; i < 6; i++) {
            LockService via = i % 2 == 0 ? b : a;
            LockService.Grant g = via.acquire("stock", "c" + i, 30_000, 0).get(30, TimeUnit.SECONDS);
            assertThat(g.token()).isGreaterThan(last);
            assertThat(tokenInTable("stock")).isEqualTo(g.token());
            last = g.token();
            (i % 2 == 0 ? a : b).release("stock", "c" + i, g.token());
        }
        // another lock has a sequence of its own
        assertThat(a.acquire("other", "x", 30_000, 0).get(30, TimeUnit.SECONDS).token()).isEqualTo(1);
    }

    @Test
    void anExpiredLeaseIsGrantedThroughTheOtherWithAHigherTokenAndTheOldHolderIsFencedOut() throws Exception {
        LockService.Grant slow = a.acquire("widget", "slow", 300, 0).get(30, TimeUnit.SECONDS);
        // the other coordinator's client waits; the lease runs out on the database's clock, with no timer anywhere
        LockService.Grant fast = b.acquire("widget", "fast", 30_000, 30_000).get(30, TimeUnit.SECONDS);
        assertThat(fast.token()).isGreaterThan(slow.token());
        assertThat(fast.owner()).isEqualTo("fast");

        assertThatThrownBy(() -> a.renew("widget", "slow", slow.token(), 1000)).isInstanceOf(LockService.Refused.class)
                .hasMessageContaining("held by fast");
        assertThatThrownBy(() -> a.release("widget", "slow", slow.token())).isInstanceOf(LockService.Refused.class);
        assertThat(SharedStores.text(look, "SELECT owner FROM dtc_lock WHERE name = 'widget'")).isEqualTo("fast");
        assertThat(tokenInTable("widget")).isEqualTo(fast.token());
    }

    @Test
    void aRenewalMovesTheLeaseInTheTableAndALeasePastItsTimeCannotBeRenewed() throws Exception {
        LockService.Grant g = a.acquire("r", "alice", 1_000, 0).get(30, TimeUnit.SECONDS);
        LockService.Grant renewed = b.renew("r", "alice", g.token(), 600_000);
        assertThat(renewed.token()).isEqualTo(g.token());
        assertThat(renewed.expiresAt()).isAfter(g.expiresAt());
        assertThat(SharedStores.count(look, "SELECT count(*) FROM dtc_lock WHERE expires_at > now() + interval '5 minutes'"))
                .isEqualTo(1);

        SharedStores.exec(look, "UPDATE dtc_lock SET expires_at = now() - interval '1 second'");
        assertThatThrownBy(() -> a.renew("r", "alice", g.token(), 1000)).isInstanceOf(LockService.Refused.class)
                .hasMessageContaining("is not held (its lease may have expired)");
        assertThat(a.view("r").holder()).isNull();
    }

    @Test
    void clientsOfBothCoordinatorsNeverHoldTheLockAtOnce() throws Exception {
        int clients = 8;
        int rounds = 10;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        List<Long> tokens = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            LockService via = c % 2 == 0 ? a : b;
            String owner = "client-" + c;
            all.add(CompletableFuture.runAsync(() -> {
                try {
                    for (int r = 0; r < rounds; r++) {
                        LockService.Grant g = via.acquire("hot", owner, 30_000, 120_000).get(150, TimeUnit.SECONDS);
                        if (inside.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        tokens.add(g.token());
                        inside.decrementAndGet();
                        via.release("hot", owner, g.token());
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, pool));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        pool.shutdown();
        assertThat(overlaps).hasValue(0);
        // each token was added while its holder alone held the lock: the list is in grant order
        assertThat(tokens).hasSize(clients * rounds).isSorted().doesNotHaveDuplicates();
        assertThat(tokenInTable("hot")).isEqualTo(clients * rounds);
    }

    @Test
    void aLeaseAndItsTokensOutliveTheCoordinatorThatGrantedThem() throws Exception {
        SharedState first = stores.coordinator();
        LockService.Grant g = first.locks().acquire("t", "alice", 600_000, 0).get(30, TimeUnit.SECONDS);
        first.close();
        LockService later = stores.coordinator().locks();
        // unlike one coordinator's leases in memory, a lease in the shared store stays until it runs out
        assertThat(refused(later.acquire("t", "bob", 30_000, 0)).holder).isEqualTo("alice");
        later.release("t", "alice", g.token());
        assertThat(later.acquire("t", "bob", 30_000, 0).get(30, TimeUnit.SECONDS).token()).isGreaterThan(g.token());
    }

    @Test
    void waitersOnOneCoordinatorAreServedInTheOrderTheyCame() throws Exception {
        LockService.Grant holder = a.acquire("fifo", "holder", 30_000, 0).get(30, TimeUnit.SECONDS);
        List<CompletableFuture<LockService.Grant>> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiting.add(b.acquire("fifo", "w" + i, 30_000, 60_000));
        }
        assertThat(b.view("fifo").waiters()).isEqualTo(3);
        a.release("fifo", "holder", holder.token()); // released on the other coordinator: b's poll finds it free
        long last = holder.token();
        for (int i = 0; i < 3; i++) {
            LockService.Grant g = waiting.get(i).get(30, TimeUnit.SECONDS);
            assertThat(g.owner()).isEqualTo("w" + i);
            assertThat(g.token()).isGreaterThan(last);
            last = g.token();
            assertThat(waiting.subList(i + 1, 3)).allSatisfy(f -> assertThat(f).isNotDone());
            b.release("fifo", "w" + i, last);
        }

        a.acquire("fifo-2", "x", 30_000, 0).get(30, TimeUnit.SECONDS);
        LockService.Refused gaveUp = refused(b.acquire("fifo-2", "y", 30_000, 200));
        assertThat(gaveUp.holder).isEqualTo("x");
        await().atMost(Duration.ofSeconds(10)).until(() -> b.view("fifo-2").waiters() == 0);
        assertThat(SharedStores.text(look, "SELECT owner FROM dtc_lock WHERE name = 'fifo-2'")).isEqualTo("x");
    }
}
