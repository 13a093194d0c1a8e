package dev.dtc.demo.shop;

import java.util.Objects;

/**
 * A database server the demo uses, and how to log in: the URL names the server (and a database on it where the
 * demo may connect to create its own databases); {@link #jdbcUrl(String)} swaps in one of the demo's databases.
 *
 * @param kind     PostgreSQL or MySQL/MariaDB
 * @param url      {@code jdbc:postgresql://host:port/db[?params]} or {@code jdbc:mysql://host:port[/db][?params]}
 * @param user     the user to log in as
 * @param password may be empty
 * @param origin   where the server comes from, for messages (e.g. "embedded PostgreSQL (port 5433)")
 */
public record ServerAddress(Kind kind, String url, String user, String password, String origin) {

    /** The two database families. */
    public enum Kind {
        POSTGRES("PostgreSQL", "jdbc:postgresql://", "jdbc:postgresql://127.0.0.1:5432/postgres", "postgres"),
        MYSQL("MySQL/MariaDB", "jdbc:mysql://", "jdbc:mysql://127.0.0.1:3306/", "");

        private final String displayName;
        private final String prefix;
        private final String example;
        private final String adminDatabase;

        Kind(String displayName, String prefix, String example, String adminDatabase) {
            this.displayName = displayName;
            this.prefix = prefix;
            this.example = example;
            this.adminDatabase = adminDatabase;
        }

        @Override
        public String toString() {
            return displayName;
        }
    }

    public ServerAddress {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(user, "user");
        password = password == null ? "" : password;
        Objects.requireNonNull(origin, "origin");
        if (!url.startsWith(kind.prefix) || url.length() == kind.prefix.length()) {
            throw new IllegalArgumentException("'" + withoutParameters(url) + "' is not a " + kind + " JDBC URL; expected"
                    + " the form " + kind.example);
        }
    }

    /** The same server and parameters with another database. */
    public String jdbcUrl(String database) {
        return serverPart() + "/" + database + parameters();
    }

    /** The database of the URL (or the kind's usual one when it names none), where the demo creates its own. */
    public String adminUrl() {
        return jdbcUrl(database().isEmpty() ? kind.adminDatabase : database());
    }

    /** The URL without its parameters, which may hold a password: for messages. */
    public String displayUrl() {
        return withoutParameters(url);
    }

    private String serverPart() {
        String s = withoutParameters(url);
        int slash = s.indexOf('/', kind.prefix.length());
        return slash < 0 ? s : s.substring(0, slash);
    }

    private String database() {
        String s = withoutParameters(url);
        int slash = s.indexOf('/', kind.prefix.length());
        return slash < 0 ? "" : s.substring(slash + 1);
    }

    private String parameters() {
        int q = url.indexOf('?');
        return q < 0 ? "" : url.substring(q);
    }

    private static String withoutParameters(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    @Override
    public String toString() {
        return kind + " at " + displayUrl() + " as " + user + " (" + origin + ")";
    }
}
