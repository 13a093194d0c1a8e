package dev.dtc.hibernate;

import dev.dtc.ConfigurationException;
import dev.dtc.TransactionService;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.SystemException;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.UserTransaction;
import java.util.Map;
import java.util.Objects;
import org.hibernate.engine.transaction.jta.platform.spi.JtaPlatform;
import org.hibernate.service.spi.Configurable;

/**
 * Hibernate ORM's view of a dtc {@link TransactionService}: its transaction manager, user transaction, and its
 * synchronization registry for Hibernate's before/after-completion work (flush, cache, close).
 *
 * <p>Named by class, Hibernate creates it with no arguments and then hands it its settings:
 * <pre>
 * hibernate.transaction.jta.platform = dev.dtc.hibernate.DtcJtaPlatform   (or the short name: dtc)
 * dtc.node                           = node-1                              (optional)
 * </pre>
 * It then uses the open {@link TransactionService} of this JVM named by {@value #NODE_SETTING}
 * ({@link TransactionService#open(String)}), or, without that setting, the only one open. It looks the service up
 * on each use, so a service closed and built again under the same node name is picked up; one closed for good
 * gives a clear error. For code that holds the service, {@link #of(TransactionService)} makes a platform bound to
 * that instance, to put into the settings map as {@code hibernate.transaction.jta.platform}.
 *
 * <p>Hibernate's synchronizations are registered as interposed ones (Jakarta Transactions 3.7), so they run
 * after the application's own {@code beforeCompletion} and before its {@code afterCompletion}, as the
 * specification asks of persistence providers.
 */
public final class DtcJtaPlatform implements JtaPlatform, Configurable {

    /** The setting naming the node of the {@link TransactionService} to use: {@value}. */
    public static final String NODE_SETTING = "dtc.node";

    /** Set by {@link #of}: the service this platform is bound to; null when it looks its service up by name. */
    private final TransactionService bound;
    /** The node name chosen by {@link #configure}, in lookup mode. */
    private volatile String node;

    /** For Hibernate, which creates the platform by class name; {@link #configure} then picks the service. */
    public DtcJtaPlatform() {
        this.bound = null;
    }

    private DtcJtaPlatform(TransactionService service) {
        this.bound = service;
        this.node = service.nodeName();
    }

    /** A platform bound to this service, for Hibernate's settings map under {@code hibernate.transaction.jta.platform}. */
    public static DtcJtaPlatform of(TransactionService service) {
        if (service == null) {
            throw new ConfigurationException("DtcJtaPlatform.of needs a TransactionService, got null");
        }
        return new DtcJtaPlatform(service);
    }

    /**
     * Called by Hibernate with its settings before first use: chooses the service, or refuses with what to fix
     * (so a misconfigured persistence unit fails at bootstrap, not at its first transaction).
     */
    @Override
    public void configure(Map<String, Object> settings) {
        Object named = settings == null ? null : settings.get(NODE_SETTING);
        if (named != null && !(named instanceof String)) {
            throw new ConfigurationException(NODE_SETTING + " must be a node name (a String), was a "
                    + named.getClass().getName());
        }
        String wanted = named == null || ((String) named).isBlank() ? null : ((String) named).strip();
        if (bound != null) {
            if (wanted != null && !wanted.equals(bound.nodeName())) {
                throw new ConfigurationException(NODE_SETTING + " is '" + wanted + "' but the JtaPlatform was made with"
                        + " DtcJtaPlatform.of(the service of node '" + bound.nodeName() + "'): remove the setting or"
                        + " make them agree");
            }
            return;
        }
        node = OpenServices.choose(wanted).nodeName();
    }

    /** The service in use now. */
    TransactionService service() {
        if (bound != null) {
            return bound;
        }
        String n = node;
        if (n == null) {
            // created by name but never configured (not through Hibernate's service registry): as with no setting
            n = OpenServices.choose(null).nodeName();
            node = n;
        }
        return OpenServices.stillOpen(n);
    }

    @Override
    public TransactionManager retrieveTransactionManager() {
        return service().transactionManager();
    }

    @Override
    public UserTransaction retrieveUserTransaction() {
        return service().userTransaction();
    }

    /** The transaction object itself: dtc makes one per transaction, so identity is the transaction's. */
    @Override
    public Object getTransactionIdentifier(Transaction transaction) {
        return transaction;
    }

    @Override
    public boolean canRegisterSynchronization() {
        return service().synchronizationRegistry().getTransactionStatus() == Status.STATUS_ACTIVE;
    }

    @Override
    public void registerSynchronization(Synchronization synchronization) {
        service().synchronizationRegistry().registerInterposedSynchronization(synchronization);
    }

    @Override
    public int getCurrentStatus() throws SystemException {
        return service().transactionManager().getStatus();
    }

    @Override
    public String toString() {
        return "DtcJtaPlatform[" + Objects.requireNonNullElse(node, "not configured") + (bound != null ? ", bound" : "") + "]";
    }
}
