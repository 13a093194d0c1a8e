package dev.dtc.spring.sample.stock;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Stock set aside for an order, in the stock database (MySQL/MariaDB), where a CHECK keeps quantity above 0. */
@Entity
@Table(name = "stock_reservations")
public class StockReservation {

    @Id
    @Column(name = "order_id")
    private String orderId;
    private String item;
    private int quantity;

    protected StockReservation() {
    }

    public StockReservation(String orderId, String item, int quantity) {
        this.orderId = orderId;
        this.item = item;
        this.quantity = quantity;
    }

    public String getOrderId() {
        return orderId;
    }

    public String getItem() {
        return item;
    }

    public int getQuantity() {
        return quantity;
    }
}
