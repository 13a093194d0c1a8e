package dev.dtc.testdb;

import java.util.Objects;

/**
 * A JDBC URL of the form {@code jdbc:<driver>://<hosts>[/<database>][?<parameters>]}, taken apart so the
 * database can be swapped: a server is named once (in the environment, say) and each test picks its database.
 */
final class JdbcUrl {

    private final String serverPart;
    private final String database;
    private final String parameters;

    private JdbcUrl(String serverPart, String database, String parameters) {
        this.serverPart = serverPart;
        this.database = database;
        this.parameters = parameters;
    }

    /**
     * @throws IllegalArgumentException if the text is not {@code jdbc:<driver>://...}; the message shows the expected form
     */
    static JdbcUrl parse(String url) {
        Objects.requireNonNull(url, "url");
        int hosts = url.indexOf("://");
        if (!url.startsWith("jdbc:") || hosts < 0) {
            throw new IllegalArgumentException("'" + url + "' is not a JDBC URL of the form"
                    + " jdbc:postgresql://host:port/database or jdbc:mysql://host:port/database");
        }
        int afterHosts = hosts + 3;
        int query = url.indexOf('?', afterHosts);
        String beforeQuery = query < 0 ? url : url.substring(0, query);
        String parameters = query < 0 ? "" : url.substring(query);
        int slash = beforeQuery.indexOf('/', afterHosts);
        if (slash < 0) {
            return new JdbcUrl(beforeQuery, "", parameters);
        }
        return new JdbcUrl(beforeQuery.substring(0, slash), beforeQuery.substring(slash + 1), parameters);
    }

    /** The database named in the URL, or "" when it names none. */
    String database() {
        return database;
    }

    /** The same server and parameters, with another database. */
    String withDatabase(String name) {
        return serverPart + "/" + name + parameters;
    }

    @Override
    public String toString() {
        return withDatabase(database);
    }
}
