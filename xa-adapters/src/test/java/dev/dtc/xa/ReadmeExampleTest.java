package dev.dtc.xa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dtc.TransactionService;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import javax.sql.XAConnection;
import javax.sql.XADataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's usage example, line for line (only the URLs come from the test fixture), so the
 * README cannot drift from the API.
 */
class ReadmeExampleTest {

    @TempDir
    Path logDir;

    @Test
    void theReadmeExampleCommitsInBothDatabases() throws Exception {
        OrderDatabases dbs = new OrderDatabases();
        String id = "readme-" + UUID.randomUUID();
        String pgUrl = dbs.pg.jdbcUrl(OrderDatabases.DB);
        String myUrl = dbs.my.jdbcUrl(OrderDatabases.DB);

        // --- README begins
        try (TransactionService dtc = TransactionService.builder()
                .nodeName("node-1")
                .logDirectory(logDir)
                .defaultTimeout(Duration.ofSeconds(30))
                .build()) {
            XADataSource orders = XaDataSources.postgres(pgUrl, dbs.pg.user(), dbs.pg.password());
            XADataSource stock = XaDataSources.mysql(myUrl, dbs.my.user(), dbs.my.password());
            try (var r1 = XaRecovery.register(dtc.recovery(), "orders", orders);
                 var r2 = XaRecovery.register(dtc.recovery(), "stock", stock)) {
                XAConnection o = orders.getXAConnection(), s = stock.getXAConnection();
                TransactionManager tm = dtc.transactionManager();
                tm.begin();
                tm.getTransaction().enlistResource(o.getXAResource());
                tm.getTransaction().enlistResource(s.getXAResource());
                o.getConnection().createStatement().executeUpdate("INSERT INTO orders (id, amount) VALUES ('" + id + "', 42)");
                s.getConnection().createStatement().executeUpdate("INSERT INTO stock (id, qty) VALUES ('" + id + "', 1)");
                tm.commit();
                o.close();
                s.close();
            }
        }
        // --- README ends

        assertThat(dbs.orderExists(id)).isTrue();
        assertThat(dbs.stockExists(id)).isTrue();
    }
}
