package dev.dtc.spring.sample;

import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

@Service
public class JdbcOrderService {

    private final JdbcTemplate orders;
    private final JdbcTemplate stock;

    public JdbcOrderService(@Qualifier("orders") DataSource orders, @Qualifier("stock") DataSource stock) {
        this.orders = new JdbcTemplate(orders);
        this.stock = new JdbcTemplate(stock);
    }

    /** Both rows or neither: dtc commits PostgreSQL and MySQL/MariaDB with two-phase commit. */
    @Transactional
    public void placeOrder(String orderId, String item, int quantity) {
        orders.update("INSERT INTO purchase_orders (id, item, quantity) VALUES (?, ?, ?)", orderId, item, quantity);
        stock.update("INSERT INTO stock_reservations (order_id, item, quantity) VALUES (?, ?, ?)",
                orderId, item, quantity);
    }
}
