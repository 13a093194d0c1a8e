package dev.dtc.demo.shop;

import java.util.Objects;

/** A product and how many of it an order asks for. */
public record OrderLine(String sku, int quantity) {

    public OrderLine {
        Objects.requireNonNull(sku, "sku");
        if (sku.isBlank()) {
            throw new IllegalArgumentException("a product's sku must not be blank");
        }
        if (quantity <= 0) {
            throw new IllegalArgumentException("the quantity of " + sku + " must be at least 1, was " + quantity);
        }
    }

    /**
     * Parses {@code sku=quantity} (or just {@code sku}, meaning 1), as given on the command line.
     *
     * @throws IllegalArgumentException with the expected form
     */
    public static OrderLine parse(String text) {
        int eq = text.indexOf('=');
        if (eq < 0) {
            return new OrderLine(text.trim(), 1);
        }
        String sku = text.substring(0, eq).trim();
        String qty = text.substring(eq + 1).trim();
        try {
            return new OrderLine(sku, Integer.parseInt(qty));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not an item: expected sku=quantity, e.g. widget=2");
        }
    }
}
