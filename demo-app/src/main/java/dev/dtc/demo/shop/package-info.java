/**
 * The e-commerce order the demo is about: {@link dev.dtc.demo.shop.Shop#placeOrder} writes an order (orders,
 * PostgreSQL), a stock reservation (inventory, MySQL/MariaDB) and a payment (payments, PostgreSQL) in one JTA
 * transaction through {@link dev.dtc.demo.shop.ParticipantDataSources}, which enlist their connections
 * automatically. One class per database holds its SQL ({@code OrdersDatabase}, {@code InventoryDatabase},
 * {@code PaymentsDatabase}); {@link dev.dtc.demo.shop.Schemas} creates the databases from the scripts in
 * {@code dev/dtc/demo/sql}.
 *
 * <p>The rules the databases enforce themselves: a unique order id (primary key), one payment per order (unique
 * key), stock never below zero (a CHECK constraint, and the row lock of the reserving update keeps concurrent
 * orders in line: docs/locking.md), and the card issuer's authorisation (a deferred constraint trigger that
 * makes the payments database vote to abort at PREPARE).
 */
package dev.dtc.demo.shop;
