package dev.dtc.testdb;

import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

/**
 * Option 1: a server named by environment variables. When they are set, they win, and a server that does not
 * answer is an error rather than a reason to fall back: whoever set them wants that server tested.
 */
final class EnvironmentServer {

    private EnvironmentServer() {
    }

    static String urlVariable(DatabaseKind kind) {
        return prefix(kind) + "URL";
    }

    static String userVariable(DatabaseKind kind) {
        return prefix(kind) + "USER";
    }

    static String passwordVariable(DatabaseKind kind) {
        return prefix(kind) + "PASSWORD";
    }

    private static String prefix(DatabaseKind kind) {
        return kind == DatabaseKind.POSTGRES ? "DTC_TEST_POSTGRES_" : "DTC_TEST_MYSQL_";
    }

    private static String defaultUser(DatabaseKind kind) {
        return kind == DatabaseKind.POSTGRES ? "postgres" : "root";
    }

    /**
     * @return the server named in {@code env}, checked to answer; empty when its URL variable is not set
     * @throws IllegalStateException when the variables are set but wrong, or the server does not answer
     */
    static Optional<RunningServer> find(DatabaseKind kind, Map<String, String> env) {
        String url = blankToNull(env.get(urlVariable(kind)));
        if (url == null) {
            for (String other : new String[] {userVariable(kind), passwordVariable(kind)}) {
                if (blankToNull(env.get(other)) != null) {
                    throw new IllegalStateException(other + " is set but " + urlVariable(kind) + " is not: set "
                            + urlVariable(kind) + " too (e.g. " + example(kind) + "), or unset " + other);
                }
            }
            return Optional.empty();
        }
        JdbcUrl parsed;
        try {
            parsed = JdbcUrl.parse(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(urlVariable(kind) + ": " + e.getMessage(), e);
        }
        String user = Optional.ofNullable(blankToNull(env.get(userVariable(kind)))).orElse(defaultUser(kind));
        String password = Optional.ofNullable(env.get(passwordVariable(kind))).orElse("");
        RunningServer server = new RunningServer(kind, parsed, user, password,
                "environment (" + urlVariable(kind) + "=" + url + ")");
        try {
            server.checkAnswers();
        } catch (SQLException e) {
            throw new IllegalStateException(urlVariable(kind) + "=" + url + " (user " + user + ") does not answer: "
                    + e.getMessage() + ". Start that server (on Debian: eval \"$(docker/local-databases.sh)\"), fix "
                    + urlVariable(kind) + "/" + userVariable(kind) + "/" + passwordVariable(kind)
                    + ", or unset them to use Testcontainers or an embedded database.", e);
        }
        return Optional.of(server);
    }

    static String example(DatabaseKind kind) {
        return kind == DatabaseKind.POSTGRES ? "jdbc:postgresql://127.0.0.1:5432/dtc" : "jdbc:mysql://127.0.0.1:3306/dtc";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
