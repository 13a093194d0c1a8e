package dev.dtc.hibernate;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The entity of the "orders" persistence unit, kept in PostgreSQL. */
@Entity
@Table(name = "hib_orders")
public class PurchaseOrder {
    @Id
    private String id;
    private int amount;

    protected PurchaseOrder() {
    }

    public PurchaseOrder(String id, int amount) {
        this.id = id;
        this.amount = amount;
    }

    public String getId() {
        return id;
    }

    public int getAmount() {
        return amount;
    }
}
