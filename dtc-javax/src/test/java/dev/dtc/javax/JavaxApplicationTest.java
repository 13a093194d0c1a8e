package dev.dtc.javax;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dtc.TransactionService;
import dev.dtc.audit.AuditEvent;
import dev.dtc.audit.EventType;
import dev.dtc.xa.TransactionalDataSource;
import dev.dtc.xa.XaDataSources;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.transaction.RollbackException;
import javax.transaction.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A javax-style application ({@link JavaxStyleApp}) on PostgreSQL and MariaDB pooled data sources from
 * dtc-xa-adapters, given dtc's javax objects. The data sources know only the service's jakarta face, so every
 * commit here also shows that javax and jakarta share one engine. Outcomes are read back with plain JDBC.
 */
class JavaxApplicationTest {
    private static final String NODE = "jx-it";
    static JavaxDatabases dbs;

    @TempDir
    Path logDir;
    TransactionService dtc;
    DtcJavax jx;
    TransactionalDataSource orders;
    TransactionalDataSource stock;
    JavaxStyleApp app;
    final List<AuditEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void databases() throws Exception {
        dbs = new JavaxDatabases();
    }

    @BeforeEach
    void start() {
        dtc = TransactionService.builder().nodeName(NODE).logDirectory(logDir).defaultTimeout(Duration.ofSeconds(30))
                .recoveryInterval(Duration.ZERO).auditListener(events::add).build();
        orders = XaDataSources.postgres(dtc, dbs.pg.jdbcUrl(JavaxDatabases.DB), dbs.pg.user(), dbs.pg.password());
        stock = XaDataSources.mysql(dtc, dbs.my.jdbcUrl(JavaxDatabases.DB), dbs.my.user(), dbs.my.password());
        jx = DtcJavax.of(dtc);
        app = new JavaxStyleApp(jx.userTransaction(), jx.transactionManager(), jx.synchronizationRegistry(), orders, stock);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (dtc.transactionManager().getTransaction() != null) {
                dtc.transactionManager().rollback();
            }
        } finally {
            orders.close();
            stock.close();
            dtc.close();
        }
        assertThat(dbs.pgPrepared(NODE)).as("prepared branches left in PostgreSQL").isEmpty();
        assertThat(dbs.myPrepared(NODE)).as("prepared branches left in MariaDB").isEmpty();
    }

    private String id(String what) {
        return what + "-" + UUID.randomUUID();
    }

    @Test
    void commitWritesBothDatabasesInOneTwoPhaseCommit() throws Exception {
        String id = id("commit");
        app.placeOrder(id, 42);
        assertThat(dbs.orderAmount(id)).contains(42);
        assertThat(dbs.stockQty(id)).contains(42);
        assertThat(events).extracting(AuditEvent::type).contains(EventType.PREPARE_SENT, EventType.DECISION_FORCED);
    }

    @Test
    void resourcesEnlistedAndDelistedByHandCommitInBoth() throws Exception {
        String id = id("by-hand");
        app.placeOrderEnlistingByHand(XaDataSources.postgres(dbs.pg.jdbcUrl(JavaxDatabases.DB), dbs.pg.user(), dbs.pg.password()),
                XaDataSources.mysql(dbs.my.jdbcUrl(JavaxDatabases.DB), dbs.my.user(), dbs.my.password()), id);
        assertThat(dbs.orderAmount(id)).contains(11);
        assertThat(dbs.stockQty(id)).contains(11);
        assertThat(events).extracting(AuditEvent::type).contains(EventType.DECISION_FORCED);
    }

    @Test
    void rollbackLeavesNeither() throws Exception {
        String id = id("rollback");
        app.placeAndCancel(id);
        assertThat(dbs.orderAmount(id)).isEmpty();
        assertThat(dbs.stockQty(id)).isEmpty();
    }

    @Test
    void rollbackOnlyMakesCommitThrowTheJavaxRollbackException() throws Exception {
        String id = id("rbonly");
        assertThatThrownBy(() -> app.placeInvalidOrder(id)).isInstanceOf(RollbackException.class)
                .hasMessageContaining("marked rollback-only");
        assertThat(dbs.orderAmount(id)).isEmpty();
        assertThat(dbs.stockQty(id)).isEmpty();
    }

    @Test
    void aDatabaseVotingNoAtPrepareRollsBothBack() throws Exception {
        String id = id("vote-no");
        assertThatThrownBy(() -> app.placeOrderWithDanglingNote(id)).isInstanceOf(RollbackException.class)
                .hasMessageContaining("prepare");
        assertThat(dbs.orderAmount(id)).isEmpty();
        assertThat(dbs.stockQty(id)).as("MariaDB's branch rolled back with PostgreSQL's").isEmpty();
        assertThat(events).extracting(AuditEvent::type).doesNotContain(EventType.DECISION_FORCED);
    }

    @Test
    void synchronizationsSeeTheOutcome() throws Exception {
        String id = id("sync");
        app.placeOrderObserved(id, true);
        assertThat(app.seen).containsExactly("app before " + Status.STATUS_ACTIVE,
                "interposed before " + Status.STATUS_ACTIVE, "interposed after " + Status.STATUS_COMMITTED,
                "app after " + Status.STATUS_COMMITTED);
        assertThat(dbs.orderAmount(id)).contains(5);

        app.seen.clear();
        String rolledBack = id("sync-rb");
        app.placeOrderObserved(rolledBack, false);
        assertThat(app.seen).containsExactly("interposed after " + Status.STATUS_ROLLEDBACK,
                "app after " + Status.STATUS_ROLLEDBACK);
        assertThat(dbs.orderAmount(rolledBack)).isEmpty();
    }

    @Test
    void aSuspendedTransactionResumesAndItsNeighbourCommitsOnItsOwn() throws Exception {
        String committed = id("audit-ok");
        app.placeOrderWithAudit(committed, true);
        assertThat(dbs.orderAmount(committed)).contains(9);
        assertThat(dbs.stockQty(committed)).contains(9);
        assertThat(dbs.stockQty("audit-" + committed)).contains(0);

        String cancelled = id("audit-rb");
        app.placeOrderWithAudit(cancelled, false);
        assertThat(dbs.orderAmount(cancelled)).as("written before suspend, rolled back after resume").isEmpty();
        assertThat(dbs.stockQty(cancelled)).isEmpty();
        assertThat(dbs.stockQty("audit-" + cancelled)).as("the inner transaction committed on its own").contains(0);
    }

    @Test
    void oneEngineAJavaxTransactionIsTheJakartaOneAndTheOtherWayRound() throws Exception {
        jakarta.transaction.UserTransaction jakartaUt = dtc.userTransaction();
        javax.transaction.UserTransaction javaxUt = jx.userTransaction();

        String viaJavax = id("javax-begun");
        javaxUt.begin();
        assertThat(dtc.transactionManager().getTransaction())
                .isSameAs(jx.jakartaTransaction(jx.transactionManager().getTransaction()));
        insert(orders, "INSERT INTO jx_orders (id, amount) VALUES (?, 1)", viaJavax);
        insert(stock, "INSERT INTO jx_stock (id, qty) VALUES (?, 1)", viaJavax);
        jakartaUt.commit(); // begun through javax, committed through jakarta
        assertThat(javaxUt.getStatus()).isEqualTo(Status.STATUS_NO_TRANSACTION);
        assertThat(dbs.orderAmount(viaJavax)).contains(1);
        assertThat(dbs.stockQty(viaJavax)).contains(1);

        String viaJakarta = id("jakarta-begun");
        jakartaUt.begin();
        assertThat(javaxUt.getStatus()).isEqualTo(Status.STATUS_ACTIVE);
        insert(orders, "INSERT INTO jx_orders (id, amount) VALUES (?, 2)", viaJakarta);
        insert(stock, "INSERT INTO jx_stock (id, qty) VALUES (?, 2)", viaJakarta);
        javaxUt.rollback(); // begun through jakarta, rolled back through javax
        assertThat(jakartaUt.getStatus()).isEqualTo(jakarta.transaction.Status.STATUS_NO_TRANSACTION);
        assertThat(dbs.orderAmount(viaJakarta)).isEmpty();
        assertThat(dbs.stockQty(viaJakarta)).isEmpty();
    }

    private static void insert(TransactionalDataSource ds, String sql, String id) throws Exception {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }
}
