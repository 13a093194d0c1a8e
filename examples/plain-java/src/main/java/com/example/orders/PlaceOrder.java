package com.example.orders;

import dev.dtc.TransactionService;
import dev.dtc.xa.TransactionalDataSource;
import dev.dtc.xa.XaDataSources;
import jakarta.transaction.UserTransaction;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;

/** An order in PostgreSQL and its stock reservation in MySQL: both are committed, or neither. */
public final class PlaceOrder {

    /** {@code PlaceOrder ORDERS_URL STOCK_URL ORDER_ID}; each JDBC URL carries its ?user=...&password=... */
    public static void main(String[] args) throws Exception {
        placeOrder(args[0], args[1], args[2], Path.of("dtc-log"));
    }

    public static void placeOrder(String ordersUrl, String stockUrl, String orderId, Path logDirectory)
            throws Exception {
        try (TransactionService dtc = TransactionService.builder()
                     .nodeName("node-1")                     // unique per coordinator; part of every Xid
                     .logDirectory(logDirectory)             // the decision log (one process at a time)
                     .defaultTimeout(Duration.ofSeconds(30))
                     .build();
             // pooled, enlisted in dtc's transactions, registered for recovery; user and password from the URL
             TransactionalDataSource orders = XaDataSources.postgres(dtc, ordersUrl, null, null);
             TransactionalDataSource stock = XaDataSources.mysql(dtc, stockUrl, null, null)) {
            dtc.recovery().scan();                           // finish what a crash left in doubt
            UserTransaction ut = dtc.userTransaction();
            ut.begin();
            try (Connection o = orders.getConnection();      // both join the transaction
                 Connection s = stock.getConnection();
                 PreparedStatement order = o.prepareStatement("INSERT INTO orders (id, amount) VALUES (?, 42)");
                 PreparedStatement reserve = s.prepareStatement("INSERT INTO reservations (order_id, qty) VALUES (?, 1)")) {
                order.setString(1, orderId);
                order.executeUpdate();
                reserve.setString(1, orderId);
                reserve.executeUpdate();
            } catch (Exception e) {
                ut.rollback();                               // neither database keeps anything
                throw e;
            }
            ut.commit();   // prepare both in parallel, force the decision to the log, commit both
        }
    }
}
