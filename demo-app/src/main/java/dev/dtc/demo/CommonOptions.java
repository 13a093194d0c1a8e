package dev.dtc.demo;

import dev.dtc.demo.embedded.EmbeddedDatabases;
import dev.dtc.demo.embedded.EmbeddedPlatform;
import dev.dtc.demo.shop.DatabaseNames;
import dev.dtc.demo.shop.ServerAddress;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Options every command takes: where the databases are (embedded by default), where the demo keeps its data, and
 * how to print. Each may also come from an environment variable, so a shell can be set up once.
 */
final class CommonOptions {

    @Option(names = "--json", description = "Print one JSON document on stdout instead of text for a person.")
    boolean json;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:DTC_DEMO_HOME:-${sys:user.home}/.dtc-demo}",
            description = "Where the embedded databases keep their data and dtc its decision log, kept between"
                    + " commands (default: ${DEFAULT-VALUE}; env DTC_DEMO_HOME).")
    Path dataDirectory;

    @Option(names = "--postgres-url", paramLabel = "URL", defaultValue = "${env:DTC_DEMO_POSTGRES_URL}",
            description = "A PostgreSQL server to use instead of the embedded one, e.g."
                    + " jdbc:postgresql://127.0.0.1:5432/postgres; the demo creates its databases orders and payments"
                    + " there (env DTC_DEMO_POSTGRES_URL). Needs max_prepared_transactions > 0.")
    String postgresUrl;

    @Option(names = "--postgres-user", paramLabel = "USER", defaultValue = "${env:DTC_DEMO_POSTGRES_USER:-postgres}",
            description = "PostgreSQL user (default: ${DEFAULT-VALUE}; env DTC_DEMO_POSTGRES_USER).")
    String postgresUser;

    @Option(names = "--postgres-password", paramLabel = "PASSWORD", defaultValue = "${env:DTC_DEMO_POSTGRES_PASSWORD:-}",
            description = "PostgreSQL password (env DTC_DEMO_POSTGRES_PASSWORD, which keeps it out of `ps`).")
    String postgresPassword;

    @Option(names = "--mysql-url", paramLabel = "URL", defaultValue = "${env:DTC_DEMO_MYSQL_URL}",
            description = "A MySQL 8 or MariaDB server to use instead of the embedded MariaDB, e.g."
                    + " jdbc:mysql://127.0.0.1:3306/; the demo creates its database inventory there"
                    + " (env DTC_DEMO_MYSQL_URL).")
    String mysqlUrl;

    @Option(names = "--mysql-user", paramLabel = "USER", defaultValue = "${env:DTC_DEMO_MYSQL_USER:-root}",
            description = "MySQL user (default: ${DEFAULT-VALUE}; env DTC_DEMO_MYSQL_USER); needs XA_RECOVER_ADMIN on MySQL 8.")
    String mysqlUser;

    @Option(names = "--mysql-password", paramLabel = "PASSWORD", defaultValue = "${env:DTC_DEMO_MYSQL_PASSWORD:-}",
            description = "MySQL password (env DTC_DEMO_MYSQL_PASSWORD).")
    String mysqlPassword;

    @Option(names = "--database-prefix", paramLabel = "PREFIX", defaultValue = "${env:DTC_DEMO_DATABASE_PREFIX:-}",
            description = "Prefix of the demo's database names, to keep several demos apart on shared servers"
                    + " (env DTC_DEMO_DATABASE_PREFIX).")
    String databasePrefix;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Transaction timeout in seconds (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--pool-size", paramLabel = "N", defaultValue = "10", hidden = true,
            description = "The most connections each participant's pool opens (default: ${DEFAULT-VALUE}).")
    int poolSize;

    @Option(names = "--quiet", description = "No set-up progress on stderr.")
    boolean quiet;

    /** True if the embedded databases are used: no server was named. */
    boolean embedded() {
        return blank(postgresUrl) && blank(mysqlUrl);
    }

    /**
     * The servers named on the command line or in the environment; empty for the embedded ones.
     *
     * @throws IllegalArgumentException if only one of the two is named, or a URL is malformed
     */
    Optional<Servers> namedServers() {
        if (embedded()) {
            return Optional.empty();
        }
        if (blank(postgresUrl) || blank(mysqlUrl)) {
            throw new IllegalArgumentException("give both --postgres-url and --mysql-url (or DTC_DEMO_POSTGRES_URL and"
                    + " DTC_DEMO_MYSQL_URL) to use your own servers, or neither for the embedded ones");
        }
        return Optional.of(new Servers(
                new ServerAddress(ServerAddress.Kind.POSTGRES, postgresUrl.trim(), postgresUser, postgresPassword, "named"),
                new ServerAddress(ServerAddress.Kind.MYSQL, mysqlUrl.trim(), mysqlUser, mysqlPassword, "named")));
    }

    DatabaseNames databaseNames() {
        return new DatabaseNames(databasePrefix == null ? "" : databasePrefix.trim());
    }

    void validate() {
        if (timeoutSeconds < 1 || timeoutSeconds > 3600) {
            throw new IllegalArgumentException("--timeout must be 1 to 3600 seconds, was " + timeoutSeconds);
        }
        if (poolSize < 1 || poolSize > 100) {
            throw new IllegalArgumentException("--pool-size must be 1 to 100, was " + poolSize);
        }
        databaseNames();
        namedServers();
        if (embedded()) {
            EmbeddedPlatform.current().checkMariaDb();
            EmbeddedDatabases.checkDataDirectory(dataDirectory);
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** The PostgreSQL and MySQL servers the demo uses. */
    record Servers(ServerAddress postgres, ServerAddress mysql) {
    }
}
