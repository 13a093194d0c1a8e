package dev.dtc.demo.service;

import dev.dtc.demo.shop.InventoryDatabase;
import dev.dtc.demo.shop.OrderRequest;
import dev.dtc.demo.shop.OrdersDatabase;
import dev.dtc.demo.shop.PaymentsDatabase;
import dev.dtc.demo.shop.Shop;
import dev.dtc.participant.Refusal;
import dev.dtc.participant.Work;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Each service's part of an order, as the participant kit's {@link Work}: the same SQL as the one-process demo
 * ({@link OrdersDatabase}, {@link InventoryDatabase}, {@link PaymentsDatabase}), run in the kit's XA branch of the
 * service's own database. A "no" of the database (the order id exists, stock would go below zero, the card is
 * blocked) becomes the kit's {@link Refusal}: the service votes ABORT with that reason.
 */
public final class ShopWork {

    private ShopWork() {
    }

    /** @param service {@link Shop#ORDERS}, {@link Shop#INVENTORY} or {@link Shop#PAYMENTS} */
    public static Work of(String service) {
        return switch (service) {
            case Shop.ORDERS -> (txId, payload, c) -> {
                OrderRequest order = OrderPayload.read(payload);
                run(() -> OrdersDatabase.insert(c, order));
                return true;
            };
            case Shop.INVENTORY -> (txId, payload, c) -> {
                OrderRequest order = OrderPayload.read(payload);
                run(() -> InventoryDatabase.reserve(c, order));
                return true;
            };
            case Shop.PAYMENTS -> (txId, payload, c) -> {
                OrderRequest order = OrderPayload.read(payload);
                run(() -> {
                    PaymentsDatabase.record(c, order);
                    PaymentsDatabase.authoriseNow(c, order); // the issuer's "no" as the vote's reason
                });
                return true;
            };
            default -> throw new IllegalArgumentException("no service " + service);
        };
    }

    /**
     * {@code --hang-on-prepare}: the work sleeps for {@code hang} before doing anything, as a service stuck on a
     * lock or a slow disk would, then refuses. The coordinator gives up at the transaction's timeout and rolls
     * back; the refusal afterwards only makes sure this branch ends rolled back too, with nothing prepared.
     */
    public static Work hanging(Duration hang) {
        return (txId, payload, c) -> {
            try {
                Thread.sleep(hang.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new Refusal("hung for " + hang.toMillis() + " ms on purpose (--hang-on-prepare): too late to"
                    + " take part");
        };
    }

    private interface Sql {
        void run() throws SQLException, dev.dtc.demo.shop.Refusal;
    }

    private static void run(Sql sql) throws Refusal, SQLException {
        try {
            sql.run();
        } catch (dev.dtc.demo.shop.Refusal r) {
            throw new Refusal(r.getMessage());
        }
    }

}
