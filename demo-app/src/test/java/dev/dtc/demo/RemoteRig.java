package dev.dtc.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.dtc.testdb.DatabaseServer;
import dev.dtc.testdb.TestDatabases;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Remote mode as users run it, for one test: the coordinator (dtc-server's main class) and the three services
 * ({@code serve ...}) each in a JVM of its own, on the test fixture's database servers in databases of their own
 * (a fresh prefix per rig), talking real HTTP; place-order in the test JVM; plain JDBC to check what each
 * database holds and that nothing is left prepared. Every process it started is killed by {@link #close()}.
 */
final class RemoteRig implements AutoCloseable {

    static final String TOKEN = "remote-test-token";
    static final List<String> SERVICES = List.of("orders", "inventory", "payments");

    final DatabaseServer postgres = TestDatabases.postgres();
    final DatabaseServer mysql = TestDatabases.mysql();
    final String prefix = "rt" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
    final String node = "rt-" + prefix.substring(2, 10);
    final Path dir;
    final Path tokenFile;
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> ports = new HashMap<>();
    private final Map<String, Process> running = new HashMap<>();
    private final Map<String, Path> logs = new HashMap<>();
    String coordinatorUrl;

    RemoteRig() throws IOException {
        dir = Path.of("target", "remote-tests", prefix).toAbsolutePath();
        Files.createDirectories(dir);
        tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, TOKEN);
    }

    // ---------------------------------------------------------------- processes

    /** Starts the coordinator (on the port of its last start, so the services' --coordinator stays right). */
    RemoteRig coordinator(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("dev.dtc.server.ServerMain", "--port",
                Integer.toString(ports.getOrDefault("coordinator", 0)), "--data-dir", dir.resolve("coordinator").toString(),
                "--node-name", node, "--recovery-interval", "1s"));
        args.addAll(Arrays.asList(extra));
        String url = start("coordinator", List.of(), args, "dtc-server listening on ");
        coordinatorUrl = url;
        ports.put("coordinator", URI.create(url).getPort());
        return this;
    }

    /** Starts a service (on the port of its last start: the coordinator's retries go to the URL it was given). */
    RemoteRig service(String service, List<String> jvmOptions, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(Main.class.getName(), "serve", service, "--port",
                Integer.toString(ports.getOrDefault(service, 0)), "--coordinator", coordinatorUrl,
                "--postgres-url", postgres.jdbcUrl("postgres"), "--postgres-user", postgres.user(),
                "--postgres-password", postgres.password(), "--mysql-url", mysql.jdbcUrl(""), "--mysql-user",
                mysql.user(), "--mysql-password", mysql.password(), "--database-prefix", prefix, "--quiet"));
        if (!Arrays.asList(extra).contains("--recovery-interval")) {
            args.addAll(List.of("--recovery-interval", "1"));
        }
        args.addAll(Arrays.asList(extra));
        String url = start(service, jvmOptions, args, service + " listening on ");
        ports.put(service, URI.create(url).getPort());
        return this;
    }

    RemoteRig service(String service, String... extra) throws Exception {
        return service(service, List.of(), extra);
    }

    /** The coordinator and the three services, started in parallel after the coordinator. */
    RemoteRig all() throws Exception {
        coordinator();
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (String s : SERVICES) {
            CompletableFuture<Void> started = new CompletableFuture<>();
            new Thread(() -> {
                try {
                    service(s);
                    started.complete(null);
                } catch (Exception e) {
                    started.completeExceptionally(e);
                }
            }, "start-" + s).start();
            starts.add(started);
        }
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).get(3, TimeUnit.MINUTES);
        return this;
    }

    /** Starts the service on this port from now on (a registered service must tell the coordinator its URL). */
    RemoteRig fixPort(String service, int port) {
        ports.put(service, port);
        return this;
    }

    String url(String service) {
        return "http://127.0.0.1:" + ports.get(service) + "/tx";
    }

    Process process(String name) {
        synchronized (running) {
            return running.get(name);
        }
    }

    String log(String name) throws IOException {
        return Files.readString(logs.get(name));
    }

    /** Waits for a process that halts on purpose; returns its exit status. */
    int awaitExit(String name) throws InterruptedException {
        Process p = process(name);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(name + " exits").isTrue();
        return p.exitValue();
    }

    /** kill -9. */
    void kill(String name) throws InterruptedException {
        Process p = process(name);
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
    }

    private String start(String name, List<String> jvmOptions, List<String> args, String readyPrefix) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // quick start-up on a small machine: these JVMs live for seconds and run little code
        command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.addAll(args);
        Path err = dir.resolve(name + "-" + System.nanoTime() + ".log");
        ProcessBuilder b = new ProcessBuilder(command).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        b.environment().keySet().removeIf(k -> k.startsWith("DTC_DEMO_"));
        b.environment().put("DTC_TOKEN", TOKEN);
        Process p = b.start();
        processes.add(p);
        synchronized (running) {
            running.put(name, p);
            logs.put(name, err);
        }
        // stdout may carry log lines (the test class path's logback configuration) before the ready line; it is
        // read to the end by a daemon thread so that the child never blocks on a full pipe
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread drain = new Thread(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    if (!ready.isDone() && line.startsWith(readyPrefix)) {
                        ready.complete(line);
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
            ready.complete(null);
        }, name + "-stdout");
        drain.setDaemon(true);
        drain.start();
        String first;
        try {
            first = ready.get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IllegalStateException(name + " did not start: " + Files.readString(err), e);
        }
        if (first == null) {
            p.destroyForcibly();
            throw new IllegalStateException(name + " ended without starting; stderr: " + Files.readString(err));
        }
        return first.substring(readyPrefix.length()).trim();
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---------------------------------------------------------------- place-order, HTTP

    record Placed(int status, JsonObject json, String err) {
        String outcome() {
            return json.get("outcome").getAsString();
        }

        String orderId() {
            return json.getAsJsonObject("order").get("orderId").getAsString();
        }
    }

    /** {@code place-order --coordinator ... --json} in this JVM, with the three services' URLs. */
    Placed placeOrder(String... options) {
        List<String> args = new ArrayList<>(List.of("place-order", "--coordinator", coordinatorUrl, "--orders-url",
                url("orders"), "--inventory-url", url("inventory"), "--payments-url", url("payments"), "--token-file",
                tokenFile.toString(), "--json"));
        args.addAll(Arrays.asList(options));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text.lines().count()).as("one JSON line; stderr: %s", err).isEqualTo(1);
        return new Placed(status, JsonParser.parseString(text).getAsJsonObject(), err.toString(StandardCharsets.UTF_8));
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** A POST to a service's {@code /tx/<op>}, as the coordinator sends it. */
    HttpResponse<String> call(String service, String op, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url(service) + "/" + op)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The coordinator's view of a transaction. */
    JsonObject transaction(String id) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(coordinatorUrl + "/v1/transactions/" + id))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + TOKEN).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return JsonParser.parseString(r.body()).getAsJsonObject();
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

    static long count(Connection c, String sql, Object... params) throws SQLException {
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

    /** Rows of the order in each database: [orders, order lines, payments, reserved units]. */
    List<Long> rowsOf(String orderId) throws SQLException {
        return List.of(count(orders(), "SELECT COUNT(*) FROM customer_order WHERE order_id = ?", orderId),
                count(orders(), "SELECT COUNT(*) FROM order_line WHERE order_id = ?", orderId),
                count(payments(), "SELECT COUNT(*) FROM payment WHERE order_id = ?", orderId),
                count(inventory(), "SELECT COALESCE(SUM(quantity), 0) FROM reservation WHERE order_id = ?", orderId));
    }

    int available(String sku) throws SQLException {
        return (int) count(inventory(), "SELECT available FROM product WHERE sku = ?", sku);
    }

    /** Prepared transactions in this rig's orders and payments databases. */
    List<String> preparedInPostgres() throws SQLException {
        List<String> gids = new ArrayList<>();
        try (Connection c = postgres.connect("postgres"); PreparedStatement ps = c.prepareStatement(
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

    /** Prepared XA branches of this rig's inventory service (XA RECOVER lists the whole server's). */
    List<String> preparedInMysql() throws SQLException {
        List<String> xids = new ArrayList<>();
        try (Connection c = inventory(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("XA RECOVER")) {
            while (rs.next()) {
                String data = new String(rs.getBytes("data"), StandardCharsets.ISO_8859_1);
                if (data.endsWith(prefix + "inventory")) {
                    xids.add(data);
                }
            }
        }
        return xids;
    }

    List<String> preparedAnywhere() throws SQLException {
        List<String> all = new ArrayList<>(preparedInPostgres());
        all.addAll(preparedInMysql());
        return all;
    }

}
