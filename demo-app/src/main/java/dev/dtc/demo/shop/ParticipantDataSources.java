package dev.dtc.demo.shop;

import dev.dtc.TransactionService;
import dev.dtc.xa.RecoveryConnection;
import dev.dtc.xa.XaDataSources;
import dev.dtc.xa.XaRecovery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import javax.sql.XADataSource;

/**
 * The three participants' transactional data sources: inside a transaction of the service, a connection from one
 * of them is enlisted automatically; outside, it is an ordinary auto-commit connection. Each is also registered
 * with the service's recovery, so a branch a crash left prepared in its database is found and finished.
 */
public final class ParticipantDataSources implements AutoCloseable {

    private final DataSource orders;
    private final DataSource inventory;
    private final DataSource payments;
    private final Map<String, String> participantsByRecoveryName;
    private final List<AutoCloseable> closeables;

    private ParticipantDataSources(DataSource orders, DataSource inventory, DataSource payments,
                                   Map<String, String> participantsByRecoveryName, List<AutoCloseable> closeables) {
        this.orders = orders;
        this.inventory = inventory;
        this.payments = payments;
        this.participantsByRecoveryName = participantsByRecoveryName;
        this.closeables = closeables;
    }

    /**
     * Opens the three data sources; each checks its server can take part in two-phase commit (a PostgreSQL with
     * {@code max_prepared_transactions = 0} is refused with a message that says how to fix it).
     */
    public static ParticipantDataSources open(TransactionService dtc, ServerAddress postgres, ServerAddress mysql,
                                              DatabaseNames names) {
        List<AutoCloseable> closeables = new ArrayList<>();
        Map<String, String> recoveryNames = new LinkedHashMap<>();
        DataSource orders = open(dtc, Shop.ORDERS, XaDataSources.postgres(postgres.jdbcUrl(names.orders()),
                postgres.user(), postgres.password()), closeables, recoveryNames);
        DataSource inventory = open(dtc, Shop.INVENTORY, XaDataSources.mysql(mysql.jdbcUrl(names.inventory()),
                mysql.user(), mysql.password()), closeables, recoveryNames);
        DataSource payments = open(dtc, Shop.PAYMENTS, XaDataSources.postgres(postgres.jdbcUrl(names.payments()),
                postgres.user(), postgres.password()), closeables, recoveryNames);
        return new ParticipantDataSources(orders, inventory, payments, recoveryNames, closeables);
    }

    private static DataSource open(TransactionService dtc, String participant, XADataSource xa,
                                   List<AutoCloseable> closeables, Map<String, String> recoveryNames) {
        InterimEnlistingDataSource ds = new InterimEnlistingDataSource(xa, dtc.transactionManager());
        RecoveryConnection recovery = XaRecovery.register(dtc.recovery(), participant, xa);
        closeables.add(ds);
        closeables.add(recovery);
        recoveryNames.put(participant, participant);
        return ds;
    }

    public DataSource orders() {
        return orders;
    }

    public DataSource inventory() {
        return inventory;
    }

    public DataSource payments() {
        return payments;
    }

    /** The names the data sources are registered under with recovery, and the participant each belongs to. */
    public Map<String, String> participantsByRecoveryName() {
        return participantsByRecoveryName;
    }

    @Override
    public void close() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                // closing at the end of a command: nothing left to protect
            }
        }
    }
}
