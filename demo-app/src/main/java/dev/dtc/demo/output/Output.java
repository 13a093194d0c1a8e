package dev.dtc.demo.output;

import dev.dtc.RecoveryReport;
import dev.dtc.demo.service.RemoteAnswer;
import dev.dtc.demo.shop.OrderBook;
import dev.dtc.demo.shop.OrderOutcome;
import dev.dtc.demo.shop.OrderRequest;
import dev.dtc.demo.shop.Restock;
import dev.dtc.demo.shop.StockLevel;
import dev.dtc.demo.trace.CrashSwitch;
import dev.dtc.demo.trace.RecoveryTrace;
import dev.dtc.demo.trace.TraceEvent;
import dev.dtc.demo.trace.TransactionTrace;
import java.util.List;

/**
 * What a command shows on stdout: for a person ({@link HumanOutput}, one line per 2PC event as it happens, then
 * the outcome) or for a program ({@link JsonOutput}, one JSON document at the end).
 */
public interface Output {

    /** What recovery did at the start of the command (called every time; may have nothing to show). */
    void recovery(RecoveryReport report, RecoveryTrace trace);

    /** An order is about to be placed. */
    void placing(OrderRequest order);

    /** One 2PC event of the trace, as it happens (from dtc's threads). */
    void event(TraceEvent event, TransactionTrace trace);

    /** How the order ended. */
    void outcome(OrderOutcome outcome, TransactionTrace trace);

    /** Remote mode: what the coordinator said beyond the outcome (phase 2, votes, a replay); after {@link #outcome}. */
    void remoteAnswer(RemoteAnswer answer);

    /**
     * Remote mode: the coordinator did not answer (it is down, or died while running the order): the outcome is
     * the coordinator's to tell once it is back.
     */
    void coordinatorLost(OrderRequest order, String coordinator, String message);

    /**
     * Chained mode: the orders service, which began the order's open transaction on the coordinator, did not
     * answer. The coordinator rolls that transaction back at its timeout unless the service asked it to commit.
     */
    void creatorLost(OrderRequest order, String ordersService, String message);

    /** The process is about to halt on purpose; nothing runs after this. */
    void crashing(CrashSwitch.Point point, OrderRequest order, TransactionTrace trace);

    void stock(List<StockLevel> stock);

    /** Restock: the lock is held and the command stops before the write, renewing nothing (--pause-before-write). */
    void restockPausing(String lock, long token, java.time.Duration pause);

    /** Restock: what one product's restock came to. */
    void restocked(Restock restock);

    void orders(OrderBook book);

    /** The demo's data was put back to its first state. */
    void reset();

    /** The command failed (a database unreachable, bad input found late, ...). */
    void error(String message);

    /** Writes anything held back; called once at the end of a command that did not fail. */
    void finish();
}
