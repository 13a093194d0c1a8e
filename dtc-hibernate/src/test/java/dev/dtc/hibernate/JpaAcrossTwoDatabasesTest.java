package dev.dtc.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dtc.TransactionService;
import dev.dtc.audit.AuditEvent;
import dev.dtc.audit.EventType;
import dev.dtc.xa.TransactionalDataSource;
import dev.dtc.xa.XaDataSources;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Persistence;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.UserTransaction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two JTA persistence units, one entity in PostgreSQL and one in MariaDB, on dtc through {@link DtcJtaPlatform}:
 * the "orders" unit is given {@code DtcJtaPlatform.of(service)}, the "stock" unit names the platform by its short
 * name and the node by {@code dtc.node}, as a Spring Boot or persistence.xml configuration would. Outcomes are
 * read back with plain JDBC.
 */
class JpaAcrossTwoDatabasesTest {
    private static final String NODE = "hib-it";
    static HibernateDatabases dbs;

    @TempDir
    Path logDir;
    TransactionService dtc;
    TransactionalDataSource ordersDs;
    TransactionalDataSource stockDs;
    EntityManagerFactory orders;
    EntityManagerFactory stock;
    UserTransaction ut;
    final List<AuditEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void databases() throws Exception {
        dbs = new HibernateDatabases();
    }

    @BeforeEach
    void start() throws Exception {
        dtc = TransactionService.builder().nodeName(NODE).logDirectory(logDir).defaultTimeout(Duration.ofSeconds(30))
                .recoveryInterval(Duration.ZERO).auditListener(events::add).build();
        ordersDs = XaDataSources.postgres(dtc, dbs.pg.jdbcUrl(HibernateDatabases.DB), dbs.pg.user(), dbs.pg.password());
        stockDs = XaDataSources.mysql(dtc, dbs.my.jdbcUrl(HibernateDatabases.DB), dbs.my.user(), dbs.my.password());

        Map<String, Object> ordersSettings = new HashMap<>();
        ordersSettings.put("jakarta.persistence.jtaDataSource", ordersDs);
        ordersSettings.put("hibernate.transaction.jta.platform", DtcJtaPlatform.of(dtc));
        orders = Persistence.createEntityManagerFactory("orders", ordersSettings);

        Map<String, Object> stockSettings = new HashMap<>();
        stockSettings.put("jakarta.persistence.jtaDataSource", stockDs);
        stockSettings.put("hibernate.transaction.jta.platform", "dtc");
        stockSettings.put(DtcJtaPlatform.NODE_SETTING, NODE);
        stockSettings.put("hibernate.dialect", dbs.mysqlDialect());
        stock = Persistence.createEntityManagerFactory("stock", stockSettings);
        ut = dtc.userTransaction();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (dtc.transactionManager().getTransaction() != null) {
                dtc.transactionManager().rollback(); // a failed test must not leave its transaction to the next
            }
        } finally {
            orders.close();
            stock.close();
            ordersDs.close();
            stockDs.close();
            dtc.close();
        }
        assertThat(dbs.pgPrepared(NODE)).as("prepared branches left in PostgreSQL").isEmpty();
        assertThat(dbs.myPrepared(NODE)).as("prepared branches left in MariaDB").isEmpty();
    }

    @Test
    void oneEntityInEachDatabaseCommitsAtomically() throws Exception {
        String id = "commit-" + UUID.randomUUID();
        ut.begin();
        EntityManager o = orders.createEntityManager();
        EntityManager s = stock.createEntityManager();
        o.persist(new PurchaseOrder(id, 42));
        s.persist(new StockItem(id, 7));
        // no flush: Hibernate flushes both units in beforeCompletion, through the platform's synchronizations
        assertThat(dbs.orderAmount(id)).as("nothing written before commit").isEmpty();
        ut.commit();
        o.close();
        s.close();

        assertThat(dbs.orderAmount(id)).contains(42);
        assertThat(dbs.stockQty(id)).contains(7);
        assertThat(events).extracting(AuditEvent::type).as("two branches: a two-phase commit with a logged decision")
                .contains(EventType.PREPARE_SENT, EventType.DECISION_FORCED);
    }

    @Test
    void rollbackAfterFlushingBothLeavesNeither() throws Exception {
        String id = "rollback-" + UUID.randomUUID();
        ut.begin();
        EntityManager o = orders.createEntityManager();
        EntityManager s = stock.createEntityManager();
        o.persist(new PurchaseOrder(id, 42));
        s.persist(new StockItem(id, 7));
        o.flush();
        s.flush(); // both INSERTs have reached their databases
        ut.rollback();
        o.close();
        s.close();

        assertThat(dbs.orderAmount(id)).isEmpty();
        assertThat(dbs.stockQty(id)).isEmpty();
    }

    @Test
    void aFlushFailingInOneDatabaseRollsBackTheOther() throws Exception {
        String id = "dup-" + UUID.randomUUID();
        dbs.insertStock(id, 1); // the stock INSERT below hits its primary key
        ut.begin();
        EntityManager o = orders.createEntityManager();
        EntityManager s = stock.createEntityManager();
        o.persist(new PurchaseOrder(id, 42));
        o.flush(); // the order is in PostgreSQL's branch
        s.persist(new StockItem(id, 7));
        assertThatThrownBy(s::flush).isInstanceOf(PersistenceException.class);
        assertThat(ut.getStatus()).as("Hibernate marks the JTA transaction").isEqualTo(Status.STATUS_MARKED_ROLLBACK);
        assertThatThrownBy(ut::commit).isInstanceOf(RollbackException.class);
        o.close();
        s.close();

        assertThat(dbs.orderAmount(id)).as("the order rolled back with the failed stock row").isEmpty();
        assertThat(dbs.stockQty(id)).as("the row that was there is untouched").contains(1);
    }

    @Test
    void aFlushFailingAtCommitRollsBackBoth() throws Exception {
        String id = "dup-late-" + UUID.randomUUID();
        dbs.insertStock(id, 1);
        ut.begin();
        EntityManager o = orders.createEntityManager();
        EntityManager s = stock.createEntityManager();
        o.persist(new PurchaseOrder(id, 42));
        s.persist(new StockItem(id, 7));
        // both flushes happen in beforeCompletion; the stock one fails there, so nothing may commit
        assertThatThrownBy(ut::commit).isInstanceOf(RollbackException.class)
                .rootCause().hasMessageContaining(id);
        o.close();
        s.close();

        assertThat(dbs.orderAmount(id)).isEmpty();
        assertThat(dbs.stockQty(id)).contains(1);
        assertThat(events).extracting(AuditEvent::type).doesNotContain(EventType.DECISION_FORCED);
    }

    @Test
    void aUnitNamingNoNodeIsRefusedAtBootstrapWhileTwoServicesAreOpen() {
        try (TransactionService other = TransactionService.builder().nodeName("hib-it-other")
                .logDirectory(logDir.resolve("other")).recoveryInterval(Duration.ZERO).build()) {
            Map<String, Object> settings = new HashMap<>();
            settings.put("jakarta.persistence.jtaDataSource", stockDs);
            settings.put("hibernate.transaction.jta.platform", DtcJtaPlatform.class.getName());
            assertThatThrownBy(() -> Persistence.createEntityManagerFactory("stock", settings).close())
                    .rootCause().isInstanceOf(dev.dtc.ConfigurationException.class)
                    .hasMessageContaining("2 dtc TransactionServices are open in this JVM ([hib-it, hib-it-other])")
                    .hasMessageContaining("set dtc.node");

            settings.put(DtcJtaPlatform.NODE_SETTING, "hib-it-other");
            EntityManagerFactory named = Persistence.createEntityManagerFactory("stock", settings);
            try {
                // this unit's platform is the other service's: a transaction of hib-it is not its transaction
                EntityManager em = named.createEntityManager();
                other.userTransaction().begin();
                em.joinTransaction();
                assertThat(em.isJoinedToTransaction()).isTrue();
                other.userTransaction().rollback();
                em.close();
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                named.close();
            }
        }
    }

    @Test
    void entitiesReadInTheTransactionSeeItsOwnWrites() throws Exception {
        String id = "read-" + UUID.randomUUID();
        ut.begin();
        EntityManager o = orders.createEntityManager();
        o.persist(new PurchaseOrder(id, 5));
        o.flush();
        o.clear();
        assertThat(o.find(PurchaseOrder.class, id).getAmount()).isEqualTo(5);
        ut.commit();
        o.close();
        assertThat(dbs.orderAmount(id)).contains(5);
    }
}
