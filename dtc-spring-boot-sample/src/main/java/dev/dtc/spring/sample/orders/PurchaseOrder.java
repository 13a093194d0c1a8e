package dev.dtc.spring.sample.orders;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An order, in the orders database (PostgreSQL). */
@Entity
@Table(name = "purchase_orders")
public class PurchaseOrder {

    @Id
    private String id;
    private String item;
    private int quantity;

    protected PurchaseOrder() {
    }

    public PurchaseOrder(String id, String item, int quantity) {
        this.id = id;
        this.item = item;
        this.quantity = quantity;
    }

    public String getId() {
        return id;
    }

    public String getItem() {
        return item;
    }

    public int getQuantity() {
        return quantity;
    }
}
