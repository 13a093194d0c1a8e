package dev.dtc.demo;

import dev.dtc.demo.output.Output;
import dev.dtc.demo.shop.Catalog;
import dev.dtc.demo.shop.Money;
import dev.dtc.demo.shop.OrderLine;
import dev.dtc.demo.shop.OrderOutcome;
import dev.dtc.demo.shop.OrderRequest;
import dev.dtc.demo.shop.Shop;
import dev.dtc.demo.trace.CrashSwitch;
import dev.dtc.demo.trace.TransactionTrace;
import dev.dtc.demo.service.RemoteOrder;
import dev.dtc.demo.trace.TraceEvent;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "place-order", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Place an order in one distributed transaction: insert it into orders, reserve the stock of"
                + " each item in inventory, record the payment in payments; then commit all three with two-phase"
                + " commit, printing each step of the protocol.",
            "With a fault option it shows what happens when a participant says no, or when the coordinator dies."})
final class PlaceOrderCommand extends SessionCommand {

    @Option(names = "--customer", defaultValue = "alice", description = "Who orders (default: ${DEFAULT-VALUE}).")
    String customer;

    @Option(names = "--item", paramLabel = "SKU=QTY", description = "A product and quantity; repeat for more"
            + " (default: widget=1). The `stock` command lists the products.")
    List<String> items = new ArrayList<>();

    @Option(names = "--amount", paramLabel = "AMOUNT", description = "What the customer pays, e.g. 25.00 (default:"
            + " the catalog price of the items).")
    String amount;

    @Option(names = "--order-id", paramLabel = "ID", description = "The order's id (default: a new one). The orders"
            + " database refuses an id it has.")
    String orderId;

    @Option(names = "--card", paramLabel = "NUMBER", defaultValue = Catalog.GOOD_CARD,
            description = "The card to charge (default: ${DEFAULT-VALUE}).")
    String card;

    @Option(names = "--decline-payment", description = "Pay with a card its issuer has blocked ("
            + Catalog.BLOCKED_CARD + "): the payments database votes to abort at prepare, and all three roll back.")
    boolean declinePayment;

    @Option(names = "--out-of-stock", description = "Order one unit more of the first item than is in stock: the"
            + " inventory database refuses the reservation, and all three roll back.")
    boolean outOfStock;

    @Option(names = "--crash-after-prepare", description = "Die (Runtime.halt) when every participant has voted to"
            + " commit, before the decision. The next command's recovery rolls the prepared branches back.")
    boolean crashAfterPrepare;

    @Option(names = "--crash-after-decision", description = "Die when the commit decision is forced to the log,"
            + " before any commit is sent. The next command's recovery commits all three.")
    boolean crashAfterDecision;

    @Option(names = "--coordinator", paramLabel = "URL", description = "Place the order through the HTTP"
            + " coordinator at URL (./demo up starts one at http://127.0.0.1:8080), with the three services as"
            + " participants, instead of in this process. The databases are then the services', not this command's.")
    String coordinator;

    @Option(names = "--orders-url", paramLabel = "URL", description = "With --coordinator: the orders service"
            + " (default: env DTC_DEMO_ORDERS_URL, else the one ./demo up started, else http://127.0.0.1:9001/tx).")
    String ordersUrl;

    @Option(names = "--inventory-url", paramLabel = "URL", description = "With --coordinator: the inventory service"
            + " (default: env DTC_DEMO_INVENTORY_URL, else the one ./demo up started, else http://127.0.0.1:9002/tx).")
    String inventoryUrl;

    @Option(names = "--payments-url", paramLabel = "URL", description = "With --coordinator: the payments service"
            + " (default: env DTC_DEMO_PAYMENTS_URL, else the one ./demo up started, else http://127.0.0.1:9003/tx).")
    String paymentsUrl;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "one-shot", description = "With --coordinator:"
            + " one-shot (default): this command sends the coordinator one transaction naming the three services;"
            + " chained: this command calls the orders service, which begins an open transaction, writes the order"
            + " and calls inventory and payments, which join it, then commits (the services call each other, as in"
            + " production).")
    String mode;

    @Option(names = "--token-file", paramLabel = "FILE", description = "With --coordinator: the file holding the"
            + " coordinator's bearer token (default: DTC_TOKEN, else the token ./demo up wrote to DATA_DIR/remote/token).")
    Path tokenFile;

    /** Units ordered by --out-of-stock in remote mode, where this command cannot read the stock: more than any. */
    static final int MORE_THAN_ANY_STOCK = 1_000_000;

    @Override
    boolean remote() {
        return coordinator != null;
    }

    @Override
    void validate() {
        if (remote() && (crashAfterPrepare || crashAfterDecision)) {
            throw new IllegalArgumentException("--crash-after-prepare and --crash-after-decision crash this process's"
                    + " coordinator; with --coordinator the coordinator runs elsewhere: start it with"
                    + " ./demo up --coordinator-fault halt-after-decision (or halt-before-decision) instead");
        }
        if (remote() && (common.timeoutSeconds < 1 || common.timeoutSeconds > 600)) {
            throw new IllegalArgumentException("--timeout must be 1 to 600 seconds with --coordinator, was "
                    + common.timeoutSeconds);
        }
        if (!mode.equals("one-shot") && !mode.equals("chained")) {
            throw new IllegalArgumentException("--mode must be one-shot or chained, was '" + mode + "'");
        }
        if (mode.equals("chained") && !remote()) {
            throw new IllegalArgumentException("--mode chained needs --coordinator: the services call each other"
                    + " and join the coordinator's transaction (start them with ./demo up)");
        }
        if (crashAfterPrepare && crashAfterDecision) {
            throw new IllegalArgumentException("choose one of --crash-after-prepare and --crash-after-decision");
        }
        lines(); // parse errors before the databases start
        if (amount != null) {
            Money.parse(amount);
        }
    }

    private List<OrderLine> lines() {
        List<OrderLine> lines = new ArrayList<>();
        for (String item : items.isEmpty() ? List.of("widget=1") : items) {
            lines.add(OrderLine.parse(item));
        }
        return lines;
    }

    @Override
    int runRemote(Output output) throws Exception {
        URI coordinatorUri = Tokens.httpUrl("--coordinator", coordinator);
        Endpoints started = Endpoints.read(common.dataDirectory.toAbsolutePath().resolve("remote").resolve("endpoints"));
        RemoteOrder.Services services = new RemoteOrder.Services(
                Tokens.httpUrl("--orders-url", started.serviceUrl("orders", ordersUrl, 9001)).toString(),
                Tokens.httpUrl("--inventory-url", started.serviceUrl("inventory", inventoryUrl, 9002)).toString(),
                Tokens.httpUrl("--payments-url", started.serviceUrl("payments", paymentsUrl, 9003)).toString());
        String token = Tokens.read(tokenFile, common.dataDirectory.toAbsolutePath().resolve("remote").resolve("token"));
        List<OrderLine> lines = lines();
        if (outOfStock) {
            OrderLine first = lines.get(0);
            lines.set(0, new OrderLine(first.sku(), MORE_THAN_ANY_STOCK));
        }
        long cents = amount == null ? catalogPrice(lines) : Money.parse(amount);
        OrderRequest order = new OrderRequest(orderId == null ? OrderRequest.newOrderId() : orderId, customer, lines,
                cents, declinePayment ? Catalog.BLOCKED_CARD : card);
        output.placing(order);
        RemoteOrder.Result result;
        try {
            RemoteOrder remote = new RemoteOrder(coordinatorUri, token);
            Duration timeout = Duration.ofSeconds(common.timeoutSeconds);
            result = mode.equals("chained") ? remote.placeChained(order, services, timeout)
                    : remote.place(order, services, timeout);
        } catch (IOException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            if (mode.equals("chained")) {
                output.creatorLost(order, services.orders(), message);
            } else {
                output.coordinatorLost(order, coordinator, message);
            }
            return ExitStatus.IN_DOUBT;
        }
        for (TraceEvent e : result.trace().events()) {
            output.event(e, result.trace());
        }
        output.outcome(result.outcome(), result.trace());
        output.remoteAnswer(result.answer());
        return switch (result.outcome().result()) {
            case COMMITTED -> ExitStatus.OK;
            case ROLLED_BACK -> ExitStatus.ROLLED_BACK;
            case HEURISTIC, IN_DOUBT -> ExitStatus.IN_DOUBT;
        };
    }

    /** Catalog prices: in remote mode this command reads no database. */
    private static long catalogPrice(List<OrderLine> lines) {
        long total = 0;
        for (OrderLine line : lines) {
            Catalog.Product p = Catalog.PRODUCTS.stream().filter(x -> x.sku().equals(line.sku())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("there is no product " + line.sku()
                            + " in the catalog; give --amount to order it anyway"));
            total = Math.addExact(total, Math.multiplyExact(p.priceCents(), line.quantity()));
        }
        return total;
    }

    @Override
    int run(DemoSession session, Output output) throws Exception {
        Shop shop = session.shop();
        List<OrderLine> lines = lines();
        if (outOfStock) {
            OrderLine first = lines.get(0);
            lines.set(0, new OrderLine(first.sku(), shop.available(first.sku()) + 1));
        }
        long cents = amount == null ? shop.priceOf(lines) : Money.parse(amount);
        OrderRequest order = new OrderRequest(orderId == null ? OrderRequest.newOrderId() : orderId, customer, lines,
                cents, declinePayment ? Catalog.BLOCKED_CARD : card);

        TransactionTrace trace = new TransactionTrace();
        trace.watch(e -> output.event(e, trace));
        CrashSwitch.Point crash = crashAfterPrepare ? CrashSwitch.Point.AFTER_PREPARE
                : crashAfterDecision ? CrashSwitch.Point.AFTER_DECISION : null;
        if (crash != null) {
            trace.watch(new CrashSwitch(crash, trace, () -> output.crashing(crash, order, trace)));
        }
        output.placing(order);
        OrderOutcome outcome = shop.placeOrder(order, trace);
        output.outcome(outcome, trace);
        return switch (outcome.result()) {
            case COMMITTED -> ExitStatus.OK;
            case ROLLED_BACK -> ExitStatus.ROLLED_BACK;
            case HEURISTIC, IN_DOUBT -> ExitStatus.IN_DOUBT;
        };
    }
}
