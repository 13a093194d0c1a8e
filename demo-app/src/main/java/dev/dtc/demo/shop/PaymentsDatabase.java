package dev.dtc.demo.shop;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The payments database (PostgreSQL). Recording a payment always succeeds at first; the card issuer's
 * authorisation is a deferred constraint trigger that runs at PREPARE TRANSACTION (see payments.sql), so a
 * declined card is a real vote to abort in phase 1.
 */
public final class PaymentsDatabase {

    private static final String UNIQUE_VIOLATION = "23505";
    private static final String FOREIGN_KEY_VIOLATION = "23503";
    private static final String CHECK_VIOLATION = "23514";

    private PaymentsDatabase() {
    }

    public static void record(Connection c, OrderRequest r) throws SQLException, Refusal {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO payment (order_id, card_number, amount_cents) VALUES (?, ?, ?)")) {
            ps.setString(1, r.orderId());
            ps.setString(2, r.cardNumber());
            ps.setLong(3, r.amountCents());
            ps.executeUpdate();
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw new Refusal(Shop.PAYMENTS, "order " + r.orderId() + " is paid already (one payment per order)", e);
            }
            if (FOREIGN_KEY_VIOLATION.equals(e.getSQLState())) {
                throw new Refusal(Shop.PAYMENTS, "the card " + r.cardNumber() + " is unknown to the payments database", e);
            }
            throw e;
        }
    }

    /**
     * Runs the card issuer's authorisation now instead of at commit ({@code SET CONSTRAINTS ... IMMEDIATE}), so a
     * service can refuse a declined card with the issuer's words: a participant of the HTTP coordinator votes in
     * its work, before the kit prepares, and a failed PREPARE TRANSACTION would only say that it failed. The vote
     * is the same ABORT in phase 1 either way.
     */
    public static void authoriseNow(Connection c, OrderRequest r) throws SQLException, Refusal {
        try (PreparedStatement ps = c.prepareStatement("SET CONSTRAINTS payment_authorised_at_commit IMMEDIATE")) {
            ps.execute();
        } catch (SQLException e) {
            if (CHECK_VIOLATION.equals(e.getSQLState())) {
                throw new Refusal(Shop.PAYMENTS, firstLine(e.getMessage()), e);
            }
            throw e;
        }
    }

    /** PostgreSQL's message without its "ERROR: " and its "Where:" lines. */
    private static String firstLine(String message) {
        String m = message == null ? "declined" : message.strip();
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl).strip();
        return m.startsWith("ERROR: ") ? m.substring("ERROR: ".length()) : m;
    }

    static List<Payment> list(Connection c) throws SQLException {
        List<Payment> payments = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT order_id, card_number, amount_cents, paid_at FROM payment ORDER BY paid_at, order_id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                payments.add(new Payment(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getTimestamp(4).toInstant()));
            }
        }
        return payments;
    }
}
