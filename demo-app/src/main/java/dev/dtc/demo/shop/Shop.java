package dev.dtc.demo.shop;

import dev.dtc.audit.EventType;
import dev.dtc.demo.trace.TraceEvent;
import dev.dtc.demo.trace.TraceRecorder;
import dev.dtc.demo.trace.TransactionTrace;
import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.HeuristicRollbackException;
import jakarta.transaction.NotSupportedException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.SystemException;
import jakarta.transaction.UserTransaction;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The e-commerce order: one JTA transaction that inserts the order (orders, PostgreSQL), reserves the stock of
 * each item (inventory, MySQL/MariaDB) and records the payment (payments, PostgreSQL). The code is ordinary JDBC
 * between {@code begin()} and {@code commit()}: each data source enlists its connection in the transaction by
 * itself, and dtc runs the two-phase commit over the three branches.
 *
 * <p>Two kinds of "no": a database may refuse a statement while the shop writes (an order id that exists, stock
 * that would go below zero: the shop then rolls back), or a database may vote to abort when asked to prepare (the
 * card issuer's deferred authorisation in the payments database: dtc then rolls back). Either way all three
 * databases end as they were, and the outcome says which participant said no and why.
 *
 * <p>Thread-safe: concurrent orders each run their own transaction on their own thread.
 */
public final class Shop {

    public static final String ORDERS = "orders";
    public static final String INVENTORY = "inventory";
    public static final String PAYMENTS = "payments";

    private final UserTransaction userTransaction;
    private final TraceRecorder recorder;
    private final ParticipantDataSources dataSources;

    public Shop(UserTransaction userTransaction, TraceRecorder recorder, ParticipantDataSources dataSources) {
        this.userTransaction = userTransaction;
        this.recorder = recorder;
        this.dataSources = dataSources;
    }

    /**
     * Places the order in one distributed transaction; the trace receives its 2PC events as they happen.
     *
     * @throws IllegalStateException if the transaction cannot even begin (e.g. one is active on this thread)
     */
    public OrderOutcome placeOrder(OrderRequest order, TransactionTrace trace) {
        long started = System.nanoTime();
        begin(trace);
        try {
            write(order);
        } catch (Refusal refusal) {
            rollback();
            recorder.finished(trace);
            return refused(order, trace, refusal, started);
        } catch (RuntimeException | Error e) {
            rollback();
            recorder.finished(trace);
            throw e;
        }
        try {
            userTransaction.commit();
            return new OrderOutcome(order, trace.transactionId(), OrderOutcome.Result.COMMITTED, null,
                    OrderOutcome.Stage.NONE, null, since(started));
        } catch (RollbackException e) {
            return rolledBackAtCommit(order, trace, e, started);
        } catch (HeuristicMixedException | HeuristicRollbackException e) {
            return new OrderOutcome(order, trace.transactionId(), OrderOutcome.Result.HEURISTIC, null,
                    OrderOutcome.Stage.OTHER, e.getMessage(), since(started));
        } catch (SystemException e) {
            return new OrderOutcome(order, trace.transactionId(), OrderOutcome.Result.IN_DOUBT, null,
                    OrderOutcome.Stage.OTHER, e.getMessage(), since(started));
        } finally {
            recorder.finished(trace);
        }
    }

    /**
     * The three writes, in the order a shop does them. Each participant's connection is closed as soon as its part
     * is written: inside a transaction that returns nothing to the pool and ends no branch.
     */
    private void write(OrderRequest order) throws Refusal {
        try (Connection c = connect(ORDERS, dataSources.orders())) {
            OrdersDatabase.insert(c, order);
        } catch (SQLException e) {
            throw failed(ORDERS, e);
        }
        try (Connection c = connect(INVENTORY, dataSources.inventory())) {
            InventoryDatabase.reserve(c, order);
        } catch (SQLException e) {
            throw failed(INVENTORY, e);
        }
        try (Connection c = connect(PAYMENTS, dataSources.payments())) {
            PaymentsDatabase.record(c, order);
        } catch (SQLException e) {
            throw failed(PAYMENTS, e);
        }
    }

    private Connection connect(String participant, DataSource dataSource) throws SQLException {
        return recorder.connect(participant, dataSource);
    }

    private static Refusal failed(String participant, SQLException e) {
        return new Refusal(participant, participant + " failed: " + e.getMessage(), e);
    }

    private void begin(TransactionTrace trace) {
        recorder.traceNextBegin(trace);
        try {
            userTransaction.begin();
        } catch (NotSupportedException | SystemException e) {
            throw new IllegalStateException("cannot begin the order's transaction: " + e.getMessage(), e);
        } finally {
            recorder.clearNextBegin();
        }
    }

    private void rollback() {
        try {
            if (isActive()) {
                userTransaction.rollback();
            }
        } catch (SystemException | IllegalStateException e) {
            // the branches are rolled back by the databases when their connections end, or by recovery
        }
    }

    private boolean isActive() {
        try {
            return userTransaction.getStatus() != jakarta.transaction.Status.STATUS_NO_TRANSACTION;
        } catch (SystemException e) {
            return false;
        }
    }

    private static OrderOutcome refused(OrderRequest order, TransactionTrace trace, Refusal refusal, long started) {
        if (trace.has(EventType.TIMEOUT)) {
            return new OrderOutcome(order, trace.transactionId(), OrderOutcome.Result.ROLLED_BACK, null,
                    OrderOutcome.Stage.OTHER, "the transaction timed out and dtc rolled it back; " + refusal.getMessage(),
                    since(started));
        }
        return new OrderOutcome(order, trace.transactionId(), OrderOutcome.Result.ROLLED_BACK, refusal.participant(),
                OrderOutcome.Stage.WRITING, refusal.getMessage(), since(started));
    }

    private static OrderOutcome rolledBackAtCommit(OrderRequest order, TransactionTrace trace, RollbackException e,
                                                   long started) {
        Optional<TraceEvent> vote = trace.firstAbortVote();
        if (vote.isPresent()) {
            return new OrderOutcome(order, trace.transactionId(), OrderOutcome.Result.ROLLED_BACK,
                    vote.get().participant(), OrderOutcome.Stage.PREPARE, vote.get().detail(), since(started));
        }
        return new OrderOutcome(order, trace.transactionId(), OrderOutcome.Result.ROLLED_BACK, null,
                OrderOutcome.Stage.OTHER, e.getMessage(), since(started));
    }

    private static Duration since(long started) {
        return Duration.ofNanos(System.nanoTime() - started);
    }

    // ---------------------------------------------------------------- reading, outside any transaction

    /** The stock of every product. */
    public List<StockLevel> stock() throws SQLException {
        try (Connection c = dataSources.inventory().getConnection()) {
            return InventoryDatabase.stock(c);
        }
    }

    /** Every order with its payment and reservations, matched across the three databases. */
    public OrderBook orderBook() throws SQLException {
        List<PlacedOrder> orders;
        List<Payment> payments;
        Map<String, Integer> reserved;
        try (Connection c = dataSources.orders().getConnection()) {
            orders = OrdersDatabase.list(c);
        }
        try (Connection c = dataSources.payments().getConnection()) {
            payments = PaymentsDatabase.list(c);
        }
        try (Connection c = dataSources.inventory().getConnection()) {
            reserved = InventoryDatabase.reservations(c);
        }
        return OrderBook.match(orders, payments, reserved);
    }

    /**
     * What the items cost at catalog prices, in cents: the amount charged when none is given.
     *
     * @throws IllegalArgumentException if a product does not exist
     */
    public long priceOf(List<OrderLine> lines) throws SQLException {
        Map<String, Long> prices;
        try (Connection c = dataSources.inventory().getConnection()) {
            prices = InventoryDatabase.prices(c, lines);
        }
        long total = 0;
        for (OrderLine line : lines) {
            Long price = prices.get(line.sku());
            if (price == null) {
                throw new IllegalArgumentException("there is no product " + line.sku() + "; the `stock` command lists them");
            }
            total = Math.addExact(total, Math.multiplyExact(price, line.quantity()));
        }
        return total;
    }

    /**
     * Adds stock with a fencing token (auto-commit: one guarded UPDATE), see
     * {@link InventoryDatabase#restock(Connection, String, int, String, long)}.
     */
    public Restock restock(String sku, int units, String lock, long token) throws SQLException {
        try (Connection c = dataSources.inventory().getConnection()) {
            return InventoryDatabase.restock(c, sku, units, lock, token);
        }
    }

    /** Units of a product in stock now. */
    public int available(String sku) throws SQLException {
        return stock().stream().filter(s -> s.sku().equals(sku)).mapToInt(StockLevel::available).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("there is no product " + sku));
    }
}
