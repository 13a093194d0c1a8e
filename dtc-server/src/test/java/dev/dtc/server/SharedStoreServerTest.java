package dev.dtc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dtc.testdb.DatabaseServer;
import dev.dtc.testdb.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two coordinators on one shared PostgreSQL store, in one JVM, over real HTTP: either answers for the other's
 * transactions, forwards the calls on an open transaction to its owner, and finishes what a stopped one left.
 * (Kills and pauses of real processes are the fault campaign's {@code takeover} part.)
 */
class SharedStoreServerTest {
    private static final AtomicInteger RUN = new AtomicInteger();

    @TempDir
    Path dir;
    private final String schema = "srv" + ProcessHandle.current().pid() + "_" + RUN.incrementAndGet();
    private final String url = storeUrl(schema);
    private final List<AutoCloseable> open = new ArrayList<>();

    static String storeUrl(String schema) {
        DatabaseServer pg = TestDatabases.postgres();
        pg.createDatabase("dtc_store");
        String jdbc = pg.jdbcUrl("dtc_store");
        return jdbc + (jdbc.contains("?") ? "&" : "?") + "schema=" + schema + "&user=" + pg.user()
                + (pg.password() == null || pg.password().isEmpty() ? "" : "&password=" + pg.password());
    }

    private DtcServer coordinator(String node) throws Exception {
        ServerConfig c = new ServerConfig("127.0.0.1", 0, dir.resolve(node), node, "s3cret", 32, 1 << 20,
                Duration.ofDays(7), Duration.ofSeconds(1), Duration.ofSeconds(2), Faults.NONE,
                dev.dtc.log.LogConfig.DEFAULT_SEGMENT_BYTES, url, null, Duration.ofSeconds(2));
        DtcServer s = DtcServer.start(c);
        open.add(s);
        return s;
    }

    private TestParticipant participant(String name) throws Exception {
        TestParticipant p = new TestParticipant(name);
        open.add(p);
        return p;
    }

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void eitherCoordinatorAnswersForTheOthersTransactionByForwardingToItsLiveOwner() throws Exception {
        DtcServer a = coordinator("shared-a");
        DtcServer b = coordinator("shared-b");
        TestParticipant orders = participant("orders");
        TestParticipant stock = participant("stock");
        Api viaA = new Api(a.url(), "s3cret");
        Api viaB = new Api(b.url(), "s3cret");

        Api.Answer done = viaA.post(Api.transaction(5_000, orders, stock));
        String id = done.body().get("id").asText();
        assertThat(id).startsWith("shared-a~");

        Api.Answer asked = viaB.get("/v1/transactions/" + id);
        assertThat(asked.status()).isEqualTo(200);
        assertThat(asked.body().get("outcome").asText()).isEqualTo("COMMITTED");
        assertThat(asked.headers().get(OtherNodes.FORWARDED_BY.toLowerCase())).containsExactly("shared-b");

        Api.Answer unknown = viaB.get("/v1/transactions/shared-a~zz~1");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().get("outcome").asText()).isEqualTo("ROLLED_BACK");

        Api.Answer stranger = viaB.get("/v1/transactions/elsewhere~zz~1");
        assertThat(stranger.status()).isEqualTo(421);
        assertThat(stranger.body().get("error").asText()).contains("no node elsewhere");
    }

    @Test
    void anOpenTransactionBegunOnOneIsCommittedThroughTheOther() throws Exception {
        DtcServer a = coordinator("shared-a");
        DtcServer b = coordinator("shared-b");
        TestParticipant orders = participant("orders");
        Api viaA = new Api(a.url(), "s3cret");
        Api viaB = new Api(b.url(), "s3cret");

        Api.Answer begun = viaA.post("{\"open\": true, \"timeoutMs\": 10000}");
        assertThat(begun.status()).as(begun.body().toString()).isEqualTo(201);
        String id = begun.body().get("id").asText();
        Api.Answer joined = viaB.postTo("/v1/transactions/" + id + "/participants",
                "{\"name\": \"orders\", \"url\": \"" + orders.url() + "\"}");
        assertThat(joined.status()).as(joined.body().toString()).isIn(200, 201);
        Api.Answer committed = viaB.postTo("/v1/transactions/" + id + "/commit", "");
        assertThat(committed.status()).as(committed.body().toString()).isEqualTo(200);
        assertThat(committed.body().get("outcome").asText()).isEqualTo("COMMITTED");
        assertThat(orders.ops(id)).containsExactly("prepare", "commit");
    }

    @Test
    void aCoordinatorStoppedWithACommitUnfinishedIsTakenOverAndItsOutcomeAnsweredByTheOther() throws Exception {
        DtcServer a = coordinator("shared-a");
        DtcServer b = coordinator("shared-b");
        TestParticipant orders = participant("orders");
        TestParticipant stock = participant("stock");
        Api viaA = new Api(a.url(), "s3cret");
        Api viaB = new Api(b.url(), "s3cret");

        stock.failPhaseTwo.set(Integer.MAX_VALUE); // stock takes the prepare, then fails every commit for now
        Api.Answer done = viaA.post(Api.transaction(5_000, orders, stock));
        String id = done.body().get("id").asText();
        assertThat(done.body().get("outcome").asText()).isEqualTo("COMMITTED");
        assertThat(done.body().get("phase2").asText()).isEqualTo("PENDING");
        a.close(); // stops with the decision pending: it releases its lease unsettled

        stock.failPhaseTwo.set(0);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(stock.ops(id)).contains("commit");
            assertThat(count("SELECT count(*) FROM dtc_record WHERE node = 'shared-a'")).isZero();
            assertThat(count("SELECT count(*) FROM dtc_node WHERE node = 'shared-a' AND settled")).isEqualTo(1);
        });
        Api.Answer asked = viaB.get("/v1/transactions/" + id);
        assertThat(asked.status()).isEqualTo(200);
        assertThat(asked.body().get("outcome").asText()).isEqualTo("COMMITTED");
    }

    private long count(String sql) throws Exception {
        DatabaseServer pg = TestDatabases.postgres();
        try (Connection c = pg.connect("dtc_store"); Statement s = c.createStatement()) {
            s.execute("SET search_path TO " + schema);
            try (ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
