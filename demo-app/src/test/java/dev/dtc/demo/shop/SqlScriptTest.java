package dev.dtc.demo.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SqlScriptTest {

    @Test
    void statementsEndAtASemicolonAtTheEndOfALineOutsideDollarQuotes() {
        String script = """
                -- a comment; not a statement
                CREATE TABLE t (x int);

                CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'no; never';
                    RETURN NULL;
                END
                $$;
                DO $$ BEGIN PERFORM 1; END $$;
                """;

        assertThat(SqlScript.split(script)).containsExactly(
                "CREATE TABLE t (x int)",
                "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n    RAISE EXCEPTION 'no; never';\n"
                        + "    RETURN NULL;\nEND\n$$",
                "DO $$ BEGIN PERFORM 1; END $$");
    }

    @Test
    void aScriptThatEndsInsideAStatementIsRefused() {
        assertThatThrownBy(() -> SqlScript.split("CREATE TABLE t (x int)\n"))
                .hasMessageContaining("the script ends inside a statement");
    }

    @Test
    void theDemosScriptsSplit() {
        assertThat(SqlScript.load("orders.sql").statements()).hasSize(2);
        assertThat(SqlScript.load("inventory.sql").statements()).hasSize(2);
        assertThat(SqlScript.load("payments.sql").statements()).hasSize(4);
    }
}
