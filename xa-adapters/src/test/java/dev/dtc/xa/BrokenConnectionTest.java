package dev.dtc.xa;

import static dev.dtc.xa.PooledJdbc.insertOrder;
import static dev.dtc.xa.PooledJdbc.insertStock;
import static dev.dtc.xa.PooledJdbc.myBackend;
import static dev.dtc.xa.PooledJdbc.pgBackend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dtc.RecoveryReport;
import dev.dtc.TransactionService;
import jakarta.transaction.RollbackException;
import jakarta.transaction.UserTransaction;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions killed on the server (PostgreSQL's {@code pg_terminate_backend}, MariaDB/MySQL's {@code KILL}) while
 * in a transaction, while idle in the pool, and under recovery: the pool never hands such a connection out
 * again, the transaction it was in rolls back in both databases, and the next transaction works.
 *
 * <p>The pools under test have one connection, so a connection that was not evicted would be the one handed out
 * next: "a different session" is then proof of eviction.
 */
class BrokenConnectionTest {
    private static final String NODE = "it-broken";
    static OrderDatabases dbs;

    @TempDir
    Path logDir;
    TransactionService dtc;
    UserTransaction ut;
    final List<TransactionalDataSource> opened = new ArrayList<>();

    @BeforeAll
    static void databases() throws Exception {
        dbs = new OrderDatabases();
    }

    @BeforeEach
    void start() {
        dtc = TransactionService.builder().nodeName(NODE).logDirectory(logDir).defaultTimeout(Duration.ofSeconds(30))
                .recoveryInterval(Duration.ZERO).build();
        ut = dtc.userTransaction();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (dtc.transactionManager().getTransaction() != null) {
                dtc.transactionManager().rollback();
            }
        } finally {
            opened.forEach(TransactionalDataSource::close);
            dtc.close();
        }
        assertThat(dbs.pgPrepared(NODE)).as("prepared branches left in PostgreSQL").isEmpty();
        assertThat(dbs.myPrepared(NODE)).as("prepared branches left in MySQL").isEmpty();
    }

    /** One connection; checked only by the exception sorter and XA failures unless {@code validateAfterIdle} says otherwise. */
    private static PoolSettings.Builder single(String name) {
        return PoolSettings.builder().name(name).maxSize(1).validateAfterIdle(Duration.ofHours(1))
                .validationInterval(Duration.ZERO);
    }

    private TransactionalDataSource postgres(PoolSettings settings) {
        TransactionalDataSource ds = XaDataSources.postgres(dtc, dbs.pg.jdbcUrl(OrderDatabases.DB), dbs.pg.user(),
                dbs.pg.password(), settings);
        opened.add(ds);
        return ds;
    }

    private TransactionalDataSource mysql(PoolSettings settings) {
        TransactionalDataSource ds = XaDataSources.mysql(dtc, dbs.my.jdbcUrl(OrderDatabases.DB), dbs.my.user(),
                dbs.my.password(), settings);
        opened.add(ds);
        return ds;
    }

    private static void terminatePostgres(long pid) throws SQLException {
        try (Connection admin = dbs.pg.connect(OrderDatabases.DB); Statement s = admin.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_terminate_backend(" + pid + ")")) {
            rs.next();
            assertThat(rs.getBoolean(1)).as("PostgreSQL terminated backend %s", pid).isTrue();
        }
    }

    private static void killMysql(long id) throws SQLException {
        try (Connection admin = dbs.my.connect(OrderDatabases.DB); Statement s = admin.createStatement()) {
            s.execute("KILL " + id);
        }
    }

    /** Commits a transaction over both pools, checking that neither hands out the dead session. */
    private void nextTransactionWorks(TransactionalDataSource pg, TransactionalDataSource my, long deadPg, long deadMy)
            throws Exception {
        for (int i = 0; i < 3; i++) {
            String id = "broken-next-" + UUID.randomUUID();
            ut.begin();
            try (Connection o = pg.getConnection(); Connection s = my.getConnection()) {
                assertThat(pgBackend(o)).as("PostgreSQL session handed out").isNotEqualTo(deadPg);
                assertThat(myBackend(s)).as("MySQL session handed out").isNotEqualTo(deadMy);
                insertOrder(o, id);
                insertStock(s, id);
            }
            ut.commit();
            assertThat(dbs.orderExists(id)).isTrue();
            assertThat(dbs.stockExists(id)).isTrue();
        }
        try (Connection o = pg.getConnection(); Connection s = my.getConnection()) { // and outside a transaction
            assertThat(pgBackend(o)).isNotEqualTo(deadPg);
            assertThat(myBackend(s)).isNotEqualTo(deadMy);
        }
    }

    @Test
    void aPostgresSessionKilledMidTransactionRollsBothBackAndIsNeverHandedOutAgain() throws Exception {
        TransactionalDataSource pg = postgres(single("broken-pg").build());
        TransactionalDataSource my = mysql(single("broken-pg-my").build());
        String id = "broken-pg-" + UUID.randomUUID();
        ut.begin();
        Connection o = pg.getConnection();
        Connection s = my.getConnection();
        long killed = pgBackend(o);
        insertOrder(o, id);
        insertStock(s, id);
        terminatePostgres(killed);
        assertThatThrownBy(() -> insertOrder(o, id + "-after")).isInstanceOf(SQLException.class);
        o.close();
        s.close();
        assertThatThrownBy(ut::commit).isInstanceOf(RollbackException.class);

        assertThat(dbs.orderExists(id)).isFalse();
        assertThat(dbs.stockExists(id)).isFalse();
        assertThat(pg.stats().flushed()).as("closed instead of pooled").isEqualTo(1);
        assertThat(pg.stats().active()).isZero();
        nextTransactionWorks(pg, my, killed, -1);
        assertThat(pg.stats().created()).as("the dead one and its replacement").isEqualTo(2);
    }

    @Test
    void aMysqlSessionKilledMidTransactionRollsBothBackAndIsNeverHandedOutAgain() throws Exception {
        TransactionalDataSource pg = postgres(single("broken-my-pg").build());
        TransactionalDataSource my = mysql(single("broken-my").build());
        String id = "broken-my-" + UUID.randomUUID();
        ut.begin();
        Connection o = pg.getConnection();
        Connection s = my.getConnection();
        long killed = myBackend(s);
        insertOrder(o, id);
        insertStock(s, id);
        killMysql(killed);
        assertThatThrownBy(() -> insertStock(s, id + "-after")).isInstanceOf(SQLException.class);
        o.close();
        s.close();
        assertThatThrownBy(ut::commit).isInstanceOf(RollbackException.class);

        assertThat(dbs.orderExists(id)).isFalse();
        assertThat(dbs.stockExists(id)).isFalse();
        assertThat(my.stats().flushed()).as("closed instead of pooled").isEqualTo(1);
        assertThat(my.stats().active()).isZero();
        nextTransactionWorks(pg, my, -1, killed);
        assertThat(my.stats().created()).as("the dead one and its replacement").isEqualTo(2);
    }

    @Test
    void sessionsKilledWhileIdleInThePoolAreCaughtByValidationBeforeTheyAreHandedOut() throws Exception {
        // PostgreSQL with the default: validated when idle for more than a second; MySQL: at every borrow
        TransactionalDataSource pg = postgres(PoolSettings.builder().name("idle-pg").maxSize(1).build());
        TransactionalDataSource my = mysql(PoolSettings.builder().name("idle-my").maxSize(1)
                .validateAfterIdle(Duration.ZERO).validationQuery("SELECT 1").build());
        long deadPg;
        long deadMy;
        try (Connection o = pg.getConnection(); Connection s = my.getConnection()) {
            deadPg = pgBackend(o);
            deadMy = myBackend(s);
        }
        terminatePostgres(deadPg);
        killMysql(deadMy);
        Thread.sleep(1_500); // longer than validateAfterIdle: a lower bound, so a slow machine only waits longer

        nextTransactionWorks(pg, my, deadPg, deadMy);
        assertThat(pg.stats().invalid()).as("PostgreSQL connections that failed validation").isEqualTo(1);
        assertThat(my.stats().invalid()).as("MySQL connections that failed validation").isEqualTo(1);
        assertThat(pg.stats().active()).isZero();
        assertThat(my.stats().active()).isZero();
    }

    @Test
    void recoveryReconnectsWhenTheServerDroppedItsConnection() throws Exception {
        TransactionalDataSource pg = postgres(single("recover-pg").build());
        TransactionalDataSource my = mysql(single("recover-my").build());
        RecoveryReport first = dtc.recovery().scan();
        assertThat(first.clean()).as("first scan %s", first).isTrue();

        // what MySQL's wait_timeout or an operator does to the recovery connections (and everything else)
        int killed = killAllOtherSessions();
        assertThat(killed).as("sessions killed").isGreaterThanOrEqualTo(2);

        RecoveryReport second = dtc.recovery().scan();
        assertThat(second.clean()).as("scan after the kill %s", second).isTrue();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> pg.stats().active() == 0 && my.stats().active() == 0);
        nextTransactionWorks(pg, my, -1, -1);
    }

    private static int killAllOtherSessions() throws SQLException {
        int killed = 0;
        try (Connection admin = dbs.pg.connect(OrderDatabases.DB); Statement s = admin.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                     + " WHERE datname = current_database() AND pid <> pg_backend_pid()")) {
            rs.next();
            killed += rs.getInt(1);
        }
        List<Long> ids = new ArrayList<>();
        try (Connection admin = dbs.my.connect(OrderDatabases.DB); Statement s = admin.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT ID FROM information_schema.PROCESSLIST"
                    + " WHERE DB = DATABASE() AND ID <> CONNECTION_ID()")) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            for (long id : ids) {
                try {
                    s.execute("KILL " + id);
                    killed++;
                } catch (SQLException gone) {
                    // ended on its own meanwhile
                }
            }
        }
        return killed;
    }
}
