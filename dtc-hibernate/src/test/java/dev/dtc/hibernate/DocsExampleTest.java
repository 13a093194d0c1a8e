package dev.dtc.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dtc.TransactionService;
import dev.dtc.xa.TransactionalDataSource;
import dev.dtc.xa.XaDataSources;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Persistence;
import jakarta.transaction.UserTransaction;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Hibernate example of docs/hibernate-and-javax.md, line for line (only URLs, credentials, the log directory,
 * the dialect and row ids come from the fixture), so the page cannot drift from the code.
 */
class DocsExampleTest {

    @TempDir
    Path logDir;

    @Test
    void theDocumentedExampleCommitsOneEntityInEachDatabase() throws Exception {
        HibernateDatabases dbs = new HibernateDatabases();
        String pgUrl = dbs.pg.jdbcUrl(HibernateDatabases.DB);
        String myUrl = dbs.my.jdbcUrl(HibernateDatabases.DB);
        String mariaDbDialect = dbs.mysqlDialect();
        String id = "docs-" + UUID.randomUUID();

        // --- docs begin
        try (TransactionService dtc = TransactionService.builder()
                     .nodeName("shop-1")
                     .logDirectory(logDir)
                     .build();
             TransactionalDataSource ordersDb = XaDataSources.postgres(dtc, pgUrl, dbs.pg.user(), dbs.pg.password());
             TransactionalDataSource stockDb = XaDataSources.mysql(dtc, myUrl, dbs.my.user(), dbs.my.password())) {
            EntityManagerFactory orders = Persistence.createEntityManagerFactory("orders", Map.of(
                    "jakarta.persistence.jtaDataSource", ordersDb,
                    "hibernate.transaction.jta.platform", "dtc"));
            EntityManagerFactory stock = Persistence.createEntityManagerFactory("stock", Map.of(
                    "jakarta.persistence.jtaDataSource", stockDb,
                    "hibernate.transaction.jta.platform", "dtc",
                    "hibernate.dialect", mariaDbDialect));
            try {
                UserTransaction ut = dtc.userTransaction();
                ut.begin();
                EntityManager o = orders.createEntityManager();   // joins the JTA transaction
                EntityManager s = stock.createEntityManager();
                o.persist(new PurchaseOrder(id, 42));
                s.persist(new StockItem(id, 7));
                ut.commit();   // Hibernate flushes both; dtc prepares both, logs the decision, commits both
                o.close();
                s.close();
            } finally {
                orders.close();
                stock.close();
            }
        }
        // --- docs end

        assertThat(dbs.orderAmount(id)).contains(42);
        assertThat(dbs.stockQty(id)).contains(7);
        assertThat(dbs.pgPrepared("shop-1")).isEmpty();
        assertThat(dbs.myPrepared("shop-1")).isEmpty();
    }
}
