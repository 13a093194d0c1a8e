package dev.dtc.javax;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dtc.TransactionService;
import dev.dtc.xa.TransactionalDataSource;
import dev.dtc.xa.XaDataSources;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.UUID;
import javax.transaction.Status;
import javax.transaction.Synchronization;
import javax.transaction.TransactionManager;
import javax.transaction.UserTransaction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The javax example of docs/hibernate-and-javax.md, line for line (only URLs, credentials, the log directory and
 * row ids come from the fixture), so the page cannot drift from the code.
 */
class DocsExampleTest {

    @TempDir
    Path logDir;

    @Test
    void theDocumentedExampleCommitsInBothDatabases() throws Exception {
        JavaxDatabases dbs = new JavaxDatabases();
        String pgUrl = dbs.pg.jdbcUrl(JavaxDatabases.DB);
        String myUrl = dbs.my.jdbcUrl(JavaxDatabases.DB);
        String id = "docs-" + UUID.randomUUID();

        // --- docs begin
        try (TransactionService dtc = TransactionService.builder()
                     .nodeName("legacy-1")
                     .logDirectory(logDir)
                     .build();
             TransactionalDataSource orders = XaDataSources.postgres(dtc, pgUrl, dbs.pg.user(), dbs.pg.password());
             TransactionalDataSource stock = XaDataSources.mysql(dtc, myUrl, dbs.my.user(), dbs.my.password())) {
            DtcJavax jta = DtcJavax.of(dtc);
            UserTransaction ut = jta.userTransaction();
            TransactionManager tm = jta.transactionManager();

            ut.begin();
            tm.getTransaction().registerSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    System.out.println(status == Status.STATUS_COMMITTED ? "order placed" : "order not placed");
                }
            });
            try (Connection o = orders.getConnection(); Connection s = stock.getConnection();
                 PreparedStatement order = o.prepareStatement("INSERT INTO jx_orders (id, amount) VALUES (?, 42)");
                 PreparedStatement item = s.prepareStatement("INSERT INTO jx_stock (id, qty) VALUES (?, 7)")) {
                order.setString(1, id);
                order.executeUpdate();
                item.setString(1, id);
                item.executeUpdate();
            }
            ut.commit();   // javax.transaction.RollbackException etc. if it does not commit
        }
        // --- docs end

        assertThat(dbs.orderAmount(id)).contains(42);
        assertThat(dbs.stockQty(id)).contains(7);
        assertThat(dbs.pgPrepared("legacy-1")).isEmpty();
        assertThat(dbs.myPrepared("legacy-1")).isEmpty();
    }
}
