package dev.dtc.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.dtc.demo.output.JsonOutput;
import dev.dtc.demo.output.Progress;
import dev.dtc.testdb.DatabaseServer;
import dev.dtc.testdb.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * The demo on the test fixture's servers ({@link TestDatabases}: the environment's, or embedded ones started by
 * the test JVM), in databases of its own (a prefix per test class) and a data directory of its own under
 * {@code target/}; with plain JDBC to check what the three databases hold.
 */
final class DemoFixture {

    final DatabaseServer postgres = TestDatabases.postgres();
    final DatabaseServer mysql = TestDatabases.mysql();
    final String prefix;
    final Path dataDirectory;

    DemoFixture(String prefix) {
        this.prefix = prefix;
        this.dataDirectory = Path.of("target", "demo-tests", prefix).toAbsolutePath();
        try {
            deleteRecursively(dataDirectory);
            Files.createDirectories(dataDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The options that point a command at the fixture. */
    List<String> serverOptions() {
        return List.of("--postgres-url", postgres.jdbcUrl("postgres"), "--postgres-user", postgres.user(),
                "--postgres-password", postgres.password(), "--mysql-url", mysql.jdbcUrl(""), "--mysql-user",
                mysql.user(), "--mysql-password", mysql.password(), "--database-prefix", prefix, "--data-dir",
                dataDirectory.toString(), "--quiet");
    }

    /** Runs one command in this JVM, as {@code java -jar dtc-demo.jar command...} would. */
    Run run(String... command) {
        List<String> args = new ArrayList<>(Arrays.asList(command));
        args.addAll(serverOptions());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs one command with {@code --json} and parses its document. */
    JsonObject json(String... command) {
        Run run = run(Stream.concat(Stream.of(command), Stream.of("--json")).toArray(String[]::new));
        return run.json();
    }

    /** A session on the fixture for tests that drive the shop directly (the concurrency test). */
    DemoSession openSession(String... extraOptions) {
        List<String> args = new ArrayList<>(serverOptions());
        args.addAll(Arrays.asList(extraOptions));
        OptionsOnly options = CommandLine.populateCommand(new OptionsOnly(), args.toArray(String[]::new));
        return DemoSession.open(options.common, new JsonOutput(new PrintStream(new ByteArrayOutputStream()), "test"),
                Progress.silent());
    }

    @CommandLine.Command
    static final class OptionsOnly {
        @CommandLine.Mixin
        CommonOptions common;
    }

    record Run(int status, String out, String err) {
        JsonObject json() {
            assertThat(out.lines().count()).as("one JSON line on stdout; stderr: %s", err).isEqualTo(1);
            return JsonParser.parseString(out).getAsJsonObject();
        }
    }

    // ---------------------------------------------------------------- what the databases hold

    Connection orders() throws SQLException {
        return postgres.connect(prefix + "orders");
    }

    Connection payments() throws SQLException {
        return postgres.connect(prefix + "payments");
    }

    Connection inventory() throws SQLException {
        return mysql.connect(prefix + "inventory");
    }

    long count(Connection c, String sql, Object... params) throws SQLException {
        try (c; PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    long ordersWithId(String orderId) throws SQLException {
        return count(orders(), "SELECT COUNT(*) FROM customer_order WHERE order_id = ?", orderId);
    }

    long orderLinesOf(String orderId) throws SQLException {
        return count(orders(), "SELECT COUNT(*) FROM order_line WHERE order_id = ?", orderId);
    }

    long paymentsFor(String orderId) throws SQLException {
        return count(payments(), "SELECT COUNT(*) FROM payment WHERE order_id = ?", orderId);
    }

    long reservedUnitsFor(String orderId) throws SQLException {
        return count(inventory(), "SELECT COALESCE(SUM(quantity), 0) FROM reservation WHERE order_id = ?", orderId);
    }

    int available(String sku) throws SQLException {
        return (int) count(inventory(), "SELECT available FROM product WHERE sku = ?", sku);
    }

    /** Puts a product with the given stock into the test's inventory (replacing it if there). */
    void stockProduct(String sku, int units, long priceCents) throws SQLException {
        try (Connection c = inventory(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO product (sku, name, price_cents, available) VALUES (?, ?, ?, ?)"
                        + " ON DUPLICATE KEY UPDATE available = ?, price_cents = ?")) {
            ps.setString(1, sku);
            ps.setString(2, "test product " + sku);
            ps.setLong(3, priceCents);
            ps.setInt(4, units);
            ps.setInt(5, units);
            ps.setLong(6, priceCents);
            ps.executeUpdate();
        }
    }

    /** Prepared transactions left in the test's two PostgreSQL databases. */
    List<String> preparedInPostgres() throws SQLException {
        List<String> gids = new ArrayList<>();
        try (Connection c = orders(); PreparedStatement ps = c.prepareStatement(
                "SELECT gid FROM pg_prepared_xacts WHERE database IN (?, ?)")) {
            ps.setString(1, prefix + "orders");
            ps.setString(2, prefix + "payments");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    gids.add(rs.getString(1));
                }
            }
        }
        return gids;
    }

    /** Prepared XA branches on the MySQL server whose global id starts with the node name (XA RECOVER lists all). */
    List<String> preparedInMysql(String nodeName) throws SQLException {
        List<String> xids = new ArrayList<>();
        try (Connection c = inventory(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("XA RECOVER")) {
            while (rs.next()) {
                String data = new String(rs.getBytes("data"), StandardCharsets.ISO_8859_1);
                if (data.startsWith(nodeName + "/")) {
                    xids.add(data);
                }
            }
        }
        return xids;
    }

    static String nodeNameOf(String transactionId) {
        return transactionId.substring(0, transactionId.indexOf('/'));
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }
}
