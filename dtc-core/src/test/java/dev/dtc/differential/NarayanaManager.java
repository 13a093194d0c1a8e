package dev.dtc.differential;

import com.arjuna.ats.arjuna.common.CoordinatorEnvironmentBean;
import com.arjuna.ats.arjuna.common.CoreEnvironmentBean;
import com.arjuna.ats.arjuna.common.CoreEnvironmentBeanException;
import com.arjuna.ats.arjuna.common.ObjectStoreEnvironmentBean;
import com.arjuna.ats.internal.jta.transaction.arjunacore.TransactionSynchronizationRegistryImple;
import com.arjuna.common.internal.util.propertyservice.BeanPopulator;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.UserTransaction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Narayana, the reference. It is a JVM-wide singleton configured through property beans, so it
 * is configured once, before its first use, and shared by all scenarios; {@link #close()} only
 * cleans up the calling thread.
 */
final class NarayanaManager implements ManagerUnderTest {

    private static boolean configured;

    private final TransactionManager tm;
    private final UserTransaction ut;
    private final TransactionSynchronizationRegistry tsr;

    NarayanaManager() {
        configureOnce();
        tm = com.arjuna.ats.jta.TransactionManager.transactionManager();
        ut = com.arjuna.ats.jta.UserTransaction.userTransaction();
        tsr = new TransactionSynchronizationRegistryImple();
    }

    /**
     * Object stores in a fresh directory (Narayana writes the commit records of 2PC transactions
     * there; the default would be the working directory), a node identifier so it does not warn,
     * and the same default timeout as the dtc side.
     */
    private static synchronized void configureOnce() {
        if (configured) {
            return;
        }
        Path store;
        try {
            Path target = Path.of("target");
            store = Files.createTempDirectory(Files.isDirectory(target) ? target : Path.of(System.getProperty("java.io.tmpdir")),
                    "narayana-store-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Narayana's object store directory", e);
        }
        String dir = store.toAbsolutePath().toString();
        BeanPopulator.getDefaultInstance(ObjectStoreEnvironmentBean.class).setObjectStoreDir(dir);
        BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, "communicationStore").setObjectStoreDir(dir);
        BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, "stateStore").setObjectStoreDir(dir);
        try {
            BeanPopulator.getDefaultInstance(CoreEnvironmentBean.class).setNodeIdentifier("narayana-diff");
        } catch (CoreEnvironmentBeanException e) {
            throw new IllegalStateException("Narayana refused the node identifier", e);
        }
        BeanPopulator.getDefaultInstance(CoordinatorEnvironmentBean.class).setDefaultTimeout(60);
        configured = true;
    }

    @Override
    public String name() {
        return "narayana";
    }

    @Override
    public TransactionManager transactionManager() {
        return tm;
    }

    @Override
    public UserTransaction userTransaction() {
        return ut;
    }

    @Override
    public TransactionSynchronizationRegistry registry() {
        return tsr;
    }

    @Override
    public void close() {
        ManagerUnderTest.resetThread(tm);
    }
}
