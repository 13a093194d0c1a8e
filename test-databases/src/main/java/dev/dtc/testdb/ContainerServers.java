package dev.dtc.testdb;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MySQLContainer;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Option 2: throw-away containers when a Docker engine answers. Testcontainers' Ryuk removes them when the JVM
 * exits, so nothing here stops them.
 */
final class ContainerServers {

    static final String POSTGRES_IMAGE = "postgres:15";
    static final String MYSQL_IMAGE = "mysql:8.4";

    private ContainerServers() {
    }

    /** Asks Testcontainers whether an engine answers; any trouble asking counts as "no". */
    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) { // NOPMD: a broken Docker set-up (or missing native library) just means "no Docker"
            return false;
        }
    }

    @SuppressWarnings("resource") // lives until the JVM exits
    static RunningServer postgres() {
        // the image ships with max_prepared_transactions = 0, which disables PREPARE TRANSACTION
        PostgreSQLContainer<?> container = new PostgreSQLContainer<>(DockerImageName.parse(POSTGRES_IMAGE))
                .withCommand("postgres", "-c", "max_prepared_transactions=200");
        container.start();
        return new RunningServer(DatabaseKind.POSTGRES, JdbcUrl.parse(container.getJdbcUrl()),
                container.getUsername(), container.getPassword(), "Testcontainers " + POSTGRES_IMAGE);
    }

    @SuppressWarnings("resource") // lives until the JVM exits
    static RunningServer mysql() {
        // root, because XA RECOVER needs the XA_RECOVER_ADMIN privilege on MySQL 8
        MySQLContainer<?> container = new MySQLContainer<>(DockerImageName.parse(MYSQL_IMAGE))
                .withUsername("root")
                .withPassword("test");
        container.start();
        // getJdbcUrl() has no parameters; without SSL, MySQL 8's caching_sha2_password needs the server's RSA key
        // (the parameters Testcontainers itself connects with)
        String url = container.getJdbcUrl() + "?useSSL=false&allowPublicKeyRetrieval=true";
        return new RunningServer(DatabaseKind.MYSQL, JdbcUrl.parse(url),
                container.getUsername(), container.getPassword(), "Testcontainers " + MYSQL_IMAGE);
    }
}
