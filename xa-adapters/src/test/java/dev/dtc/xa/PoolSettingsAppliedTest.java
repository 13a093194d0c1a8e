package dev.dtc.xa;

import static dev.dtc.xa.PooledJdbc.insertOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dtc.TransactionService;
import jakarta.transaction.UserTransaction;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each pool setting, on a real database, does what PoolSettings says. Waits are upper bounds (awaitility) or lower
 * bounds (a condition that must still hold after a while), never a guess of how long something takes.
 */
class PoolSettingsAppliedTest {
    static OrderDatabases dbs;

    @TempDir
    Path logDir;
    TransactionService dtc;
    UserTransaction ut;
    TransactionalDataSource ds;

    @BeforeAll
    static void databases() throws Exception {
        dbs = new OrderDatabases();
    }

    @BeforeEach
    void start() {
        dtc = TransactionService.builder().nodeName("it-settings").logDirectory(logDir)
                .defaultTimeout(Duration.ofSeconds(60)).recoveryInterval(Duration.ZERO).build();
        ut = dtc.userTransaction();
    }

    @AfterEach
    void stop() throws Exception {
        if (dtc.transactionManager().getTransaction() != null) {
            dtc.transactionManager().rollback();
        }
        if (ds != null) {
            ds.close();
        }
        dtc.close();
    }

    private TransactionalDataSource mysql(PoolSettings settings) {
        ds = XaDataSources.mysql(dtc, dbs.my.jdbcUrl(OrderDatabases.DB), dbs.my.user(), dbs.my.password(), settings);
        return ds;
    }

    private TransactionalDataSource postgres(PoolSettings settings) {
        ds = XaDataSources.postgres(dtc, dbs.pg.jdbcUrl(OrderDatabases.DB), dbs.pg.user(), dbs.pg.password(), settings);
        return ds;
    }

    @Test
    void atMaxSizeGetConnectionWaitsAcquireTimeoutThenFails() throws Exception {
        postgres(PoolSettings.builder().name("max").maxSize(2).acquireTimeout(Duration.ofSeconds(1)).build());
        try (Connection a = ds.getConnection(); Connection b = ds.getConnection()) {
            long t0 = System.nanoTime();
            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class).hasMessageContaining("timeout");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("waited for the acquire timeout")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(900));
            assertThat(ds.stats().open()).isEqualTo(2);
        }
        try (Connection again = ds.getConnection()) {
            assertThat(again.isValid(5)).isTrue();
        }
    }

    @Test
    void minSizeConnectionsAreOpenedAndKept() {
        mysql(PoolSettings.builder().name("min").minSize(3).maxSize(5).idleTimeout(Duration.ofSeconds(1)).build());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> ds.stats().available() == 3);
        assertThat(ds.stats().created()).isEqualTo(3);
    }

    @Test
    void idleConnectionsAboveMinSizeAreClosedAfterIdleTimeout() throws Exception {
        mysql(PoolSettings.builder().name("idle").maxSize(3).idleTimeout(Duration.ofSeconds(1)).build());
        try (Connection a = ds.getConnection(); Connection b = ds.getConnection()) {
            assertThat(ds.stats().open()).isEqualTo(2);
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> ds.stats().open() == 0);
        assertThat(ds.stats().reaped()).isEqualTo(2);
    }

    @Test
    void aConnectionHeldInsideATransactionIsNoLeakButOneHeldOutsideIs() throws Exception {
        postgres(PoolSettings.builder().name("leak").leakTimeout(Duration.ofMillis(500)).build());
        ut.setTransactionTimeout(60);
        ut.begin();
        try (Connection c = ds.getConnection()) {
            insertOrder(c, "leak-" + UUID.randomUUID());
            Thread.sleep(2_000); // four leak timeouts (a late check can only make this pass, never fail wrongly)
        }
        assertThat(ds.stats().leaks()).as("inside a transaction: returned at completion, no leak").isZero();
        ut.rollback();

        try (Connection held = ds.getConnection()) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> ds.stats().leaks() >= 1);
        }
    }
}
