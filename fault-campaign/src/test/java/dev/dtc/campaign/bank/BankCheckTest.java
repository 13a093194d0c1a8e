package dev.dtc.campaign.bank;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dtc.testdb.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bank's checks can fail: on real databases holding two transfers done by hand, each kind of damage the
 * campaign looks for (a balance changed, a negative balance, half a transfer, a transfer reported committed but
 * missing, one reported rolled back but present, a prepared branch left behind) is reported, and the undamaged
 * bank passes.
 */
class BankCheckTest {

    static BankDatabases dbs;
    Ledger ledger;

    @BeforeAll
    static void databases() {
        dbs = new BankDatabases(TestDatabases.postgres(), TestDatabases.mysql(),
                "bank_check_" + Long.toString(System.currentTimeMillis(), 36), 3, 100);
    }

    @AfterAll
    static void drop() {
        dbs.drop();
    }

    /** Two transfers committed in both databases (pg#1 -> my#2 30, my#3 -> pg#2 50), one rolled back, one in flight. */
    @BeforeEach
    void freshBank() throws SQLException {
        dbs.create();
        sql(true, "UPDATE account SET balance = 70 WHERE id = 1", "UPDATE account SET balance = 150 WHERE id = 2",
                "INSERT INTO history VALUES ('t1', 1, -30)", "INSERT INTO history VALUES ('t2', 2, 50)");
        sql(false, "UPDATE account SET balance = 130 WHERE id = 2", "UPDATE account SET balance = 50 WHERE id = 3",
                "INSERT INTO history VALUES ('t1', 2, 30)", "INSERT INTO history VALUES ('t2', 3, -50)");
        ledger = new Ledger();
        ledger.read("hand", String.join("\n", "RECOVERY committed=0 rolledBack=0", "READY",
                "S t1 pg2my 1 2 30", "C t1", "S t2 my2pg 2 3 50", "C t2", "S t3 pg2my 3 1 99", "R t3 funds",
                "S t4 my2pg 1 1 5") + "\nS t5 pg2my 1"); // t4 in flight at a kill; t5's line cut short by it
    }

    @Test
    void theUndamagedBankPasses() throws SQLException {
        BankCheck check = check();
        assertThat(check.bankViolations).isEmpty();
        assertThat(check.transferViolations).isEmpty();
        assertThat(check.inFlightRolledBack).isEqualTo(1);
        assertThat(check.total).isEqualTo(600);
    }

    @Test
    void aBalanceChangedByHandBreaksTheTotalAndTheHistory() throws SQLException {
        sql(true, "UPDATE account SET balance = balance + 1 WHERE id = 3");
        assertThat(check().bankViolations).anyMatch(v -> v.startsWith("total balance 601, expected 600"))
                .anyMatch(v -> v.startsWith("postgres account 3 holds 101 but its history adds up to 100"));
    }

    @Test
    void aNegativeBalanceIsReported() throws SQLException {
        sql(false, "UPDATE account SET balance = -1 WHERE id = 1", "UPDATE account SET balance = 201 WHERE id = 2",
                "INSERT INTO history VALUES ('x', 1, 0)");
        assertThat(check().bankViolations).anyMatch(v -> v.equals("mysql account 1 is negative: -1"));
    }

    @Test
    void halfATransferIsReported() throws SQLException {
        sql(false, "DELETE FROM history WHERE transfer_id = 't2'", "UPDATE account SET balance = 100 WHERE id = 3");
        assertThat(check().transferViolations).anyMatch(v -> v.startsWith("transfer t2 ") && v.contains("half done"));
    }

    @Test
    void aTransferReportedCommittedButMissingIsReported() throws SQLException {
        sql(true, "DELETE FROM history WHERE transfer_id = 't1'", "UPDATE account SET balance = 100 WHERE id = 1");
        sql(false, "DELETE FROM history WHERE transfer_id = 't1'", "UPDATE account SET balance = 100 WHERE id = 2");
        assertThat(check().transferViolations)
                .anyMatch(v -> v.startsWith("transfer t1 ") && v.contains("reported committed but is in neither"));
    }

    @Test
    void aTransferReportedRolledBackButPresentIsReported() throws SQLException {
        sql(true, "UPDATE account SET balance = 1 WHERE id = 3", "INSERT INTO history VALUES ('t3', 3, -99)");
        sql(false, "UPDATE account SET balance = 199 WHERE id = 1", "INSERT INTO history VALUES ('t3', 1, 99)");
        BankCheck check = check();
        assertThat(check.bankViolations).isEmpty();
        assertThat(check.transferViolations)
                .anyMatch(v -> v.startsWith("transfer t3 ") && v.contains("reported rolled back but is in both"));
    }

    @Test
    void aTransferThatMovedAnotherAmountIsReported() throws SQLException {
        sql(true, "UPDATE history SET delta = -31 WHERE transfer_id = 't1'", "UPDATE account SET balance = 69 WHERE id = 1");
        sql(false, "UPDATE history SET delta = 31 WHERE transfer_id = 't1'", "UPDATE account SET balance = 131 WHERE id = 2");
        assertThat(check().transferViolations).anyMatch(v -> v.startsWith("transfer t1 ") && v.contains("moved something else"));
    }

    @Test
    void preparedBranchesLeftBehindAreFound() throws SQLException {
        String node = "bank-check-" + Long.toString(System.nanoTime() % 100_000, 36);
        try (Connection c = dbs.postgres.connect(dbs.database); Statement s = c.createStatement()) {
            s.execute("BEGIN");
            s.execute("INSERT INTO history VALUES ('prepared', 1, 0)"); // a change: MariaDB rolls back a read-only branch at prepare
            s.execute("PREPARE TRANSACTION '" + node + "/1/1'");
        }
        try (Connection c = dbs.mysql.connect(dbs.database); Statement s = c.createStatement()) {
            s.execute("XA START '" + node + "/1/1'");
            s.execute("INSERT INTO history VALUES ('prepared', 1, 0)"); // a change: MariaDB rolls back a read-only branch at prepare
            s.execute("XA END '" + node + "/1/1'");
            s.execute("XA PREPARE '" + node + "/1/1'");
        }
        try {
            assertThat(dbs.preparedInPostgres()).containsExactly(node + "/1/1");
            assertThat(dbs.preparedInMysql(List.of(node))).containsExactly(node + "/1/1");
            assertThat(dbs.preparedInMysql(List.of(node + "x"))).isEmpty();
        } finally {
            try (Connection c = dbs.postgres.connect(dbs.database); Statement s = c.createStatement()) {
                s.execute("ROLLBACK PREPARED '" + node + "/1/1'");
            }
            try (Connection c = dbs.mysql.connect(dbs.database); Statement s = c.createStatement()) {
                s.execute("XA ROLLBACK '" + node + "/1/1'");
            }
        }
    }

    private BankCheck check() throws SQLException {
        return new BankCheck(dbs.expectedTotal(), 100, ledger, dbs.postgresState(), dbs.mysqlState());
    }

    private static void sql(boolean postgres, String... statements) throws SQLException {
        try (Connection c = postgres ? dbs.postgres.connect(dbs.database) : dbs.mysql.connect(dbs.database);
             Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }
}
