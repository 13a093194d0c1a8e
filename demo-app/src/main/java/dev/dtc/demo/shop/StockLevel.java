package dev.dtc.demo.shop;

/**
 * A product as the inventory database holds it.
 *
 * @param available units not reserved
 * @param reserved  units reserved by placed orders
 */
public record StockLevel(String sku, String name, long priceCents, int available, int reserved) {
}
