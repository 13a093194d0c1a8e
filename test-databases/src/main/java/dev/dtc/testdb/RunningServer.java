package dev.dtc.testdb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.regex.Pattern;

/** A server that answers, however it was obtained: the one {@link DatabaseServer} implementation. */
final class RunningServer implements DatabaseServer {

    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    /** PostgreSQL's SQLSTATE for CREATE DATABASE of a name that exists. */
    private static final String DUPLICATE_DATABASE = "42P04";
    /** Two sessions creating the same database at once: the loser trips over pg_database's unique index. */
    private static final String UNIQUE_VIOLATION = "23505";

    private final DatabaseKind kind;
    private final JdbcUrl url;
    private final String user;
    private final String password;
    private final String origin;

    RunningServer(DatabaseKind kind, JdbcUrl url, String user, String password, String origin) {
        this.kind = Objects.requireNonNull(kind);
        this.url = Objects.requireNonNull(url);
        this.user = Objects.requireNonNull(user);
        this.password = Objects.requireNonNull(password);
        this.origin = Objects.requireNonNull(origin);
    }

    @Override
    public DatabaseKind kind() {
        return kind;
    }

    @Override
    public String jdbcUrl(String database) {
        return url.withDatabase(database);
    }

    @Override
    public String user() {
        return user;
    }

    @Override
    public String password() {
        return password;
    }

    @Override
    public String origin() {
        return origin;
    }

    /** The database the server was named with (or the kind's default): where administration happens. */
    String adminDatabase() {
        return url.database().isEmpty() ? kind.defaultAdminDatabase() : url.database();
    }

    /** Opens and closes one connection, so a server that does not answer is found at start, not in the middle of a test. */
    void checkAnswers() throws SQLException {
        try (Connection c = connect(adminDatabase()); Statement s = c.createStatement()) {
            s.execute("SELECT 1");
        }
    }

    @Override
    public void createDatabase(String name) {
        if (name == null || !DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("database name '" + name + "' must match " + DATABASE_NAME.pattern());
        }
        try (Connection c = connect(adminDatabase())) {
            if (kind == DatabaseKind.MYSQL) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE IF NOT EXISTS " + name);
                }
            } else {
                createPostgresDatabase(c, name);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + " on " + origin + ": " + e.getMessage(), e);
        }
    }

    /** PostgreSQL has no CREATE DATABASE IF NOT EXISTS, and CREATE DATABASE cannot run inside a transaction block. */
    private static void createPostgresDatabase(Connection c, String name) throws SQLException {
        try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, name);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            if (!DUPLICATE_DATABASE.equals(e.getSQLState()) && !UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
        }
    }

    @Override
    public String toString() {
        return kind + " at " + url + " as " + user + " (" + origin + ")";
    }
}
