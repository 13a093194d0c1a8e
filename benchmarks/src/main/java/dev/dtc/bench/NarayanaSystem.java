package dev.dtc.bench;

import com.arjuna.ats.arjuna.common.CoreEnvironmentBeanException;
import com.arjuna.ats.arjuna.common.ObjectStoreEnvironmentBean;
import com.arjuna.ats.arjuna.common.arjPropertyManager;
import com.arjuna.ats.arjuna.coordinator.TransactionReaper;
import com.arjuna.ats.arjuna.objectstore.StoreManager;
import com.arjuna.ats.internal.arjuna.objectstore.VolatileStore;
import com.arjuna.ats.internal.arjuna.objectstore.hornetq.HornetqJournalEnvironmentBean;
import com.arjuna.ats.internal.arjuna.objectstore.hornetq.HornetqObjectStoreAdaptor;
import com.arjuna.common.internal.util.propertyservice.BeanPopulator;
import jakarta.transaction.TransactionManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.activemq.artemis.core.io.aio.AIOSequentialFileFactory;

/**
 * Narayana (ArjunaJTA, in-process) with its default file store, its journal store, or its in-memory
 * {@link VolatileStore} (no durability: the ceiling of Narayana's own bookkeeping).
 *
 * <p>Narayana keeps its configuration in JVM-wide property beans that are read once, when the
 * first transaction touches the store; so this must run before anything else uses Narayana,
 * and only once per JVM — which is why every configuration gets its own child JVM.
 */
final class NarayanaSystem implements TransactionSystem {

    /** Store names Narayana looks up besides the default (action) store. */
    private static final String[] NAMED_STORES = {"communicationStore", "stateStore"};

    private final String description;
    private final TransactionManager transactionManager;

    /** Which action store Narayana writes its transaction records to. */
    enum Store {
        FILE, JOURNAL, VOLATILE
    }

    NarayanaSystem(Path storeDirectory, Store store) throws CoreEnvironmentBeanException {
        arjPropertyManager.getCoreEnvironmentBean().setNodeIdentifier("bench");
        arjPropertyManager.getCoordinatorEnvironmentBean().setDefaultTimeout(60);

        ObjectStoreEnvironmentBean actionStore = BeanPopulator.getDefaultInstance(ObjectStoreEnvironmentBean.class);
        actionStore.setObjectStoreDir(storeDirectory.toString());
        for (String name : NAMED_STORES) {
            BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, name)
                    .setObjectStoreDir(storeDirectory.toString());
        }
        // The brief is "durable logging on for both": we do not switch sync on, we check that
        // Narayana's default (transactionSync = ON in its bundled jbossts-properties.xml) holds,
        // and refuse to measure a store that does not force.
        if (!actionStore.isTransactionSync()) {
            throw new IllegalStateException("Narayana's ObjectStoreEnvironmentBean.transactionSync is false:"
                    + " its file store would not force writes; remove the override before benchmarking");
        }

        if (store == Store.JOURNAL) {
            actionStore.setObjectStoreType(HornetqObjectStoreAdaptor.class.getName());
            HornetqJournalEnvironmentBean journalBean =
                    BeanPopulator.getDefaultInstance(HornetqJournalEnvironmentBean.class);
            journalBean.setStoreDir(storeDirectory.resolve("journal").toString());
            // Both are Narayana's defaults already; set them so the run cannot silently
            // inherit a non-durable override from a properties file on the class path.
            journalBean.setSyncWrites(true);
            journalBean.setSyncDeletes(true);
            this.description = "Narayana " + narayanaVersion() + ", HornetqObjectStoreAdaptor (Artemis journal "
                    + artemisVersion() + ", " + journalIo(journalBean) + "), syncWrites="
                    + journalBean.isSyncWrites() + " syncDeletes=" + journalBean.isSyncDeletes()
                    + ", in " + journalBean.getStoreDir();
        } else if (store == Store.VOLATILE) {
            // The action store only: the named stores hold nothing a two-phase commit of XA resources writes.
            actionStore.setObjectStoreType(VolatileStore.class.getName());
            this.description = "Narayana " + narayanaVersion() + ", " + volatileStoreInUse()
                    + " (in memory, no durability)";
        } else {
            this.description = "Narayana " + narayanaVersion() + ", " + simpleName(actionStore.getObjectStoreType())
                    + ", transactionSync=" + actionStore.isTransactionSync()
                    + ", in " + actionStore.getObjectStoreDir();
        }
        this.transactionManager = com.arjuna.ats.jta.TransactionManager.transactionManager();
    }

    /**
     * The store Narayana actually opened, checked to be the volatile one: a property file on the class path or a
     * bean read before ours could otherwise leave the run on a durable store while the report says volatile.
     */
    private static String volatileStoreInUse() {
        Object opened = StoreManager.getRecoveryStore();
        if (!(opened instanceof VolatileStore)) {
            throw new IllegalStateException("Narayana opened " + (opened == null ? "no store" : opened.getClass().getName())
                    + " as its action store, not VolatileStore: narayana-volatile would not measure what it says;"
                    + " remove the objectStoreType override (a jbossts-properties.xml or -D option) before benchmarking");
        }
        return opened.getClass().getSimpleName();
    }

    private static String journalIo(HornetqJournalEnvironmentBean bean) {
        // HornetqJournalStore takes libaio when asked for and loadable, else falls back to NIO
        // (and warns); say which one this run got, since the two write and force differently.
        // Artemis loads its libaio wrapper only from java.library.path (the .so sits in the jar
        // under lib/linux-x86_64 but is not extracted), so by default it is NIO; see the README.
        if (bean.isAsyncIO() && AIOSequentialFileFactory.isSupported()) {
            return "libaio";
        }
        return "NIO";
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    private static String narayanaVersion() {
        return mavenVersion("org.jboss.narayana.jta", "narayana-jta");
    }

    private static String artemisVersion() {
        return mavenVersion("org.apache.activemq", "artemis-journal");
    }

    /** The version Maven recorded in the jar, since neither jar carries an Implementation-Version. */
    private static String mavenVersion(String groupId, String artifactId) {
        String resource = "/META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
        try (InputStream in = NarayanaSystem.class.getResourceAsStream(resource)) {
            if (in == null) {
                return "(version unknown)";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "(version unknown)");
        } catch (IOException e) {
            return "(version unknown)";
        }
    }

    @Override
    public TransactionManager transactionManager() {
        return transactionManager;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        TransactionReaper.terminate(false);
        // closes the store (for the journal: stops its writer threads) before the directory is deleted
        StoreManager.shutdown();
    }
}
