package dev.dtc.xa;

import dev.dtc.Recovery;
import javax.sql.XADataSource;

/**
 * Registers XA data sources with a {@link Recovery}, so in-doubt branches in them are found and finished after a
 * crash.
 *
 * <pre>{@code
 * PGXADataSource orders = XaDataSources.postgres(url, user, password);
 * RecoveryConnection recovery = XaRecovery.register(service.recovery(), "orders-db", orders);
 * ...
 * recovery.close(); // at shutdown: unregisters and closes its connection
 * }</pre>
 *
 * <p>Register the data source that the transactions use, with the same user and database: PostgreSQL shows a
 * session only the prepared transactions of its own database whose owner it is a member of.
 */
public final class XaRecovery {

    private XaRecovery() {
    }

    /**
     * Registers {@code dataSource} under {@code name}; recovery will scan it through one connection that is reopened
     * whenever it stopped answering.
     *
     * @throws IllegalArgumentException if {@code recovery} refuses the name (blank or already registered)
     */
    public static RecoveryConnection register(Recovery recovery, String name, XADataSource dataSource) {
        RecoveryConnection connection = new RecoveryConnection(name, dataSource, () -> recovery.unregister(name));
        recovery.register(name, connection);
        return connection;
    }
}
