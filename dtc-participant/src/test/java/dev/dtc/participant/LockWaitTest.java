package dev.dtc.participant;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A prepare whose work waits for a row lock held by a prepared branch (one left by a crash keeps its locks until
 * recovery settles it) stops waiting when the coordinator stops waiting for its vote ({@code Dtc-Timeout-Ms}), or
 * at the builder's {@code lockWait}, and votes ABORT, giving its connection back. Before, it waited for the
 * database's own limit (none on PostgreSQL, 50 s on MariaDB), holding a connection that phase two of other
 * transactions needed: the fault campaign's bank load saw commits stall for about 20 s at a time.
 */
class LockWaitTest {

    /** A table of this run's own: a branch an interrupted earlier run left prepared keeps its table locked. */
    private static final String TABLE = "kit_lock_wait_" + UUID.randomUUID().toString().substring(0, 8);

    static java.util.stream.Stream<KitDatabase> databases() {
        return KitDatabase.all();
    }

    /** Adds 1 to row 1 of the table, and keeps what the session's lock wait limit was while it worked. */
    private static final class CountingWork implements Work {
        final Map<String, String> limits = new ConcurrentHashMap<>();
        final boolean postgres;

        CountingWork(KitDatabase db) {
            this.postgres = db instanceof KitDatabase.Postgres;
        }

        @Override
        public boolean perform(String transactionId, com.fasterxml.jackson.databind.JsonNode payload, Connection c)
                throws SQLException {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    postgres ? "SHOW lock_timeout" : "SELECT @@SESSION.innodb_lock_wait_timeout")) {
                rs.next();
                limits.put(transactionId, rs.getString(1));
            }
            try (PreparedStatement u = c.prepareStatement("UPDATE " + TABLE + " SET n = n + 1 WHERE id = 1")) {
                u.executeUpdate();
            }
            return true;
        }
    }

    private static void freshTable(KitDatabase db) throws SQLException {
        db.prepareSchema();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id INT PRIMARY KEY, n INT NOT NULL)");
            s.execute("DELETE FROM " + TABLE);
            s.execute("INSERT INTO " + TABLE + " VALUES (1, 0)");
        }
    }

    @AfterAll
    static void dropTable() {
        databases().forEach(db -> {
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                // bounded: a branch a failed test left prepared would hold the table
                s.execute(db instanceof KitDatabase.Postgres ? "SET lock_timeout = 5000" : "SET SESSION lock_wait_timeout = 5");
                s.execute("DROP TABLE IF EXISTS " + TABLE);
            } catch (SQLException e) {
                // left behind; it is named after this run only
            }
        });
    }

    private static long counter(KitDatabase db) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT n FROM " + TABLE + " WHERE id = 1")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static byte[] prepareBody(String tx) {
        return ("{\"transactionId\":\"" + tx + "\",\"payload\":{}}").getBytes();
    }

    private static Participant participant(KitDatabase db, String name, Work work, Duration lockWait) {
        return Participant.builder().name(name).xaDataSource(db.xaDataSource()).work(work)
                .coordinator(URI.create("http://127.0.0.1:9")).token("t").recoveryInterval(Duration.ofHours(1))
                .maxConnections(4).lockWait(lockWait).build().start();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aPrepareBlockedByAPreparedBranchVotesAbortWhenTheCoordinatorStopsWaiting(KitDatabase db) throws Exception {
        freshTable(db);
        String name = "lockwait-" + UUID.randomUUID().toString().substring(0, 8);
        CountingWork work = new CountingWork(db);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Participant p = participant(db, name, work, null)) {
            String holder = "holder-" + UUID.randomUUID();
            assertThat(p.handle("POST", "/prepare", "Bearer t", null, prepareBody(holder)).json())
                    .contains("\"COMMIT\"");

            // the coordinator waits 1 s for this vote; the row it updates is locked by the prepared branch above
            String blocked = "blocked-" + UUID.randomUUID();
            CompletableFuture<Reply> vote = CompletableFuture.supplyAsync(
                    () -> p.handle("POST", "/prepare", "Bearer t", "1000", prepareBody(blocked)), pool);
            // generous: the bound is 1 s; without one PostgreSQL waits for ever and MariaDB 50 s
            Reply answer = vote.get(40, TimeUnit.SECONDS);
            assertThat(answer.json()).contains("\"ABORT\"");
            assertThat(answer.json().toLowerCase()).contains("lock");
            assertThat(db.preparedTransactions(name)).containsExactly(holder);
            assertThat(db.recordedState(name, blocked)).isEqualTo("ABORTED");

            assertThat(p.handle("POST", "/commit", "Bearer t", ("{\"transactionId\":\"" + holder + "\"}").getBytes())
                    .status()).isEqualTo(200);
            assertThat(counter(db)).isEqualTo(1);
            assertThat(db.preparedTransactions(name)).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void theBuilderBoundAppliesWithoutAHeaderAndABoundEndsWithItsBranch(KitDatabase db) throws Exception {
        freshTable(db);
        String name = "lockwait-" + UUID.randomUUID().toString().substring(0, 8);
        CountingWork work = new CountingWork(db);
        boolean postgres = db instanceof KitDatabase.Postgres;
        // one idle connection kept, so that calls one after the other work on the same session
        try (Participant p = Participant.builder().name(name).xaDataSource(db.xaDataSource()).work(work)
                .coordinator(URI.create("http://127.0.0.1:9")).token("t").recoveryInterval(Duration.ofHours(1))
                .maxConnections(2).maxIdleConnections(1).build().start()) {
            String bounded = "bounded-" + UUID.randomUUID();
            String unbounded = "unbounded-" + UUID.randomUUID();
            for (String tx : List.of(bounded, unbounded)) {
                Reply r = p.handle("POST", "/prepare", "Bearer t", tx == bounded ? "2500" : null, prepareBody(tx));
                assertThat(r.json()).contains("\"COMMIT\"");
                assertThat(p.handle("POST", "/commit", "Bearer t", ("{\"transactionId\":\"" + tx + "\"}").getBytes())
                        .status()).isEqualTo(200);
            }
            // MariaDB's limit is in whole seconds, rounded up; the next branch on the session gets the default back
            assertThat(work.limits.get(bounded)).isEqualTo(postgres ? "2500ms" : "3");
            assertThat(work.limits.get(unbounded)).isEqualTo(postgres ? "0" : serverDefault(db));
            assertThat(counter(db)).isEqualTo(2);
        }

        freshTable(db);
        String name2 = "lockwait-" + UUID.randomUUID().toString().substring(0, 8);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Participant p = participant(db, name2, work, Duration.ofMillis(700))) {
            String holder = "holder-" + UUID.randomUUID();
            assertThat(p.handle("POST", "/prepare", "Bearer t", null, prepareBody(holder)).json())
                    .contains("\"COMMIT\"");
            String blocked = "blocked-" + UUID.randomUUID();
            Reply answer = CompletableFuture.supplyAsync(
                    () -> p.handle("POST", "/prepare", "Bearer t", null, prepareBody(blocked)), pool)
                    .get(40, TimeUnit.SECONDS);
            assertThat(answer.json()).contains("\"ABORT\"");
            assertThat(work.limits.get(blocked)).isEqualTo(postgres ? "700ms" : "1");
            p.handle("POST", "/rollback", "Bearer t", ("{\"transactionId\":\"" + holder + "\"}").getBytes());
            assertThat(db.preparedTransactions(name2)).isEmpty();
            assertThat(counter(db)).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    private static String serverDefault(KitDatabase db) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@GLOBAL.innodb_lock_wait_timeout")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
