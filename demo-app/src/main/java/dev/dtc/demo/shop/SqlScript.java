package dev.dtc.demo.shop;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A schema script from the class path, run statement by statement over plain JDBC. Statements end with a
 * semicolon at the end of a line; semicolons inside PostgreSQL dollar-quoted bodies ({@code $$ ... $$}) do not
 * end a statement. Lines that start with {@code --} are comments.
 */
final class SqlScript {

    private final String name;
    private final List<String> statements;

    private SqlScript(String name, List<String> statements) {
        this.name = name;
        this.statements = statements;
    }

    static SqlScript load(String resource) {
        try (InputStream in = SqlScript.class.getResourceAsStream("/dev/dtc/demo/sql/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("the schema script " + resource + " is missing from the demo's jar");
            }
            return new SqlScript(resource, split(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> split(String text) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inDollarQuote = false;
        for (String line : text.split("\n", -1)) {
            String trimmed = line.trim();
            if (!inDollarQuote && (trimmed.isEmpty() || trimmed.startsWith("--"))) {
                continue;
            }
            current.append(line).append('\n');
            if (countDollarQuotes(line) % 2 == 1) {
                inDollarQuote = !inDollarQuote;
            }
            if (!inDollarQuote && trimmed.endsWith(";")) {
                String statement = current.toString().trim();
                statements.add(statement.substring(0, statement.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            throw new IllegalArgumentException("the script ends inside a statement (a missing ';' or '$$'): " + current);
        }
        return statements;
    }

    private static int countDollarQuotes(String line) {
        int n = 0;
        for (int i = line.indexOf("$$"); i >= 0; i = line.indexOf("$$", i + 2)) {
            n++;
        }
        return n;
    }

    void run(Connection c) throws SQLException {
        for (String sql : statements) {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            } catch (SQLException e) {
                throw new SQLException(name + ": " + e.getMessage() + "\n  in: " + sql, e.getSQLState(), e.getErrorCode(), e);
            }
        }
    }

    List<String> statements() {
        return statements;
    }
}
