package com.example.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dtc.testdb.DatabaseServer;
import dev.dtc.testdb.TestDatabases;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's plain-Java example against real PostgreSQL and MySQL/MariaDB: it commits in both, a failure in one
 * leaves nothing in either, and the README shows exactly this code.
 */
class PlaceOrderTest {

    private static final String DB = "example_plain_java";
    private static final DatabaseServer PG = TestDatabases.postgres();
    private static final DatabaseServer MY = TestDatabases.mysql();

    @TempDir
    Path logDirectory;

    @BeforeAll
    static void createTheTablesTheReadmeNames() throws SQLException {
        PG.createDatabase(DB);
        MY.createDatabase(DB);
        try (Connection c = PG.connect(DB); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS orders (id VARCHAR(64) PRIMARY KEY, amount INT NOT NULL)");
        }
        try (Connection c = MY.connect(DB); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS reservations (order_id VARCHAR(64) PRIMARY KEY, qty INT NOT NULL)"
                    + " ENGINE=InnoDB");
        }
    }

    @Test
    void theOrderAndItsReservationAreCommittedTogether() throws Exception {
        String id = "o-" + UUID.randomUUID();

        PlaceOrder.placeOrder(urlWithCredentials(PG), urlWithCredentials(MY), id, logDirectory);

        assertThat(count(PG, "SELECT count(*) FROM orders WHERE id = ?", id)).isEqualTo(1);
        assertThat(count(MY, "SELECT count(*) FROM reservations WHERE order_id = ?", id)).isEqualTo(1);
        assertThat(preparedInPostgres()).isZero();
    }

    @Test
    void whenMySqlRefusesItsPartPostgreSqlKeepsNothingEither() throws Exception {
        String id = "o-" + UUID.randomUUID();
        try (Connection c = MY.connect(DB);
             PreparedStatement ps = c.prepareStatement("INSERT INTO reservations (order_id, qty) VALUES (?, 5)")) {
            ps.setString(1, id); // already reserved: the example's INSERT breaks the primary key
            ps.executeUpdate();
        }

        assertThatThrownBy(() -> PlaceOrder.placeOrder(urlWithCredentials(PG), urlWithCredentials(MY), id, logDirectory))
                .isInstanceOf(SQLException.class);

        assertThat(count(PG, "SELECT count(*) FROM orders WHERE id = ?", id)).isZero();
        assertThat(count(MY, "SELECT qty FROM reservations WHERE order_id = ?", id)).isEqualTo(5);
        assertThat(preparedInPostgres()).isZero();
    }

    @Test
    void theReadmeShowsThisExampleWordForWord() throws Exception {
        String source = Files.readString(Path.of("src/main/java/com/example/orders/PlaceOrder.java"));
        String readme = Files.readString(Path.of("../../README.md"));
        assertThat(readme)
                .as("README.md's plain-Java example must be examples/plain-java/.../PlaceOrder.java as it is")
                .contains("```java\n" + source + "```\n");
    }

    /** The example takes user and password in the URL, as an application's configuration would give them. */
    private static String urlWithCredentials(DatabaseServer server) {
        String url = server.jdbcUrl(DB);
        String credentials = "user=" + URLEncoder.encode(server.user(), StandardCharsets.UTF_8)
                + (server.password() == null || server.password().isEmpty() ? ""
                        : "&password=" + URLEncoder.encode(server.password(), StandardCharsets.UTF_8));
        return url + (url.contains("?") ? "&" : "?") + credentials;
    }

    private static int count(DatabaseServer server, String sql, String id) throws SQLException {
        try (Connection c = server.connect(DB); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }

    private static int preparedInPostgres() throws SQLException {
        try (Connection c = PG.connect(DB); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM pg_prepared_xacts WHERE database = ?")) {
            ps.setString(1, DB);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
