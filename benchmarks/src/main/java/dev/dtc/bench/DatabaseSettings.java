package dev.dtc.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where the {@code db-} configurations insert their rows: a PostgreSQL and a MySQL/MariaDB database, as JDBC URLs
 * with user and password. They travel from the parent to each child JVM in its environment, under the names
 * {@code docker/local-databases.sh} exports for the tests (so a password never shows on a command line).
 *
 * @param postgresUser  null: the one in the URL, else the driver's default
 * @param mysqlPassword null: the one in the URL, else none
 */
record DatabaseSettings(String postgresUrl, String postgresUser, String postgresPassword,
        String mysqlUrl, String mysqlUser, String mysqlPassword) {

    static final String POSTGRES_URL = "DTC_TEST_POSTGRES_URL";
    static final String POSTGRES_USER = "DTC_TEST_POSTGRES_USER";
    static final String POSTGRES_PASSWORD = "DTC_TEST_POSTGRES_PASSWORD";
    static final String MYSQL_URL = "DTC_TEST_MYSQL_URL";
    static final String MYSQL_USER = "DTC_TEST_MYSQL_USER";
    static final String MYSQL_PASSWORD = "DTC_TEST_MYSQL_PASSWORD";

    /** Both URLs from {@code env}, or empty if either is missing. */
    static Optional<DatabaseSettings> fromEnvironment(Map<String, String> env) {
        String postgres = blankToNull(env.get(POSTGRES_URL));
        String mysql = blankToNull(env.get(MYSQL_URL));
        if (postgres == null || mysql == null) {
            return Optional.empty();
        }
        return Optional.of(new DatabaseSettings(postgres, blankToNull(env.get(POSTGRES_USER)), env.get(POSTGRES_PASSWORD),
                mysql, blankToNull(env.get(MYSQL_USER)), env.get(MYSQL_PASSWORD)));
    }

    /** The variables {@link #fromEnvironment} reads, for a child's environment. */
    Map<String, String> toEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        put(env, POSTGRES_URL, postgresUrl);
        put(env, POSTGRES_USER, postgresUser);
        put(env, POSTGRES_PASSWORD, postgresPassword);
        put(env, MYSQL_URL, mysqlUrl);
        put(env, MYSQL_USER, mysqlUser);
        put(env, MYSQL_PASSWORD, mysqlPassword);
        return env;
    }

    /** The URLs without their parameters (which may hold a password), for the report. */
    String describe() {
        return "PostgreSQL " + withoutParameters(postgresUrl) + ", MySQL/MariaDB " + withoutParameters(mysqlUrl);
    }

    static String missingMessage() {
        return "the db- configurations need a PostgreSQL and a MySQL/MariaDB database: pass --postgres-url and"
                + " --mysql-url (with --postgres-user/--postgres-password, --mysql-user/--mysql-password), or set "
                + POSTGRES_URL + " and " + MYSQL_URL + " (eval \"$(bash docker/local-databases.sh)\" exports them"
                + " for this machine's servers)";
    }

    private static String withoutParameters(String url) {
        int q = url.indexOf('?');
        return (q < 0 ? url : url.substring(0, q)).replaceAll("//[^/@]*@", "//");
    }

    private static void put(Map<String, String> env, String name, String value) {
        if (value != null) {
            env.put(name, value);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
