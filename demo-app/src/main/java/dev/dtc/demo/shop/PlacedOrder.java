package dev.dtc.demo.shop;

import java.time.Instant;
import java.util.List;

/** An order as the orders database holds it. */
public record PlacedOrder(String orderId, String customer, long amountCents, Instant placedAt, List<OrderLine> lines) {

    public PlacedOrder {
        lines = List.copyOf(lines);
    }
}
