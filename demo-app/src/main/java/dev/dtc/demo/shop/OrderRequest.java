package dev.dtc.demo.shop;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * An order to place: who orders what, for how much, paid with which card.
 *
 * @param orderId     unique; the orders database refuses a second order with the same id
 * @param customer    who orders
 * @param lines       the products and quantities; at most one line per product
 * @param amountCents what the customer pays, in cents
 * @param cardNumber  the card the payment is charged to
 */
public record OrderRequest(String orderId, String customer, List<OrderLine> lines, long amountCents, String cardNumber) {

    public OrderRequest {
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(customer, "customer");
        Objects.requireNonNull(cardNumber, "cardNumber");
        if (orderId.isBlank() || orderId.length() > 64) {
            throw new IllegalArgumentException("an order id must be 1 to 64 characters, was '" + orderId + "'");
        }
        if (customer.isBlank() || customer.length() > 100) {
            throw new IllegalArgumentException("a customer name must be 1 to 100 characters, was '" + customer + "'");
        }
        if (lines == null || lines.isEmpty()) {
            throw new IllegalArgumentException("an order needs at least one item (e.g. --item widget=2)");
        }
        if (lines.stream().map(OrderLine::sku).distinct().count() != lines.size()) {
            throw new IllegalArgumentException("each product may appear once in an order; add up the quantities instead");
        }
        if (amountCents <= 0) {
            throw new IllegalArgumentException("the amount must be positive, was " + Money.format(amountCents));
        }
        lines = List.copyOf(lines);
    }

    /** A fresh order id: "ord-" and 12 hex digits of a random UUID. */
    public static String newOrderId() {
        return "ord-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /**
     * The lines sorted by sku: the order in which stock rows are locked. Every transaction locking in the same
     * order is what keeps two orders for the same products from deadlocking (see docs/locking.md).
     */
    public List<OrderLine> linesInLockOrder() {
        List<OrderLine> sorted = new ArrayList<>(lines);
        sorted.sort(Comparator.comparing(OrderLine::sku));
        return sorted;
    }
}
