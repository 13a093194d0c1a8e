package dev.dtc.demo.output;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.dtc.RecoveryReport;
import dev.dtc.demo.service.RemoteAnswer;
import dev.dtc.demo.shop.Money;
import dev.dtc.demo.shop.OrderBook;
import dev.dtc.demo.shop.OrderLine;
import dev.dtc.demo.shop.OrderOutcome;
import dev.dtc.demo.shop.OrderRequest;
import dev.dtc.demo.shop.Restock;
import dev.dtc.demo.shop.Payment;
import dev.dtc.demo.shop.StockLevel;
import dev.dtc.demo.trace.CrashSwitch;
import dev.dtc.demo.trace.RecoveryTrace;
import dev.dtc.demo.trace.TraceEvent;
import dev.dtc.demo.trace.TransactionTrace;
import java.io.PrintStream;
import java.util.List;

/**
 * Output for programs: one JSON object on one line of stdout per command, written at the end (or just before a
 * crash on purpose). Amounts are strings with two decimals (no floating point), times ISO-8601.
 *
 * <pre>{@code
 * {"command":"place-order","recovery":{...},"order":{...},"transactionId":"...","outcome":"ROLLED_BACK",
 *  "refusedBy":"payments","stage":"PREPARE","reason":"...","tookMillis":41,"events":[{"type":"BEGIN",...},...]}
 * }</pre>
 */
public final class JsonOutput implements Output {

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private final PrintStream out;
    private final JsonObject document = new JsonObject();

    public JsonOutput(PrintStream out, String command) {
        this.out = out;
        document.addProperty("command", command);
    }

    @Override
    public void recovery(RecoveryReport report, RecoveryTrace trace) {
        JsonObject r = new JsonObject();
        JsonArray actions = new JsonArray();
        for (RecoveryTrace.Action a : trace.actions()) {
            JsonObject o = new JsonObject();
            o.addProperty("type", a.type().name());
            o.addProperty("transactionId", a.transactionId());
            o.addProperty("participant", a.participant());
            o.addProperty("branch", a.branch());
            o.addProperty("detail", a.detail());
            actions.add(o);
        }
        r.add("actions", actions);
        r.add("committed", strings(report.committed()));
        r.add("rolledBack", strings(report.rolledBack()));
        r.add("pending", strings(report.pending()));
        r.add("failures", strings(report.failures()));
        document.add("recovery", r);
    }

    @Override
    public void placing(OrderRequest order) {
        JsonObject o = new JsonObject();
        o.addProperty("orderId", order.orderId());
        o.addProperty("customer", order.customer());
        o.add("items", lines(order.lines()));
        o.addProperty("amount", Money.format(order.amountCents()));
        o.addProperty("card", order.cardNumber());
        document.add("order", o);
    }

    @Override
    public void event(TraceEvent event, TransactionTrace trace) {
        // collected from the trace at the end, in the order dtc emitted them
    }

    @Override
    public void outcome(OrderOutcome o, TransactionTrace trace) {
        document.addProperty("transactionId", o.transactionId());
        document.addProperty("outcome", o.result().name());
        document.addProperty("refusedBy", o.refusedBy());
        document.addProperty("stage", o.stage().name());
        document.addProperty("reason", o.reason());
        document.addProperty("tookMillis", o.took().toMillis());
        document.add("events", events(trace));
    }

    @Override
    public void remoteAnswer(RemoteAnswer a) {
        document.addProperty("coordinator", a.coordinator());
        document.addProperty("phase2", a.phase2());
        document.addProperty("replayed", a.replayed());
        JsonArray ps = new JsonArray();
        for (RemoteAnswer.ParticipantState p : a.participants()) {
            JsonObject o = new JsonObject();
            o.addProperty("name", p.name());
            o.addProperty("url", p.url());
            o.addProperty("vote", p.vote());
            o.addProperty("reason", p.reason());
            o.addProperty("acknowledged", p.acknowledged());
            ps.add(o);
        }
        document.add("participants", ps);
    }

    @Override
    public void coordinatorLost(OrderRequest order, String coordinator, String message) {
        document.addProperty("coordinator", coordinator);
        document.addProperty("outcome", "IN_DOUBT");
        document.addProperty("reason", "the coordinator did not answer: " + message);
    }

    @Override
    public void creatorLost(OrderRequest order, String ordersService, String message) {
        document.addProperty("ordersService", ordersService);
        document.addProperty("outcome", "IN_DOUBT");
        document.addProperty("reason", "the orders service did not answer: " + message);
    }

    @Override
    public void crashing(CrashSwitch.Point point, OrderRequest order, TransactionTrace trace) {
        document.addProperty("transactionId", trace.transactionId());
        document.addProperty("outcome", "CRASHED");
        document.addProperty("crashPoint", point.name());
        document.add("events", events(trace));
        finish();
    }

    private static JsonArray events(TransactionTrace trace) {
        JsonArray events = new JsonArray();
        for (TraceEvent e : trace.events()) {
            JsonObject o = new JsonObject();
            o.addProperty("type", e.type().name());
            o.addProperty("participant", e.participant());
            o.addProperty("branch", e.branch());
            o.addProperty("detail", e.detail());
            o.addProperty("at", e.at().toString());
            events.add(o);
        }
        return events;
    }

    @Override
    public void stock(List<StockLevel> stock) {
        JsonArray products = new JsonArray();
        for (StockLevel s : stock) {
            JsonObject o = new JsonObject();
            o.addProperty("sku", s.sku());
            o.addProperty("name", s.name());
            o.addProperty("price", Money.format(s.priceCents()));
            o.addProperty("available", s.available());
            o.addProperty("reserved", s.reserved());
            products.add(o);
        }
        document.add("stock", products);
    }

    @Override
    public void restockPausing(String lock, long token, java.time.Duration pause) {
        document.addProperty("pausedMillis", pause.toMillis());
    }

    @Override
    public void restocked(Restock r) {
        if (!document.has("restocks")) {
            document.add("restocks", new JsonArray());
        }
        JsonObject o = new JsonObject();
        o.addProperty("sku", r.sku());
        o.addProperty("units", r.units());
        o.addProperty("lock", r.lock());
        o.addProperty("token", r.token());
        o.addProperty("status", r.status().name());
        o.addProperty("available", r.available());
        o.addProperty("fence", r.fence());
        o.addProperty("detail", r.detail());
        document.getAsJsonArray("restocks").add(o);
    }

    @Override
    public void orders(OrderBook book) {
        JsonArray orders = new JsonArray();
        for (OrderBook.Entry e : book.entries()) {
            JsonObject o = new JsonObject();
            o.addProperty("orderId", e.order().orderId());
            o.addProperty("customer", e.order().customer());
            o.addProperty("amount", Money.format(e.order().amountCents()));
            o.add("items", lines(e.order().lines()));
            o.addProperty("placedAt", e.order().placedAt().toString());
            o.addProperty("reservedUnits", e.reservedUnits());
            Payment p = e.payment();
            if (p == null) {
                o.add("payment", null);
            } else {
                JsonObject pay = new JsonObject();
                pay.addProperty("amount", Money.format(p.amountCents()));
                pay.addProperty("card", p.cardNumber());
                pay.addProperty("paidAt", p.paidAt().toString());
                o.add("payment", pay);
            }
            orders.add(o);
        }
        document.add("orders", orders);
        document.add("mismatches", strings(book.mismatches()));
    }

    @Override
    public void reset() {
        document.addProperty("reset", true);
    }

    @Override
    public void error(String message) {
        document.addProperty("error", message);
    }

    @Override
    public void finish() {
        out.println(GSON.toJson(document));
        out.flush();
    }

    private static JsonArray lines(List<OrderLine> lines) {
        JsonArray items = new JsonArray();
        for (OrderLine l : lines) {
            JsonObject o = new JsonObject();
            o.addProperty("sku", l.sku());
            o.addProperty("quantity", l.quantity());
            items.add(o);
        }
        return items;
    }

    private static JsonArray strings(List<String> values) {
        JsonArray a = new JsonArray();
        values.forEach(a::add);
        return a;
    }
}
