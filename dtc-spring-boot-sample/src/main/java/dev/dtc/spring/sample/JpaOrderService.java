package dev.dtc.spring.sample;

import dev.dtc.spring.sample.orders.PurchaseOrder;
import dev.dtc.spring.sample.orders.PurchaseOrderRepository;
import dev.dtc.spring.sample.stock.StockReservation;
import dev.dtc.spring.sample.stock.StockReservationRepository;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The same order through Spring Data JPA: two repositories on two persistence units (PostgreSQL and MySQL/MariaDB),
 * one transaction. Hibernate flushes both units when the transaction commits, before dtc's two-phase commit.
 */
@Service
public class JpaOrderService {

    private final PurchaseOrderRepository orders;
    private final StockReservationRepository stock;

    public JpaOrderService(PurchaseOrderRepository orders, StockReservationRepository stock) {
        this.orders = orders;
        this.stock = stock;
    }

    @Transactional
    public void placeOrder(String orderId, String item, int quantity) {
        orders.save(new PurchaseOrder(orderId, item, quantity));
        stock.save(new StockReservation(orderId, item, quantity));
    }
}
