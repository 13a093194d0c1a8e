package dev.dtc.demo.shop;

import java.time.Instant;

/** A payment as the payments database holds it. */
public record Payment(String orderId, String cardNumber, long amountCents, Instant paidAt) {
}
