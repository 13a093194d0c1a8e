package dev.dtc.hibernate;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The entity of the "stock" persistence unit, kept in MariaDB (or MySQL). */
@Entity
@Table(name = "hib_stock")
public class StockItem {
    @Id
    private String id;
    private int qty;

    protected StockItem() {
    }

    public StockItem(String id, int qty) {
        this.id = id;
        this.qty = qty;
    }

    public String getId() {
        return id;
    }

    public int getQty() {
        return qty;
    }
}
