package dev.dtc.store.postgresql;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates or migrates dtc's tables, once per start, under a transaction-scoped advisory lock so that coordinators
 * starting together do not race. Versioned scripts ({@code V1__shared_store.sql}, ...) are applied in order, each
 * with the version bump in one transaction; a database at a version newer than this dtc knows is refused (an older
 * coordinator must not write to tables whose meaning it does not know).
 *
 * <p>Why not Flyway or Liquibase: the store has a handful of tables and one script; a dependency of many
 * megabytes and its own metadata table would be most of the module. The rules above are the whole job.
 */
final class Schema {
    private static final Logger LOG = LoggerFactory.getLogger(Schema.class);

    /** The newest version this code knows; a script {@code V<n>__*.sql} exists for each. */
    static final int CURRENT = 1;
    private static final String[] SCRIPTS = {null, "V1__shared_store.sql"};
    /** Arbitrary, fixed: the advisory lock key of dtc's migrations ("dtc" in ASCII). */
    private static final long LOCK_KEY = 0x647463L;

    private Schema() {
    }

    /**
     * Brings the schema to {@link #CURRENT}.
     *
     * @throws IOException if the database is newer than this code, or a script fails (nothing of it is applied)
     */
    static void migrate(DataSource ds, String schema, String where) throws IOException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
                if (schema != null) {
                    s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
                }
                s.execute("CREATE TABLE IF NOT EXISTS dtc_schema (version integer NOT NULL)");
                int version = 0;
                try (ResultSet rs = s.executeQuery("SELECT max(version) FROM dtc_schema")) {
                    if (rs.next()) {
                        version = rs.getInt(1);
                    }
                }
                if (version > CURRENT) {
                    c.rollback();
                    throw new IOException("the shared store at " + where + " has schema version " + version
                            + ", newer than this dtc knows (" + CURRENT + "): a newer dtc wrote it; run that version"
                            + " (an older coordinator must not write tables it does not understand)");
                }
                for (int v = version + 1; v <= CURRENT; v++) {
                    for (String statement : statements(SCRIPTS[v])) {
                        s.execute(statement);
                    }
                    s.execute("INSERT INTO dtc_schema (version) VALUES (" + v + ")");
                    LOG.info("shared store at {}: schema migrated to version {} ({})", where, v, SCRIPTS[v]);
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw new IOException("could not create or check dtc's tables in the shared store at " + where + ": "
                    + e.getMessage() + " (the store's user needs CREATE on the database or schema)", e);
        }
    }

    /** The script's statements: split at semicolons that end a line; the scripts have no semicolons in strings. */
    private static String[] statements(String script) throws IOException {
        try (InputStream in = Schema.class.getResourceAsStream(script)) {
            if (in == null) {
                throw new IOException("schema script " + script + " is missing from the dtc-store-postgresql jar");
            }
            StringBuilder sql = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                int comment = line.indexOf("--");
                sql.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
            }
            return java.util.Arrays.stream(sql.toString().split(";\\s*\n"))
                    .map(String::strip).filter(st -> !st.isEmpty()).toArray(String[]::new);
        }
    }
}
