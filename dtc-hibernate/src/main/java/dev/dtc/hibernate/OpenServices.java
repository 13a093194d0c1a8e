package dev.dtc.hibernate;

import dev.dtc.ConfigurationException;
import dev.dtc.TransactionService;
import java.util.List;

/** Finding the {@link TransactionService} a platform created by class name works for, with errors that say what to fix. */
final class OpenServices {

    private OpenServices() {
    }

    /** The service named {@code node}, or with {@code node} null the only open one. */
    static TransactionService choose(String node) {
        List<TransactionService> open = TransactionService.allOpen();
        if (node != null) {
            return TransactionService.open(node).orElseThrow(() -> new ConfigurationException(
                    "no dtc TransactionService with node name '" + node + "' is open in this JVM (" + DtcJtaPlatform.NODE_SETTING
                            + " names it); open: " + names(open) + ". Build the TransactionService before the"
                            + " EntityManagerFactory, or fix " + DtcJtaPlatform.NODE_SETTING));
        }
        if (open.isEmpty()) {
            throw new ConfigurationException("no dtc TransactionService is open in this JVM: build one"
                    + " (TransactionService.builder()...build()) before the EntityManagerFactory, or put"
                    + " DtcJtaPlatform.of(service) into the settings as hibernate.transaction.jta.platform");
        }
        if (open.size() > 1) {
            throw new ConfigurationException(open.size() + " dtc TransactionServices are open in this JVM (" + names(open)
                    + "): set " + DtcJtaPlatform.NODE_SETTING + " to the node name of the one Hibernate should use,"
                    + " or put DtcJtaPlatform.of(service) into the settings as hibernate.transaction.jta.platform");
        }
        return open.get(0);
    }

    /** The open service of a node chosen earlier; an error if it has been closed since. */
    static TransactionService stillOpen(String node) {
        return TransactionService.open(node).orElseThrow(() -> new IllegalStateException("the dtc TransactionService"
                + " of node '" + node + "' that Hibernate's JtaPlatform uses has been closed: close the"
                + " EntityManagerFactory before the TransactionService, or build the service again under the same name"));
    }

    private static List<String> names(List<TransactionService> open) {
        return open.stream().map(TransactionService::nodeName).toList();
    }
}
