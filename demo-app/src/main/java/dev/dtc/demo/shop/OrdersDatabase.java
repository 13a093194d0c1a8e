package dev.dtc.demo.shop;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The orders database (PostgreSQL): the order and its lines. */
public final class OrdersDatabase {

    private static final String UNIQUE_VIOLATION = "23505";

    private OrdersDatabase() {
    }

    public static void insert(Connection c, OrderRequest r) throws SQLException, Refusal {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO customer_order (order_id, customer, amount_cents) VALUES (?, ?, ?)")) {
            ps.setString(1, r.orderId());
            ps.setString(2, r.customer());
            ps.setLong(3, r.amountCents());
            ps.executeUpdate();
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw new Refusal(Shop.ORDERS, "an order with id " + r.orderId() + " exists already", e);
            }
            throw e;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO order_line (order_id, sku, quantity) VALUES (?, ?, ?)")) {
            for (OrderLine line : r.lines()) {
                ps.setString(1, r.orderId());
                ps.setString(2, line.sku());
                ps.setInt(3, line.quantity());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Every order with its lines, oldest first. */
    static List<PlacedOrder> list(Connection c) throws SQLException {
        Map<String, List<OrderLine>> lines = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT order_id, sku, quantity FROM order_line ORDER BY order_id, sku");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                lines.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new OrderLine(rs.getString(2), rs.getInt(3)));
            }
        }
        List<PlacedOrder> orders = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT order_id, customer, amount_cents, placed_at FROM customer_order ORDER BY placed_at, order_id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String id = rs.getString(1);
                orders.add(new PlacedOrder(id, rs.getString(2), rs.getLong(3), rs.getTimestamp(4).toInstant(),
                        lines.getOrDefault(id, List.of())));
            }
        }
        return orders;
    }
}
