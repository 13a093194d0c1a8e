package dev.dtc.demo.shop;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every order with its payment and reservations, read from the three databases and matched by order id. Because
 * each order was placed in one atomic transaction, every order has exactly one payment and its reservations, and
 * there is no payment or reservation without an order; {@link #mismatches()} lists any that break the rule.
 */
public record OrderBook(List<Entry> entries, List<String> mismatches) {

    /** One order and what the other two databases hold for it (null / 0 when they hold nothing). */
    public record Entry(PlacedOrder order, Payment payment, int reservedUnits) {
    }

    public OrderBook {
        entries = List.copyOf(entries);
        mismatches = List.copyOf(mismatches);
    }

    static OrderBook match(List<PlacedOrder> orders, List<Payment> payments, Map<String, Integer> reservedByOrder) {
        Map<String, Payment> paymentByOrder = new HashMap<>();
        payments.forEach(p -> paymentByOrder.put(p.orderId(), p));
        Map<String, Integer> reservations = new HashMap<>(reservedByOrder);
        List<Entry> entries = new ArrayList<>();
        List<String> mismatches = new ArrayList<>();
        for (PlacedOrder o : orders) {
            Payment p = paymentByOrder.remove(o.orderId());
            Integer reserved = reservations.remove(o.orderId());
            int ordered = o.lines().stream().mapToInt(OrderLine::quantity).sum();
            if (p == null) {
                mismatches.add("order " + o.orderId() + " has no payment");
            } else if (p.amountCents() != o.amountCents()) {
                mismatches.add("order " + o.orderId() + " was paid " + Money.format(p.amountCents()) + " instead of "
                        + Money.format(o.amountCents()));
            }
            if (reserved == null || reserved != ordered) {
                mismatches.add("order " + o.orderId() + " has " + (reserved == null ? 0 : reserved)
                        + " units reserved instead of " + ordered);
            }
            entries.add(new Entry(o, p, reserved == null ? 0 : reserved));
        }
        paymentByOrder.keySet().forEach(id -> mismatches.add("payment for order " + id + " without an order"));
        reservations.keySet().forEach(id -> mismatches.add("reservation for order " + id + " without an order"));
        return new OrderBook(entries, mismatches);
    }
}
