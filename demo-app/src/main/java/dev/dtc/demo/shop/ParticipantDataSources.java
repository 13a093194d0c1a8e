package dev.dtc.demo.shop;

import dev.dtc.TransactionService;
import dev.dtc.xa.PoolSettings;
import dev.dtc.xa.PoolStats;
import dev.dtc.xa.TransactionalDataSource;
import dev.dtc.xa.XaDataSources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The three participants' pooled transactional data sources (xa-adapters' {@link TransactionalDataSource}): inside
 * a transaction of the service, {@code getConnection()} enlists the connection by itself; outside, it is an
 * ordinary auto-commit pool. Each is registered with the service's recovery under its participant's name, so a
 * branch a crash left prepared in its database is found and finished.
 */
public final class ParticipantDataSources implements AutoCloseable {

    private final TransactionalDataSource orders;
    private final TransactionalDataSource inventory;
    private final TransactionalDataSource payments;

    private ParticipantDataSources(TransactionalDataSource orders, TransactionalDataSource inventory,
                                   TransactionalDataSource payments) {
        this.orders = orders;
        this.inventory = inventory;
        this.payments = payments;
    }

    /**
     * Opens the three pools; each first checks its server can take part in two-phase commit (a PostgreSQL with
     * {@code max_prepared_transactions = 0} is refused with a message that says how to fix it).
     *
     * @param maxConnections  the most connections each pool opens
     * @param acquireTimeout  how long {@code getConnection()} waits for a free connection
     */
    public static ParticipantDataSources open(TransactionService dtc, ServerAddress postgres, ServerAddress mysql,
                                              DatabaseNames names, int maxConnections, Duration acquireTimeout) {
        List<TransactionalDataSource> opened = new ArrayList<>();
        try {
            TransactionalDataSource orders = XaDataSources.postgres(dtc, postgres.jdbcUrl(names.orders()),
                    postgres.user(), postgres.password(), settings(Shop.ORDERS, maxConnections, acquireTimeout));
            opened.add(orders);
            TransactionalDataSource inventory = XaDataSources.mysql(dtc, mysql.jdbcUrl(names.inventory()),
                    mysql.user(), mysql.password(), settings(Shop.INVENTORY, maxConnections, acquireTimeout));
            opened.add(inventory);
            TransactionalDataSource payments = XaDataSources.postgres(dtc, postgres.jdbcUrl(names.payments()),
                    postgres.user(), postgres.password(), settings(Shop.PAYMENTS, maxConnections, acquireTimeout));
            return new ParticipantDataSources(orders, inventory, payments);
        } catch (RuntimeException e) {
            opened.forEach(TransactionalDataSource::close);
            throw e;
        }
    }

    private static PoolSettings settings(String participant, int maxConnections, Duration acquireTimeout) {
        return PoolSettings.builder().name(participant).maxSize(maxConnections).acquireTimeout(acquireTimeout).build();
    }

    public TransactionalDataSource orders() {
        return orders;
    }

    public TransactionalDataSource inventory() {
        return inventory;
    }

    public TransactionalDataSource payments() {
        return payments;
    }

    /** The names the data sources are registered under with recovery, and the participant each belongs to. */
    public Map<String, String> participantsByRecoveryName() {
        Map<String, String> names = new LinkedHashMap<>();
        names.put(orders.name(), Shop.ORDERS);
        names.put(inventory.name(), Shop.INVENTORY);
        names.put(payments.name(), Shop.PAYMENTS);
        return names;
    }

    /** Each pool's counters now, by participant. */
    public Map<String, PoolStats> stats() {
        Map<String, PoolStats> stats = new LinkedHashMap<>();
        stats.put(Shop.ORDERS, orders.stats());
        stats.put(Shop.INVENTORY, inventory.stats());
        stats.put(Shop.PAYMENTS, payments.stats());
        return stats;
    }

    @Override
    public void close() {
        payments.close();
        inventory.close();
        orders.close();
    }
}
