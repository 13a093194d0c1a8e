package dev.dtc.spring.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.UnexpectedRollbackException;

/**
 * The sample application on the test PostgreSQL and MySQL/MariaDB: an order placed through {@code JdbcTemplate} or
 * Spring Data JPA writes both databases or neither, whatever goes wrong and wherever. Each outcome is read back with
 * plain JDBC, and after each test neither database holds a prepared branch of the node.
 */
@SpringBootTest
class OrderPlacementTest {

    static final SampleDatabases dbs = new SampleDatabases();

    @DynamicPropertySource
    static void databases(DynamicPropertyRegistry properties) {
        dbs.register(properties);
    }

    @TestConfiguration
    static class Faults {
        @Bean
        FaultyOrders faultyOrders(JdbcOrderService jdbc, JpaOrderService jpa, @Qualifier("orders") DataSource orders) {
            return new FaultyOrders(jdbc, jpa, orders);
        }
    }

    @Autowired
    JdbcOrderService jdbc;
    @Autowired
    JpaOrderService jpa;
    @Autowired
    FaultyOrders faulty;
    @Autowired
    HealthEndpoint health;

    @AfterEach
    void nothingLeftPrepared() throws SQLException {
        assertThat(dbs.preparedInPostgres()).isEmpty();
        assertThat(dbs.preparedInMysql()).isEmpty();
    }

    private static String newOrderId() {
        return "o-" + UUID.randomUUID();
    }

    @Test
    void jdbcTemplateCommitWritesARowInBothDatabases() throws SQLException {
        String id = newOrderId();
        jdbc.placeOrder(id, "widget", 2);
        assertThat(dbs.orderExists(id)).isTrue();
        assertThat(dbs.reservationExists(id)).isTrue();
    }

    @Test
    void jdbcTemplateAnExceptionInTheMethodRollsBothBack() throws SQLException {
        String id = newOrderId();
        assertThatThrownBy(() -> faulty.placeWithJdbcThenFail(id)).hasMessageContaining("payment declined");
        assertThat(dbs.orderExists(id)).isFalse();
        assertThat(dbs.reservationExists(id)).isFalse();
    }

    @Test
    void jdbcTemplatePostgresVotingAbortAtPrepareRollsBackMysql() throws SQLException {
        String id = newOrderId();
        // every statement succeeded; PostgreSQL refuses at PREPARE TRANSACTION (deferred foreign key)
        assertThatThrownBy(() -> faulty.placeWithJdbcAndANoteForAMissingOrder(id))
                .isInstanceOf(UnexpectedRollbackException.class);
        assertThat(dbs.orderExists(id)).isFalse();
        assertThat(dbs.reservationExists(id)).isFalse();
    }

    @Test
    void jpaCommitWritesARowInBothDatabases() throws SQLException {
        String id = newOrderId();
        jpa.placeOrder(id, "gadget", 3);
        assertThat(dbs.orderExists(id)).isTrue();
        assertThat(dbs.reservationExists(id)).isTrue();
    }

    @Test
    void jpaAnExceptionInTheMethodRollsBothBack() throws SQLException {
        String id = newOrderId();
        assertThatThrownBy(() -> faulty.placeWithJpaThenFail(id)).hasMessageContaining("payment declined");
        assertThat(dbs.orderExists(id)).isFalse();
        assertThat(dbs.reservationExists(id)).isFalse();
    }

    @Test
    void jpaAConstraintFailureInMysqlRollsBackPostgres() throws SQLException {
        String id = newOrderId();
        // quantity 0 breaks stock_reservations' CHECK when Hibernate flushes at commit, after PostgreSQL's insert
        assertThatThrownBy(() -> jpa.placeOrder(id, "gadget", 0)).isNotNull();
        assertThat(dbs.orderExists(id)).isFalse();
        assertThat(dbs.reservationExists(id)).isFalse();
    }

    @Test
    void theHealthEndpointReportsDtcUpWithTheFigures() {
        jdbc.placeOrder(newOrderId(), "widget", 1);
        Health dtc = (Health) health.healthForPath("dtc");
        assertThat(dtc.getStatus()).isEqualTo(Status.UP);
        assertThat(dtc.getDetails())
                .containsEntry("node", SampleDatabases.NODE)
                .containsEntry("logOpen", true)
                .containsEntry("recoveryDone", true)
                .containsEntry("inDoubt", 0)
                .containsEntry("heuristics", 0)
                .containsEntry("transactionsInFlight", 0);
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
    }
}
