package dev.dtc.bench;

import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The command-line options naming the {@code db-} configurations' databases; each falls back to the variable
 * {@code docker/local-databases.sh} exports (shown in brackets), so on a machine prepared for the tests no option
 * is needed.
 */
final class DatabaseOptions {

    @Option(names = "--postgres-url", paramLabel = "JDBC_URL",
            description = "PostgreSQL database for the db- configurations, e.g. jdbc:postgresql://127.0.0.1:5432/dtc"
                    + " [" + DatabaseSettings.POSTGRES_URL + "]; it needs max_prepared_transactions > 0.")
    String postgresUrl;

    @Option(names = "--postgres-user", paramLabel = "USER", description = "[" + DatabaseSettings.POSTGRES_USER + "]")
    String postgresUser;

    @Option(names = "--postgres-password", paramLabel = "PASSWORD",
            description = "[" + DatabaseSettings.POSTGRES_PASSWORD + "]")
    String postgresPassword;

    @Option(names = "--mysql-url", paramLabel = "JDBC_URL",
            description = "MySQL/MariaDB database for the db- configurations, e.g. jdbc:mysql://127.0.0.1:3306/dtc"
                    + " [" + DatabaseSettings.MYSQL_URL + "].")
    String mysqlUrl;

    @Option(names = "--mysql-user", paramLabel = "USER", description = "[" + DatabaseSettings.MYSQL_USER + "]")
    String mysqlUser;

    @Option(names = "--mysql-password", paramLabel = "PASSWORD", description = "[" + DatabaseSettings.MYSQL_PASSWORD + "]")
    String mysqlPassword;

    /** The options, each falling back to {@code env}; empty if either URL is given nowhere. */
    Optional<DatabaseSettings> resolve(Map<String, String> env) {
        String pgUrl = first(postgresUrl, env.get(DatabaseSettings.POSTGRES_URL));
        String myUrl = first(mysqlUrl, env.get(DatabaseSettings.MYSQL_URL));
        if (pgUrl == null || myUrl == null) {
            return Optional.empty();
        }
        return Optional.of(new DatabaseSettings(pgUrl,
                first(postgresUser, env.get(DatabaseSettings.POSTGRES_USER)),
                first(postgresPassword, env.get(DatabaseSettings.POSTGRES_PASSWORD)),
                myUrl,
                first(mysqlUser, env.get(DatabaseSettings.MYSQL_USER)),
                first(mysqlPassword, env.get(DatabaseSettings.MYSQL_PASSWORD))));
    }

    private static String first(String option, String variable) {
        if (option != null && !option.isBlank()) {
            return option;
        }
        return variable == null || variable.isBlank() ? null : variable;
    }
}
