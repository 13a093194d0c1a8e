package dev.dtc.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.dtc.demo.shop.InventoryDatabase;
import dev.dtc.demo.shop.Restock;
import dev.dtc.participant.DtcLocks;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The restock command against the real coordinator (a child JVM) and the test fixture's inventory database: it
 * writes under the lock stock-&lt;sku&gt; with the lock's fencing token, and a holder that paused past its lease is
 * refused by the table's fence. Every check reads the table's rows and asks the coordinator who holds the lock.
 */
class RestockTest {

    static DemoFixture demo;
    static RemoteRig rig;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        demo = new DemoFixture("demo_restock_");
        rig = new RemoteRig().coordinator();
        assertThat(demo.run("stock").status()).isZero(); // creates the databases
    }

    @AfterAll
    static void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    /** A product of this test run's own, fence 0: the databases outlive the run, the coordinator's tokens do not. */
    private static String freshProduct(int units) throws SQLException {
        String sku = "rs-" + UUID.randomUUID().toString().substring(0, 8);
        demo.stockProduct(sku, units, 100);
        return sku;
    }

    private static String[] restock(String... options) {
        String[] base = {"restock", "--coordinator", rig.coordinatorUrl, "--token-file", rig.tokenFile.toString()};
        String[] all = new String[base.length + options.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(options, 0, all, base.length, options.length);
        return all;
    }

    /** [available, fence] of the product's row. */
    private static long[] row(String sku) throws SQLException {
        try (Connection c = demo.inventory();
             PreparedStatement ps = c.prepareStatement("SELECT available, fence FROM product WHERE sku = ?")) {
            ps.setString(1, sku);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("product %s exists", sku).isTrue();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    /** The coordinator's own view of a lock. */
    private static JsonObject lockAtCoordinator(String name) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(rig.coordinatorUrl + "/v1/locks/" + name))
                .header("Authorization", "Bearer " + RemoteRig.TOKEN).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    @Test
    void restockWritesWithTheLocksTokenAndReleasesTheLock() throws Exception {
        String sku = freshProduct(5);
        JsonObject j = demo.json(restock("--item", sku + "=10"));
        assertThat(j.has("error")).as(j.toString()).isFalse();
        JsonObject r = j.getAsJsonArray("restocks").get(0).getAsJsonObject();
        assertThat(r.get("status").getAsString()).isEqualTo("WRITTEN");
        assertThat(r.get("lock").getAsString()).isEqualTo("stock-" + sku);
        long token = r.get("token").getAsLong();
        assertThat(token).isPositive();
        assertThat(row(sku)).containsExactly(15, token);
        assertThat(lockAtCoordinator("stock-" + sku).has("holder")).as("released").isFalse();

        // a second restock gets a higher token, and writes over the first one's fence
        JsonObject again = demo.json(restock("--item", sku + "=1"));
        long second = again.getAsJsonArray("restocks").get(0).getAsJsonObject().get("token").getAsLong();
        assertThat(second).isGreaterThan(token);
        assertThat(row(sku)).containsExactly(16, second);
    }

    @Test
    void aHolderThatPausesPastItsLeaseGetsALowerTokenAndItsWriteIsRefused() throws Exception {
        String sku = freshProduct(5);
        String lock = "stock-" + sku;
        // the paused holder: the restock command, with a 3 s lease that it stops renewing while it pauses 20 s
        // between its check of the lock and its write
        CompletableFuture<DemoFixture.Run> paused = CompletableFuture.supplyAsync(() -> demo.run(restock("--item",
                sku + "=100", "--ttl", "3", "--pause-before-write", "20", "--owner", "paused-holder", "--json")));
        await().atMost(3, TimeUnit.MINUTES).pollInterval(Duration.ofMillis(50)).until(() -> paused.isDone()
                || "paused-holder".equals(lockAtCoordinator(lock).has("holder")
                ? lockAtCoordinator(lock).get("holder").getAsString() : null));
        assertThat(paused).as("the paused holder must still be pausing").isNotDone();

        // the new holder gets the lock when the paused one's lease runs out, with a higher token, and writes
        long newToken;
        try (DtcLocks locks = DtcLocks.builder(URI.create(rig.coordinatorUrl)).token(RemoteRig.TOKEN)
                .owner("new-holder").build();
             DtcLocks.Lock held = locks.acquire(lock, Duration.ofSeconds(30), Duration.ofSeconds(60))) {
            newToken = held.token();
            assertThat(lockAtCoordinator(lock).get("holder").getAsString()).isEqualTo("new-holder");
            Restock written;
            try (Connection c = demo.inventory()) {
                written = InventoryDatabase.restock(c, sku, 7, lock, newToken);
            }
            assertThat(written.status()).isEqualTo(Restock.Status.WRITTEN);
        }
        assertThat(row(sku)).containsExactly(12, newToken);
        assertThat(paused).as("the paused holder must write after the new one").isNotDone();

        DemoFixture.Run run = paused.get(3, TimeUnit.MINUTES);
        assertThat(run.status()).as(run.err()).isEqualTo(ExitStatus.ROLLED_BACK);
        JsonObject r = run.json().getAsJsonArray("restocks").get(0).getAsJsonObject();
        assertThat(r.get("status").getAsString()).isEqualTo("STALE");
        long oldToken = r.get("token").getAsLong();
        assertThat(oldToken).isPositive().isLessThan(newToken);
        assertThat(r.get("fence").getAsLong()).isEqualTo(newToken);
        assertThat(r.get("detail").getAsString()).contains("a newer lock holder wrote first");
        // the table holds the new holder's write only
        assertThat(row(sku)).containsExactly(12, newToken);
        assertThat(lockAtCoordinator(lock).has("holder")).isFalse();
    }

    @Test
    void badRestocksSayWhatToFix() throws Exception {
        DemoFixture.Run noCoordinator = demo.run("restock", "--item", "widget=1");
        assertThat(noCoordinator.status()).isEqualTo(ExitStatus.USAGE);
        assertThat(noCoordinator.err()).contains("--coordinator");

        DemoFixture.Run unknown = demo.run(restock("--item", "no-such-product=1"));
        assertThat(unknown.status()).isEqualTo(ExitStatus.USAGE);
        assertThat(unknown.err()).contains("there is no product no-such-product");

        DemoFixture.Run badSku = demo.run(restock("--item", "wid/get=1"));
        assertThat(badSku.status()).isEqualTo(ExitStatus.USAGE);
        assertThat(badSku.err()).contains("cannot name a lock");

        DemoFixture.Run badTtl = demo.run(restock("--item", "widget=1", "--ttl", "0"));
        assertThat(badTtl.status()).isEqualTo(ExitStatus.USAGE);
        assertThat(badTtl.err()).contains("--ttl must be 1 to 3600 seconds");
    }

    @Test
    void anInventoryMadeBeforeTheFenceColumnGetsIt() throws Exception {
        DemoFixture old = new DemoFixture("demo_rsmig_");
        try (Connection c = old.mysql.connect(""); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS demo_rsmig_inventory");
            s.execute("CREATE DATABASE demo_rsmig_inventory");
        }
        try (Connection c = old.inventory(); Statement s = c.createStatement()) {
            // the table as earlier versions of inventory.sql made it
            s.execute("CREATE TABLE product (sku VARCHAR(64) NOT NULL PRIMARY KEY, name VARCHAR(200) NOT NULL,"
                    + " price_cents BIGINT NOT NULL, available INT NOT NULL,"
                    + " CONSTRAINT stock_never_negative CHECK (available >= 0)) ENGINE = InnoDB");
            s.execute("INSERT INTO product VALUES ('widget', 'Widget', 2500, 3)");
        }
        assertThat(old.count(old.inventory(), "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA ="
                + " 'demo_rsmig_inventory' AND TABLE_NAME = 'product' AND COLUMN_NAME = 'fence'")).isZero();

        DemoFixture.Run stock = old.run("stock");
        assertThat(stock.status()).as(stock.err()).isZero();
        assertThat(old.count(old.inventory(), "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA ="
                + " 'demo_rsmig_inventory' AND TABLE_NAME = 'product' AND COLUMN_NAME = 'fence'")).isOne();
        assertThat(old.count(old.inventory(), "SELECT fence FROM product WHERE sku = 'widget'")).isZero();
        assertThat(old.available("widget")).as("the row is kept").isEqualTo(3);

        String[] args = restock("--item", "widget=2");
        JsonObject j = old.json(args);
        assertThat(j.getAsJsonArray("restocks").get(0).getAsJsonObject().get("status").getAsString())
                .as(j.toString()).isEqualTo("WRITTEN");
        assertThat(old.available("widget")).isEqualTo(5);
        assertThat(old.run("stock").status()).as("a second start changes nothing").isZero();
    }
}
