package dev.dtc.demo.embedded;

import dev.dtc.demo.output.Progress;
import dev.dtc.demo.shop.ServerAddress;
import java.nio.file.Path;

/**
 * One embedded database server on kept data, for a service that owns one database ({@code serve}): PostgreSQL
 * for orders and payments, MariaDB (standing in for MySQL) for inventory. The same servers, settings and leftover
 * handling as {@link EmbeddedDatabases}, one at a time. The caller holds the {@link DataDirectoryLock} of
 * {@code home}'s parent directory.
 */
public final class EmbeddedServer implements AutoCloseable {

    private final PersistentPostgres postgres;
    private final PersistentMariaDb mariaDb;

    private EmbeddedServer(PersistentPostgres postgres, PersistentMariaDb mariaDb) {
        this.postgres = postgres;
        this.mariaDb = mariaDb;
    }

    /** Starts the server of that kind on {@code directory/postgres} or {@code directory/mariadb}. */
    public static EmbeddedServer start(ServerAddress.Kind kind, Path directory, Progress progress) {
        EmbeddedDatabases.checkDataDirectory(directory);
        return kind == ServerAddress.Kind.POSTGRES
                ? new EmbeddedServer(PersistentPostgres.start(directory.resolve("postgres"), progress), null)
                : new EmbeddedServer(null, PersistentMariaDb.start(directory.resolve("mariadb"), progress));
    }

    /** Where it answers: PostgreSQL as superuser {@code postgres}, MariaDB as root. */
    public ServerAddress address() {
        if (postgres != null) {
            return new ServerAddress(ServerAddress.Kind.POSTGRES, "jdbc:postgresql://localhost:" + postgres.port()
                    + "/postgres", "postgres", "", "embedded PostgreSQL (port " + postgres.port() + ")");
        }
        return new ServerAddress(ServerAddress.Kind.MYSQL, "jdbc:mysql://localhost:" + mariaDb.port() + "/", "root", "",
                "embedded MariaDB (port " + mariaDb.port() + ")");
    }

    /** Stops the server; prepared transactions stay on disk. */
    @Override
    public void close() {
        if (postgres != null) {
            postgres.close();
        } else {
            mariaDb.stop();
        }
    }
}
