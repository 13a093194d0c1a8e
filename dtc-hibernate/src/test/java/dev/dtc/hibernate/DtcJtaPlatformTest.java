package dev.dtc.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dtc.ConfigurationException;
import dev.dtc.TransactionService;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the platform finds its service, what it refuses, and the synchronizations it registers for Hibernate. */
class DtcJtaPlatformTest {

    @TempDir
    Path dir;

    private TransactionService service(String node) {
        return TransactionService.builder().nodeName(node).logDirectory(dir.resolve(node)).recoveryInterval(Duration.ZERO)
                .logSegmentBytes(1024 * 1024).build();
    }

    private static DtcJtaPlatform configured(Map<String, Object> settings) {
        DtcJtaPlatform p = new DtcJtaPlatform();
        p.configure(settings);
        return p;
    }

    @Test
    void withNoServiceOpenItSaysToBuildOneFirst() {
        assertThat(TransactionService.allOpen()).as("precondition: no service left open by another test").isEmpty();
        assertThatThrownBy(() -> configured(Map.of())).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no dtc TransactionService is open in this JVM")
                .hasMessageContaining("DtcJtaPlatform.of(service)");
    }

    @Test
    void withOneServiceOpenItUsesThatOne() throws Exception {
        try (TransactionService dtc = service("plat-one")) {
            DtcJtaPlatform p = configured(Map.of());
            assertThat(p.retrieveTransactionManager()).isSameAs(dtc.transactionManager());
            assertThat(p.retrieveUserTransaction()).isSameAs(dtc.userTransaction());
            assertThat(p.getCurrentStatus()).isEqualTo(Status.STATUS_NO_TRANSACTION);
        }
    }

    @Test
    void withSeveralOpenTheNodeSettingChoosesAndWithoutItTheyAreRefused() {
        try (TransactionService a = service("plat-a"); TransactionService b = service("plat-b")) {
            assertThatThrownBy(() -> configured(Map.of())).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("2 dtc TransactionServices are open in this JVM ([plat-a, plat-b])")
                    .hasMessageContaining("set dtc.node");
            assertThat(configured(Map.of("dtc.node", "plat-b")).retrieveTransactionManager()).isSameAs(b.transactionManager());
            assertThat(configured(Map.of("dtc.node", " plat-a ")).retrieveTransactionManager()).isSameAs(a.transactionManager());
            assertThatThrownBy(() -> configured(Map.of("dtc.node", "plat-c"))).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("no dtc TransactionService with node name 'plat-c' is open")
                    .hasMessageContaining("open: [plat-a, plat-b]");
            assertThatThrownBy(() -> configured(Map.of("dtc.node", 42))).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("dtc.node must be a node name (a String), was a java.lang.Integer");
        }
    }

    @Test
    void aPlatformMadeWithOfKeepsItsServiceAndRefusesAContradictingNodeSetting() {
        try (TransactionService a = service("plat-a"); TransactionService b = service("plat-b")) {
            DtcJtaPlatform p = DtcJtaPlatform.of(a);
            p.configure(Map.of()); // several open: no matter, it is bound
            p.configure(Map.of("dtc.node", "plat-a"));
            assertThat(p.retrieveTransactionManager()).isSameAs(a.transactionManager());
            assertThatThrownBy(() -> p.configure(Map.of("dtc.node", "plat-b"))).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("dtc.node is 'plat-b'")
                    .hasMessageContaining("node 'plat-a'");
        }
        assertThatThrownBy(() -> DtcJtaPlatform.of(null)).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void aClosedServiceIsReportedAndOneBuiltAgainUnderItsNameIsPickedUp() {
        DtcJtaPlatform p;
        try (TransactionService first = service("plat-again")) {
            p = configured(Map.of("dtc.node", "plat-again"));
            assertThat(p.retrieveTransactionManager()).isSameAs(first.transactionManager());
        }
        assertThatThrownBy(p::retrieveTransactionManager).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'plat-again'").hasMessageContaining("has been closed");
        try (TransactionService second = service("plat-again")) {
            assertThat(p.retrieveTransactionManager()).isSameAs(second.transactionManager());
        }
    }

    @Test
    void hibernatesSynchronizationsAreInterposedAndSeeTheOutcome() throws Exception {
        try (TransactionService dtc = service("plat-sync")) {
            DtcJtaPlatform p = DtcJtaPlatform.of(dtc);
            TransactionManager tm = dtc.transactionManager();
            assertThat(p.canRegisterSynchronization()).as("no transaction").isFalse();
            List<String> calls = new CopyOnWriteArrayList<>();
            tm.begin();
            assertThat(p.getTransactionIdentifier(tm.getTransaction())).isSameAs(tm.getTransaction());
            assertThat(p.canRegisterSynchronization()).isTrue();
            p.registerSynchronization(recording("hibernate", calls));
            tm.getTransaction().registerSynchronization(recording("application", calls));
            tm.commit();
            assertThat(calls).containsExactly("application before", "hibernate before",
                    "hibernate after " + Status.STATUS_COMMITTED, "application after " + Status.STATUS_COMMITTED);

            tm.begin();
            tm.setRollbackOnly();
            assertThat(p.canRegisterSynchronization()).as("marked rollback-only").isFalse();
            assertThat(p.getCurrentStatus()).isEqualTo(Status.STATUS_MARKED_ROLLBACK);
            tm.rollback();
        }
    }

    private static Synchronization recording(String who, List<String> calls) {
        return new Synchronization() {
            @Override
            public void beforeCompletion() {
                calls.add(who + " before");
            }

            @Override
            public void afterCompletion(int status) {
                calls.add(who + " after " + status);
            }
        };
    }
}
