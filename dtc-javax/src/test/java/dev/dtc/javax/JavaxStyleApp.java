package dev.dtc.javax;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.HeuristicMixedException;
import javax.transaction.HeuristicRollbackException;
import javax.transaction.NotSupportedException;
import javax.transaction.RollbackException;
import javax.transaction.Synchronization;
import javax.transaction.SystemException;
import javax.transaction.Transaction;
import javax.transaction.TransactionManager;
import javax.transaction.TransactionSynchronizationRegistry;
import javax.transaction.UserTransaction;
import javax.transaction.xa.XAResource;

/**
 * An application written against {@code javax.transaction}: it imports nothing of dtc nor of jakarta, only
 * javax.transaction, javax.sql and java.sql, and is handed its transaction objects and two data sources (orders in
 * PostgreSQL, stock in MySQL/MariaDB), as a pre-Jakarta container would.
 */
final class JavaxStyleApp {
    private final UserTransaction ut;
    private final TransactionManager tm;
    private final TransactionSynchronizationRegistry tsr;
    private final DataSource orders;
    private final DataSource stock;
    /** What the synchronizations saw, "who when status" in call order. */
    final List<String> seen = new CopyOnWriteArrayList<>();

    JavaxStyleApp(UserTransaction ut, TransactionManager tm, TransactionSynchronizationRegistry tsr, DataSource orders,
                  DataSource stock) {
        this.ut = ut;
        this.tm = tm;
        this.tsr = tsr;
        this.orders = orders;
        this.stock = stock;
    }

    /** An order and its stock movement, atomically; on any failure nothing of it stays. */
    void placeOrder(String id, int amount) throws Exception {
        ut.begin();
        try {
            writeBoth(id, amount);
        } catch (SQLException | RuntimeException e) {
            ut.rollback();
            throw e;
        }
        ut.commit();
    }

    /** Writes both, then changes its mind. */
    void placeAndCancel(String id) throws Exception {
        ut.begin();
        writeBoth(id, 1);
        ut.rollback();
    }

    /** Writes both; a validation rule marks the transaction rollback-only through the registry; commit throws. */
    void placeInvalidOrder(String id) throws NotSupportedException, SystemException, SQLException, RollbackException,
            HeuristicMixedException, HeuristicRollbackException {
        ut.begin();
        writeBoth(id, -1);
        tsr.setRollbackOnly();
        ut.commit(); // RollbackException
    }

    /** An order whose note refers to a missing order: PostgreSQL accepts it now and refuses it at prepare. */
    void placeOrderWithDanglingNote(String id) throws Exception {
        ut.begin();
        writeBoth(id, 3);
        try (Connection c = orders.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO jx_notes (id, order_id) VALUES (?, 'no-such-order')")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
        ut.commit(); // RollbackException at prepare
    }

    /** placeOrder, watched by a synchronization on the Transaction and an interposed one on the registry. */
    void placeOrderObserved(String id, boolean commit) throws Exception {
        ut.begin();
        tm.getTransaction().registerSynchronization(watcher("app"));
        tsr.registerInterposedSynchronization(watcher("interposed"));
        writeBoth(id, 5);
        if (commit) {
            ut.commit();
        } else {
            ut.rollback();
        }
    }

    /**
     * Writes the order, suspends the transaction to record an audit row in a transaction of its own (committed
     * whatever becomes of the order), resumes, writes the stock, and then commits or rolls back the order.
     */
    void placeOrderWithAudit(String id, boolean commitOrder) throws Exception {
        ut.begin();
        Transaction order = tm.getTransaction();
        insert(orders, "INSERT INTO jx_orders (id, amount) VALUES (?, 9)", id);
        Transaction suspended = tm.suspend();
        if (suspended != order || tm.getTransaction() != null) {
            throw new IllegalStateException("suspend did not hand back the order's transaction");
        }
        ut.begin();
        insert(stock, "INSERT INTO jx_stock (id, qty) VALUES (?, 0)", "audit-" + id);
        ut.commit();
        tm.resume(suspended);
        if (tm.getTransaction() != order) {
            throw new IllegalStateException("resume did not restore the order's transaction");
        }
        insert(stock, "INSERT INTO jx_stock (id, qty) VALUES (?, 9)", id);
        if (commitOrder) {
            ut.commit();
        } else {
            ut.rollback();
        }
    }

    /**
     * The same order with XA done by hand: the application enlists each connection's XAResource in the current
     * Transaction, writes, and delists it (TMSUCCESS) before committing.
     */
    void placeOrderEnlistingByHand(XADataSource ordersXa, XADataSource stockXa, String id) throws Exception {
        XAConnection o = ordersXa.getXAConnection();
        XAConnection s = stockXa.getXAConnection();
        try {
            ut.begin();
            Transaction tx = tm.getTransaction();
            if (!tx.enlistResource(o.getXAResource()) || !tx.enlistResource(s.getXAResource())) {
                throw new IllegalStateException("enlistResource refused a resource");
            }
            try (PreparedStatement ps = o.getConnection().prepareStatement("INSERT INTO jx_orders (id, amount) VALUES (?, 11)")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = s.getConnection().prepareStatement("INSERT INTO jx_stock (id, qty) VALUES (?, 11)")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
            if (!tx.delistResource(o.getXAResource(), XAResource.TMSUCCESS)
                    || !tx.delistResource(s.getXAResource(), XAResource.TMSUCCESS)) {
                throw new IllegalStateException("delistResource refused a resource");
            }
            ut.commit();
        } finally {
            o.close();
            s.close();
        }
    }

    private void writeBoth(String id, int amount) throws SQLException {
        try (Connection o = orders.getConnection();
             PreparedStatement ps = o.prepareStatement("INSERT INTO jx_orders (id, amount) VALUES (?, ?)")) {
            ps.setString(1, id);
            ps.setInt(2, amount);
            ps.executeUpdate();
        }
        try (Connection s = stock.getConnection();
             PreparedStatement ps = s.prepareStatement("INSERT INTO jx_stock (id, qty) VALUES (?, ?)")) {
            ps.setString(1, id);
            ps.setInt(2, amount);
            ps.executeUpdate();
        }
    }

    private static void insert(DataSource ds, String sql, String id) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    private Synchronization watcher(String who) {
        return new Synchronization() {
            @Override
            public void beforeCompletion() {
                seen.add(who + " before " + tsr.getTransactionStatus());
            }

            @Override
            public void afterCompletion(int status) {
                seen.add(who + " after " + status);
            }
        };
    }
}
