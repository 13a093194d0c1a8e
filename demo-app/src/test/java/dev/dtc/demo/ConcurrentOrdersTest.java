package dev.dtc.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dtc.audit.EventType;
import dev.dtc.demo.shop.Catalog;
import dev.dtc.demo.shop.OrderLine;
import dev.dtc.demo.shop.OrderOutcome;
import dev.dtc.demo.shop.OrderRequest;
import dev.dtc.demo.shop.Shop;
import dev.dtc.demo.trace.TransactionTrace;
import dev.dtc.xa.PoolStats;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Many customers at once for a product with little stock: 60 orders of one unit each, all started together, for a
 * product with 10 units. The reservations queue on the product row's lock (held by each transaction through
 * prepare until commit or rollback: docs/locking.md), so each sees the stock the one before it left.
 */
class ConcurrentOrdersTest {

    private static final int ORDERS = 60;
    private static final int STOCK = 10;
    private static final int TIMEOUT_SECONDS = 120;
    private static final String SKU = "limited";

    @Test
    void exactlyAsManyOrdersCommitAsThereIsStockAndTheRestRollBackForInsufficientStock() throws Exception {
        DemoFixture demo = new DemoFixture("demo_conc_");
        List<Placed> placed = new ArrayList<>();
        AtomicInteger lowestStockSeen = new AtomicInteger(Integer.MAX_VALUE);
        String nodeName;
        try (DemoSession session = demo.openSession("--timeout", Integer.toString(TIMEOUT_SECONDS), "--pool-size", "20")) {
            session.reset();
            demo.stockProduct(SKU, STOCK, 500);
            Shop shop = session.shop();

            AtomicBoolean running = new AtomicBoolean(true);
            Thread sampler = new Thread(() -> sampleStock(demo, running, lowestStockSeen), "stock-sampler");
            sampler.start();
            ExecutorService customers = Executors.newFixedThreadPool(ORDERS);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Placed>> futures = new ArrayList<>();
            for (int i = 0; i < ORDERS; i++) {
                OrderRequest order = new OrderRequest(OrderRequest.newOrderId(), "customer-" + i,
                        List.of(new OrderLine(SKU, 1)), 500, Catalog.GOOD_CARD);
                futures.add(customers.submit(() -> {
                    go.await();
                    TransactionTrace trace = new TransactionTrace();
                    return new Placed(shop.placeOrder(order, trace), trace);
                }));
            }
            long started = System.nanoTime();
            go.countDown();
            for (Future<Placed> f : futures) {
                placed.add(f.get(5, TimeUnit.MINUTES));
            }
            System.out.printf("%d orders for %d units in %d ms; slowest %d ms%n", ORDERS, STOCK,
                    Duration.ofNanos(System.nanoTime() - started).toMillis(),
                    placed.stream().mapToLong(p -> p.outcome().took().toMillis()).max().orElse(0));
            customers.shutdown();
            running.set(false);
            sampler.join(60_000);
            assertThat(sampler.isAlive()).as("the stock sampler stopped").isFalse();

            // every connection went back to its pool: none is held by a transaction that did not finish
            for (PoolStats stats : session.dataSources().stats().values()) {
                assertThat(stats.active()).as("connections still handed out: %s", stats).isZero();
            }
            nodeName = DemoFixture.nodeNameOf(placed.get(0).outcome().transactionId());
        }

        List<Placed> committed = placed.stream().filter(p -> p.outcome().committed()).toList();
        List<Placed> rolledBack = placed.stream().filter(p -> !p.outcome().committed()).toList();
        assertThat(committed).hasSize(STOCK);
        assertThat(rolledBack).hasSize(ORDERS - STOCK).allSatisfy(p -> {
            assertThat(p.outcome().result()).isEqualTo(OrderOutcome.Result.ROLLED_BACK);
            assertThat(p.outcome().refusedBy()).isEqualTo("inventory");
            assertThat(p.outcome().reason()).startsWith("insufficient stock for " + SKU + ": 0 available, 1 ordered");
        });
        // nobody waited out a timeout: the lock queue moved, and each order finished well within its time
        assertThat(placed).allSatisfy(p -> {
            assertThat(p.trace().has(EventType.TIMEOUT)).isFalse();
            assertThat(p.outcome().took()).isLessThan(Duration.ofSeconds(TIMEOUT_SECONDS / 2));
        });

        assertThat(demo.available(SKU)).isZero();
        assertThat(lowestStockSeen.get()).as("lowest stock any reader saw").isGreaterThanOrEqualTo(0);

        // orders, payments and reservations match one to one: exactly the committed orders, nothing else
        Set<String> committedIds = new HashSet<>();
        committed.forEach(p -> committedIds.add(p.outcome().request().orderId()));
        assertThat(ids(demo.orders(), "SELECT order_id FROM customer_order")).isEqualTo(committedIds);
        assertThat(ids(demo.payments(), "SELECT order_id FROM payment")).isEqualTo(committedIds);
        assertThat(ids(demo.inventory(), "SELECT order_id FROM reservation WHERE sku = 'limited' AND quantity = 1"))
                .isEqualTo(committedIds);

        // nothing left prepared, and nobody holds the product row: a fresh transaction locks it at once
        assertThat(demo.preparedInPostgres()).isEmpty();
        assertThat(demo.preparedInMysql(nodeName)).isEmpty();
        assertProductRowIsFree(demo);
    }

    private record Placed(OrderOutcome outcome, TransactionTrace trace) {
    }

    /** Reads the stock over and over while the orders run: no reader may ever see it below zero. */
    private static void sampleStock(DemoFixture demo, AtomicBoolean running, AtomicInteger lowest) {
        try (Connection c = demo.inventory(); PreparedStatement ps = c.prepareStatement(
                "SELECT available FROM product WHERE sku = ?")) {
            ps.setString(1, SKU);
            while (running.get()) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    lowest.accumulateAndGet(rs.getInt(1), Math::min);
                }
                Thread.sleep(5);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Set<String> ids(Connection c, String sql) throws SQLException {
        Set<String> ids = new HashSet<>();
        try (c; Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private static void assertProductRowIsFree(DemoFixture demo) throws SQLException {
        try (Connection c = demo.inventory(); Statement s = c.createStatement()) {
            s.execute("SET SESSION innodb_lock_wait_timeout = 5");
            c.setAutoCommit(false);
            long started = System.nanoTime();
            s.executeUpdate("UPDATE product SET available = available WHERE sku = '" + SKU + "'");
            c.rollback();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
    }
}
