package dev.dtc.testdb;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * A running database server that tests may use: where to reach it, as whom, and a way to make a
 * database of one's own on it. Obtain one from {@link TestDatabases}; it lives until the JVM exits.
 */
public interface DatabaseServer {

    DatabaseKind kind();

    /** JDBC URL of the given database on this server (the database need not exist yet: see {@link #createDatabase}). */
    String jdbcUrl(String database);

    String user();

    String password();

    /**
     * Creates the database if it does not exist; calling it again (also from another JVM) is harmless.
     *
     * @param name lower-case letters, digits and underscores, starting with a letter (so it needs no quoting)
     * @throws IllegalArgumentException if the name has other characters
     * @throws IllegalStateException    if the server refuses
     */
    void createDatabase(String name);

    /** Where this server came from, e.g. {@code environment (DTC_TEST_POSTGRES_URL=...)} or {@code embedded PostgreSQL ...}. */
    String origin();

    /** Opens a plain JDBC connection to the given database (it must exist). */
    default Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), user(), password());
    }
}
