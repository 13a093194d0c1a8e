package dev.dtc.xa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dtc.TransactionService;
import jakarta.transaction.UserTransaction;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The usage docs/xa-adapters.md and the README describe, on this module's own test tables: builder, two pooled
 * data sources, a recovery scan, one UserTransaction (only the URLs, credentials and row ids come from the test
 * fixture). The README's complete example is examples/plain-java, tested there word for word.
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

        try (TransactionService dtc = TransactionService.builder()
                     .nodeName("node-1")
                     .logDirectory(logDir)
                     .defaultTimeout(Duration.ofSeconds(30))
                     .build();
             TransactionalDataSource orders = XaDataSources.postgres(dtc, pgUrl, dbs.pg.user(), dbs.pg.password());
             TransactionalDataSource stock = XaDataSources.mysql(dtc, myUrl, dbs.my.user(), dbs.my.password())) {
            dtc.recovery().scan();
            UserTransaction ut = dtc.userTransaction();
            ut.begin();
            try (Connection o = orders.getConnection(); Connection s = stock.getConnection()) {
                o.createStatement().executeUpdate("INSERT INTO orders (id, amount) VALUES ('" + id + "', 42)");
                s.createStatement().executeUpdate("INSERT INTO stock (id, qty) VALUES ('" + id + "', 1)");
            }
            ut.commit();
        }

        assertThat(dbs.orderExists(id)).isTrue();
        assertThat(dbs.stockExists(id)).isTrue();
    }
}
