package dev.dtc.demo.output;

import dev.dtc.RecoveryReport;
import dev.dtc.audit.EventType;
import dev.dtc.demo.service.RemoteAnswer;
import dev.dtc.demo.shop.Catalog;
import dev.dtc.demo.shop.Money;
import dev.dtc.demo.shop.OrderBook;
import dev.dtc.demo.shop.OrderLine;
import dev.dtc.demo.shop.OrderOutcome;
import dev.dtc.demo.shop.OrderRequest;
import dev.dtc.demo.shop.Restock;
import dev.dtc.demo.shop.StockLevel;
import dev.dtc.demo.trace.CrashSwitch;
import dev.dtc.demo.trace.RecoveryTrace;
import dev.dtc.demo.trace.TraceEvent;
import dev.dtc.demo.trace.TransactionTrace;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * Output for a person: one line per 2PC event as dtc emits it (with the participant, and what the event means),
 * then one paragraph on the outcome; tables for stock and orders.
 */
public final class HumanOutput implements Output {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private final PrintStream out;
    /** Events come from several dtc threads at once; each line must come out whole. */
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Instant firstEvent;

    public HumanOutput(PrintStream out) {
        this.out = out;
    }

    @Override
    public void recovery(RecoveryReport report, RecoveryTrace trace) {
        List<RecoveryTrace.Action> actions = trace.actions();
        if (actions.isEmpty() && report.failures().isEmpty() && report.pending().isEmpty()) {
            return;
        }
        out.println("Recovery: an earlier run left transactions in doubt; dtc finished them before this command:");
        for (RecoveryTrace.Action a : actions) {
            out.printf("  %-18s %-10s %s%n", a.type(), a.participant() == null ? "" : a.participant(), explain(a));
        }
        Map<String, List<RecoveryTrace.Action>> byTransaction = new LinkedHashMap<>();
        for (RecoveryTrace.Action a : actions) {
            if (a.transactionId() != null && !"-".equals(a.transactionId())) {
                byTransaction.computeIfAbsent(a.transactionId(), k -> new ArrayList<>()).add(a);
            }
        }
        byTransaction.forEach((tx, list) -> out.println("  => transaction " + tx + ": " + summary(list)));
        for (String failure : report.failures()) {
            out.println("  !! could not scan: " + failure);
        }
        for (String pending : report.pending()) {
            out.println("  !! still undecided: transaction " + pending + " (a database could not be reached; the next"
                    + " command tries again)");
        }
        out.println();
        out.flush();
    }

    private static String explain(RecoveryTrace.Action a) {
        String branch = "branch " + a.branch();
        return switch (a.type()) {
            case RECOVERY_COMMIT -> branch + " committed: the commit decision was in the log";
            case RECOVERY_ROLLBACK -> branch + " rolled back: prepared, but no commit decision was logged (presumed abort)";
            case RECOVERY_DONE -> branch + " already finished (" + a.detail() + ")";
            default -> (a.branch() == null ? "" : branch + ": ") + a.detail();
        };
    }

    private static String summary(List<RecoveryTrace.Action> actions) {
        List<String> committed = participants(actions, EventType.RECOVERY_COMMIT);
        List<String> rolledBack = participants(actions, EventType.RECOVERY_ROLLBACK);
        List<String> parts = new ArrayList<>();
        if (!committed.isEmpty()) {
            parts.add("committed in " + String.join(", ", committed));
        }
        if (!rolledBack.isEmpty()) {
            parts.add("rolled back in " + String.join(", ", rolledBack));
        }
        return parts.isEmpty() ? "nothing left to do" : String.join("; ", parts);
    }

    private static List<String> participants(List<RecoveryTrace.Action> actions, EventType type) {
        return actions.stream().filter(a -> a.type() == type).map(a -> a.participant() == null ? "?" : a.participant())
                .collect(Collectors.toList());
    }

    @Override
    public void placing(OrderRequest order) {
        out.println("Placing order " + order.orderId() + " for " + order.customer() + ": " + items(order.lines()) + ", "
                + Money.format(order.amountCents()) + " paid with card " + order.cardNumber());
        out.flush();
    }

    @Override
    public void event(TraceEvent e, TransactionTrace trace) {
        lock.lock();
        try {
            if (firstEvent == null) {
                firstEvent = e.at();
            }
            long ms = Duration.between(firstEvent, e.at()).toMillis();
            String meaning = e.type() == EventType.ENLIST ? meaning(e) : trace.withParticipants(meaning(e));
            out.printf(Locale.ROOT, "  %+6d ms  %-17s %-10s %s%n", ms, e.type(), e.participant() == null ? "" : e.participant(),
                    meaning);
            out.flush();
        } finally {
            lock.unlock();
        }
    }

    /** What the event means, in a few words. */
    static String meaning(TraceEvent e) {
        String detail = e.detail() == null || e.detail().isEmpty() ? "" : e.detail();
        return switch (e.type()) {
            case BEGIN -> "transaction " + e.transactionId() + " begins (" + detail + ")";
            case ENLIST -> e.branch() != null ? "joins the transaction as branch " + e.branch()
                    : "joins the transaction while it works (" + detail.replaceFirst("^joined: \\S+ ", "") + ")";
            case DELIST -> "leaves its branch (" + detail + ")";
            case COMMIT_REQUESTED -> "commit requested (" + detail + ")";
            case PREPARE_SENT -> "asked to prepare";
            case VOTE_COMMIT -> "votes COMMIT: prepared, its changes are on disk and its locks stay held";
            case VOTE_READ_ONLY -> "votes READ-ONLY: nothing to commit";
            case VOTE_ABORT -> "votes ABORT: " + detail + rollbackCodeMeaning(detail);
            case DECISION_WRITE -> "every branch voted COMMIT: writing the decision to the log";
            case DECISION_FORCED -> "decision COMMIT forced to the log (" + detail + "): from here on it commits";
            case DECISION_ROLLBACK -> "decision ROLLBACK: " + detail;
            case COMMIT_SENT -> "asked to commit" + ("one-phase".equals(detail) ? " (one phase)" : "");
            case COMMITTED -> "committed" + (detail.isEmpty() ? "" : " (" + detail + ")");
            case ROLLBACK_SENT -> "asked to roll back";
            case ROLLED_BACK -> "rolled back" + (detail.isEmpty() ? "" : " (" + detail + ")");
            case RETRY -> "will be retried: " + detail;
            case HEURISTIC -> "HEURISTIC outcome: " + detail;
            case TIMEOUT -> "the transaction timed out";
            case END -> "every branch acknowledged: end record written";
            case TX_COMMITTED -> "the transaction is committed";
            case TX_ROLLED_BACK -> "the transaction is rolled back" + (detail.isEmpty() ? "" : ": " + detail);
            default -> detail;
        };
    }

    /** X/Open's meaning of the XA_RB* code a vote to abort starts with, if it is one. */
    static String rollbackCodeMeaning(String detail) {
        int colon = detail.indexOf(':');
        String code = colon < 0 ? detail : detail.substring(0, colon);
        String meaning = switch (code) {
            case "XA_RBINTEGRITY" -> "the database found a constraint violated when it prepared";
            case "XA_RBDEADLOCK" -> "the database chose this branch as a deadlock victim";
            case "XA_RBTIMEOUT" -> "the branch took too long";
            case "XA_RBCOMMFAIL" -> "the connection to the database failed";
            case "XA_RBROLLBACK", "XA_RBOTHER" -> "the database rolled the branch back";
            default -> null;
        };
        return meaning == null ? "" : " (" + meaning + ")";
    }

    @Override
    public void outcome(OrderOutcome o, TransactionTrace trace) {
        String took = " (" + o.took().toMillis() + " ms)";
        String all = String.join(", ", List.of("orders", "inventory", "payments"));
        switch (o.result()) {
            case COMMITTED -> out.println("COMMITTED" + took + ": order " + o.request().orderId() + " is in orders, "
                    + units(o.request()) + " reserved in inventory, payment of " + Money.format(o.request().amountCents())
                    + " in payments.");
            case ROLLED_BACK -> {
                String who = o.refusedBy() == null ? "" : switch (o.stage()) {
                    case WRITING -> o.refusedBy() + " refused while the order was being written: ";
                    case PREPARE -> o.refusedBy() + " voted to abort when asked to prepare: ";
                    default -> o.refusedBy() + ": ";
                };
                String meaning = o.stage() == OrderOutcome.Stage.PREPARE ? rollbackCodeMeaning(o.reason()) : "";
                out.println("ROLLED BACK" + took + ": " + who + o.reason() + meaning);
                out.println("Nothing of order " + o.request().orderId() + " is left in " + all + ".");
            }
            case HEURISTIC -> out.println("HEURISTIC OUTCOME" + took + ": " + o.reason()
                    + "\nA database decided on its own; an operator must check " + all + ".");
            case IN_DOUBT -> out.println("IN DOUBT" + took + ": " + o.reason()
                    + "\nThe next demo command's recovery finishes the transaction.");
        }
        out.flush();
    }

    @Override
    public void remoteAnswer(RemoteAnswer a) {
        if (a.replayed()) {
            out.println("(The coordinator had this order already: this is the outcome of its transaction " + a.transactionId()
                    + ", not a second order.)");
        }
        List<String> pending = a.notAcknowledged();
        if ("PENDING".equals(a.phase2()) && !pending.isEmpty()) {
            out.println("Phase 2 PENDING: " + String.join(", ", pending) + (pending.size() == 1 ? " has" : " have")
                    + " not acknowledged the commit yet. The decision is in the coordinator's log: it retries until"
                    + " every participant commits (start a stopped service again: ./demo up).");
        }
        out.flush();
    }

    @Override
    public void coordinatorLost(OrderRequest order, String coordinator, String message) {
        out.println("IN DOUBT: the coordinator at " + coordinator + " did not answer (" + message + ").");
        out.println("Whatever it decided is in its log. Start it again (./demo up), then send the same order again to"
                + " read its outcome; the same order id is the same transaction, never a second order:");
        out.println("  ./demo place-order --coordinator " + coordinator + " --order-id " + order.orderId()
                + " [the same --item, --customer, --amount and card options]");
        out.flush();
    }

    @Override
    public void creatorLost(OrderRequest order, String ordersService, String message) {
        out.println("IN DOUBT: the orders service at " + ordersService + " did not answer (" + message + ").");
        out.println("It began the order's transaction on the coordinator. If it had not asked for the commit yet, the"
                + " coordinator rolls the transaction back at its timeout, everywhere; if it had, the coordinator"
                + " carries the outcome through. The service's log names the transaction; ask the coordinator"
                + " (GET /v1/transactions/<id>) for its outcome.");
        out.flush();
    }

    private static String units(OrderRequest order) {
        int units = order.lines().stream().mapToInt(OrderLine::quantity).sum();
        return units + (units == 1 ? " unit" : " units");
    }

    @Override
    public void crashing(CrashSwitch.Point point, OrderRequest order, TransactionTrace trace) {
        out.println();
        out.println(switch (point) {
            case AFTER_PREPARE -> "CRASH (on purpose): every participant is prepared and holds its locks, and the"
                    + " coordinator dies before deciding.";
            case AFTER_DECISION -> "CRASH (on purpose): the commit decision is in the log, and the coordinator dies"
                    + " before sending any commit.";
        });
        out.println("Transaction " + trace.transactionId() + " is now in doubt in " + String.join(", ", trace.participants())
                + ". Run any demo command (e.g. `orders`) to see recovery "
                + (point == CrashSwitch.Point.AFTER_PREPARE ? "roll it back." : "commit it."));
        out.flush();
    }

    @Override
    public void stock(List<StockLevel> stock) {
        out.printf("%-10s %-24s %10s %10s %10s%n", "sku", "product", "price", "available", "reserved");
        for (StockLevel s : stock) {
            out.printf("%-10s %-24s %10s %10d %10d%n", s.sku(), s.name(), Money.format(s.priceCents()), s.available(),
                    s.reserved());
        }
        out.flush();
    }

    @Override
    public void restockPausing(String lock, long token, java.time.Duration pause) {
        out.println("holding lock " + lock + " with fencing token " + token + "; pausing " + pause.toMillis()
                + " ms before the write without renewing the lease (--pause-before-write: a GC pause or a frozen VM)");
        out.flush();
    }

    @Override
    public void restocked(Restock r) {
        out.println(r.sku() + ": " + r.status() + ", " + r.detail());
        out.flush();
    }

    @Override
    public void orders(OrderBook book) {
        if (book.entries().isEmpty()) {
            out.println("No orders yet. Place one: place-order --customer alice --item widget=2");
        } else {
            out.printf("%-18s %-10s %10s  %-28s %-32s %s%n", "order", "customer", "amount", "items", "payment", "placed");
            for (OrderBook.Entry e : book.entries()) {
                String payment = e.payment() == null ? "MISSING"
                        : Money.format(e.payment().amountCents()) + " with " + e.payment().cardNumber();
                out.printf("%-18s %-10s %10s  %-28s %-32s %s%n", e.order().orderId(), e.order().customer(),
                        Money.format(e.order().amountCents()), items(e.order().lines()), payment,
                        TIME.format(e.order().placedAt()));
            }
        }
        if (book.mismatches().isEmpty()) {
            out.println(book.entries().size() + " orders: each has exactly one payment and its stock reservation,"
                    + " and there is no payment or reservation without an order.");
        } else {
            out.println("MISMATCHES between the databases:");
            book.mismatches().forEach(m -> out.println("  " + m));
        }
        out.flush();
    }

    private static String items(List<OrderLine> lines) {
        return lines.stream().map(l -> l.quantity() + " x " + l.sku()).collect(Collectors.joining(", "));
    }

    @Override
    public void reset() {
        out.println("Reset: no orders, no payments, no reservations; stock back to "
                + Catalog.PRODUCTS.stream().map(p -> p.stock() + " " + p.sku())
                .collect(Collectors.joining(", ")) + ".");
        out.flush();
    }

    @Override
    public void error(String message) {
        // a person reads errors on stderr, where Main writes them
    }

    @Override
    public void finish() {
        out.flush();
    }
}
