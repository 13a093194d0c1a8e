package dev.dtc.demo.embedded;

import dev.dtc.demo.output.Progress;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * zonky's embedded PostgreSQL on a data directory that is kept between demo commands (zonky's default is a fresh
 * temporary one per start), so orders placed by one command are there for the next, and so are the prepared
 * transactions a crashed command left for recovery.
 *
 * <p>Settings, and why:
 * <ul>
 *   <li>{@code max_prepared_transactions}: PostgreSQL's default 0 disables PREPARE TRANSACTION, i.e. XA;</li>
 *   <li>{@code fsync} and {@code synchronous_commit} on: zonky turns both off for speed, but the demo is about
 *       surviving crashes, and a prepared transaction must be on disk before the branch votes yes;</li>
 *   <li>as root, zonky runs initdb and postgres through {@code unshare -U} (both refuse to run as root); that
 *       needs user namespaces, checked first so the failure says so.</li>
 * </ul>
 */
final class PersistentPostgres implements AutoCloseable {

    static final int MAX_PREPARED_TRANSACTIONS = 100;

    private final EmbeddedPostgres server;

    private PersistentPostgres(EmbeddedPostgres server) {
        this.server = server;
    }

    /** Starts PostgreSQL on {@code home/data}, creating the data directory on the first run. */
    static PersistentPostgres start(Path home, Progress progress) {
        checkNotRootWithoutUserNamespaces();
        Path data = home.resolve("data");
        LeftoverServer.stopIfRunning("PostgreSQL", data.resolve("postmaster.pid"), List.of("postgres"), progress);
        boolean fresh = !Files.exists(data.resolve("postgresql.conf"));
        try (Progress.Step step = progress.step(fresh
                ? "creating and starting the embedded PostgreSQL in " + data + " (first run: unpacking and initdb)"
                : "starting the embedded PostgreSQL in " + data)) {
            if (fresh) {
                // an initdb that was interrupted leaves a directory initdb refuses to reuse; it holds no data yet
                Directories.deleteRecursively(data);
            }
            Files.createDirectories(home);
            Path log = home.resolve("postgres.log");
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(data)
                    .setCleanDataDirectory(false)
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("max_prepared_transactions", Integer.toString(MAX_PREPARED_TRANSACTIONS))
                    .setServerConfig("max_connections", "200")
                    .setPGStartupWait(Duration.ofMinutes(2))
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            step.done("PostgreSQL ready on port " + pg.getPort());
            return new PersistentPostgres(pg);
        } catch (IOException e) {
            throw new UncheckedIOException("the embedded PostgreSQL did not start: " + e.getMessage()
                    + "; its output is in " + home.resolve("postgres.log")
                    + EmbeddedPlatform.current().postgresNote(), e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the embedded PostgreSQL did not start: " + e.getMessage()
                    + "; its output is in " + home.resolve("postgres.log")
                    + EmbeddedPlatform.current().postgresNote(), e);
        }
    }

    int port() {
        return server.getPort();
    }

    /** Stops the server (a fast shutdown: prepared transactions stay, open sessions are ended). */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("stopping the embedded PostgreSQL failed", e);
        }
    }

    private static void checkNotRootWithoutUserNamespaces() {
        boolean linux = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
        if (linux && "root".equals(System.getProperty("user.name")) && !LinuxUtils.isUnshareAvailable()) {
            throw new IllegalStateException("the demo runs as root and 'unshare -U' is not available, so the embedded"
                    + " PostgreSQL cannot start (initdb and postgres refuse to run as root). Run the demo as another"
                    + " user, allow user namespaces, or point it at a server with --postgres-url");
        }
    }
}
