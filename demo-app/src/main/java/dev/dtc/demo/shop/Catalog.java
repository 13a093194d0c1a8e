package dev.dtc.demo.shop;

import java.util.List;

/** What a fresh demo starts with: products in stock and two payment cards, one of which the issuer declines. */
public final class Catalog {

    /** A product as first stocked. */
    public record Product(String sku, String name, long priceCents, int stock) {
    }

    public static final List<Product> PRODUCTS = List.of(
            new Product("widget", "Blue widget", 1_250, 100),
            new Product("gadget", "Pocket gadget", 4_999, 20),
            new Product("gizmo", "Limited-edition gizmo", 19_900, 3));

    /** A card that pays. */
    public static final String GOOD_CARD = "4242-4242-4242-4242";
    /** A card its issuer has blocked: payments with it are declined when the payments database prepares. */
    public static final String BLOCKED_CARD = "4000-0000-0000-0002";

    private Catalog() {
    }
}
