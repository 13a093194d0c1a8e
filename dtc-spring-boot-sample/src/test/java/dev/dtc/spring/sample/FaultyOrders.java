package dev.dtc.spring.sample;

import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

/**
 * The sample's services inside a transaction that then goes wrong in the ways the tests need: the method throws, or
 * one database votes abort at PREPARE. A bean of the tests' configuration, so {@code @Transactional} applies.
 */
class FaultyOrders {

    private final JdbcOrderService jdbc;
    private final JpaOrderService jpa;
    private final JdbcTemplate orders;

    FaultyOrders(JdbcOrderService jdbc, JpaOrderService jpa, DataSource orders) {
        this.jdbc = jdbc;
        this.jpa = jpa;
        this.orders = new JdbcTemplate(orders);
    }

    @Transactional
    public void placeWithJdbcThenFail(String orderId) {
        jdbc.placeOrder(orderId, "widget", 1);
        throw new IllegalStateException("payment declined for " + orderId);
    }

    @Transactional
    public void placeWithJpaThenFail(String orderId) {
        jpa.placeOrder(orderId, "widget", 1);
        throw new IllegalStateException("payment declined for " + orderId);
    }

    /**
     * Both rows are written, then a note for an order that does not exist: PostgreSQL checks the deferred foreign key
     * at PREPARE TRANSACTION and votes abort, after the statements all succeeded.
     */
    @Transactional
    public void placeWithJdbcAndANoteForAMissingOrder(String orderId) {
        jdbc.placeOrder(orderId, "widget", 1);
        orders.update("INSERT INTO order_notes (id, order_id, note) VALUES (?, ?, ?)", orderId,
                "missing-" + orderId, "gift wrap");
    }
}
