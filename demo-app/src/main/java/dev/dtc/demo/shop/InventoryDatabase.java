package dev.dtc.demo.shop;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The inventory database (MySQL/MariaDB): stock and reservations.
 *
 * <p>A reservation is {@code UPDATE product SET available = available - ?}: one statement that takes the row's
 * exclusive lock, so concurrent orders for the same product queue on that lock, each seeing what the one before it
 * left (see docs/locking.md). The database itself refuses to go below zero: the CHECK constraint
 * {@code stock_never_negative} fails the statement.
 */
public final class InventoryDatabase {

    /** The constraint's name is in the error message on MySQL (error 3819) and on MariaDB (error 4025). */
    private static final String STOCK_CHECK = "stock_never_negative";

    private InventoryDatabase() {
    }

    public static void reserve(Connection c, OrderRequest r) throws SQLException, Refusal {
        try (PreparedStatement take = c.prepareStatement("UPDATE product SET available = available - ? WHERE sku = ?");
             PreparedStatement reserve = c.prepareStatement(
                     "INSERT INTO reservation (order_id, sku, quantity) VALUES (?, ?, ?)")) {
            for (OrderLine line : r.linesInLockOrder()) {
                take.setInt(1, line.quantity());
                take.setString(2, line.sku());
                int updated;
                try {
                    updated = take.executeUpdate();
                } catch (SQLException e) {
                    if (e.getMessage() != null && e.getMessage().contains(STOCK_CHECK)) {
                        throw new Refusal(Shop.INVENTORY, "insufficient stock for " + line.sku() + ": "
                                + available(c, line.sku()) + " available, " + line.quantity() + " ordered (the CHECK"
                                + " constraint " + STOCK_CHECK + " refused the update)", e);
                    }
                    throw e;
                }
                if (updated == 0) {
                    throw new Refusal(Shop.INVENTORY, "there is no product " + line.sku(), null);
                }
                reserve.setString(1, r.orderId());
                reserve.setString(2, line.sku());
                reserve.setInt(3, line.quantity());
                reserve.executeUpdate();
            }
        }
    }

    /**
     * Adds {@code units} to the product's stock with a fencing token: the write happens only if no restock with a
     * higher token wrote this row before ({@code fence <= token}), and sets the row's fence to the token. One
     * statement, so the check and the write are one atomic step on the row's lock.
     *
     * @param lock the lock whose token this is, for the result
     * @throws IllegalArgumentException if there is no such product
     */
    public static Restock restock(Connection c, String sku, int units, String lock, long token) throws SQLException {
        int updated;
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE product SET available = available + ?, fence = ? WHERE sku = ? AND fence <= ?")) {
            ps.setInt(1, units);
            ps.setLong(2, token);
            ps.setString(3, sku);
            ps.setLong(4, token);
            updated = ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT available, fence FROM product WHERE sku = ?")) {
            ps.setString(1, sku);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("there is no product " + sku + "; the `stock` command lists them");
                }
                int available = rs.getInt(1);
                long fence = rs.getLong(2);
                if (updated == 1) {
                    return new Restock(sku, units, lock, token, Restock.Status.WRITTEN, available, fence,
                            "added " + units + " units of " + sku + " with fencing token " + token + ": " + available
                                    + " available");
                }
                return new Restock(sku, units, lock, token, Restock.Status.STALE, available, fence,
                        "refused as stale: a newer lock holder wrote first (the row's fence is " + fence
                                + ", this write's token " + token + "); nothing changed");
            }
        }
    }

    /** Read in the refused transaction, which holds the row's lock: exactly what the refused update saw. */
    private static int available(Connection c, String sku) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT available FROM product WHERE sku = ?")) {
            ps.setString(1, sku);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }

    static List<StockLevel> stock(Connection c) throws SQLException {
        List<StockLevel> stock = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT p.sku, p.name, p.price_cents, p.available, COALESCE(SUM(r.quantity), 0)"
                        + " FROM product p LEFT JOIN reservation r ON r.sku = p.sku"
                        + " GROUP BY p.sku, p.name, p.price_cents, p.available ORDER BY p.sku");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                stock.add(new StockLevel(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getInt(4), rs.getInt(5)));
            }
        }
        return stock;
    }

    /** Prices of the given products, in cents; products that do not exist are missing from the map. */
    static Map<String, Long> prices(Connection c, List<OrderLine> lines) throws SQLException {
        Map<String, Long> prices = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT price_cents FROM product WHERE sku = ?")) {
            for (OrderLine line : lines) {
                ps.setString(1, line.sku());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        prices.put(line.sku(), rs.getLong(1));
                    }
                }
            }
        }
        return prices;
    }

    /** Units reserved per order id. */
    static Map<String, Integer> reservations(Connection c) throws SQLException {
        Map<String, Integer> byOrder = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT order_id, SUM(quantity) FROM reservation GROUP BY order_id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                byOrder.put(rs.getString(1), rs.getInt(2));
            }
        }
        return byOrder;
    }
}
