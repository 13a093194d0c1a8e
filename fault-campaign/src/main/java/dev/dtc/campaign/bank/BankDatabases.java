package dev.dtc.campaign.bank;

import dev.dtc.testdb.DatabaseServer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bank's two databases, fresh for each run: {@code account(id, balance)} and {@code history(transfer_id, account_id,
 * delta)} in a PostgreSQL database and a MySQL/MariaDB database of the same name. No CHECK constraint: the debit is a
 * guarded update, so a negative balance is something the checks can see rather than something the schema forbids.
 */
final class BankDatabases {

    /** One history row: the account it moved and by how much. */
    record Move(int account, long delta) {
    }

    /** What one database holds. */
    record State(Map<Integer, Long> balances, Map<String, Move> history) {
    }

    final DatabaseServer postgres;
    final DatabaseServer mysql;
    final String database;
    final int accounts;
    final long initialBalance;

    BankDatabases(DatabaseServer postgres, DatabaseServer mysql, String database, int accounts, long initialBalance) {
        this.postgres = postgres;
        this.mysql = mysql;
        this.database = database;
        this.accounts = accounts;
        this.initialBalance = initialBalance;
    }

    void create() throws SQLException {
        postgres.createDatabase(database);
        mysql.createDatabase(database);
        try (Connection c = postgres.connect(database); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS account");
            s.execute("DROP TABLE IF EXISTS history");
            s.execute("CREATE TABLE account (id INT PRIMARY KEY, balance BIGINT NOT NULL)");
            s.execute("CREATE TABLE history (transfer_id VARCHAR(64) PRIMARY KEY, account_id INT NOT NULL,"
                    + " delta BIGINT NOT NULL)");
            fill(c);
        }
        try (Connection c = mysql.connect(database); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS account");
            s.execute("DROP TABLE IF EXISTS history");
            s.execute("CREATE TABLE account (id INT PRIMARY KEY, balance BIGINT NOT NULL) ENGINE=InnoDB");
            s.execute("CREATE TABLE history (transfer_id VARCHAR(64) PRIMARY KEY, account_id INT NOT NULL,"
                    + " delta BIGINT NOT NULL) ENGINE=InnoDB");
            fill(c);
        }
    }

    private void fill(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO account (id, balance) VALUES (?, ?)")) {
            for (int i = 1; i <= accounts; i++) {
                ps.setInt(1, i);
                ps.setLong(2, initialBalance);
                ps.executeUpdate();
            }
        }
    }

    long expectedTotal() {
        return 2L * accounts * initialBalance;
    }

    State postgresState() throws SQLException {
        try (Connection c = postgres.connect(database)) {
            return state(c);
        }
    }

    State mysqlState() throws SQLException {
        try (Connection c = mysql.connect(database)) {
            return state(c);
        }
    }

    private static State state(Connection c) throws SQLException {
        Map<Integer, Long> balances = new TreeMap<>();
        Map<String, Move> history = new TreeMap<>();
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT id, balance FROM account")) {
                while (rs.next()) {
                    balances.put(rs.getInt(1), rs.getLong(2));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT transfer_id, account_id, delta FROM history")) {
                while (rs.next()) {
                    history.put(rs.getString(1), new Move(rs.getInt(2), rs.getLong(3)));
                }
            }
        }
        return new State(balances, history);
    }

    /** Prepared transactions PostgreSQL holds in this run's database. */
    List<String> preparedInPostgres() throws SQLException {
        List<String> gids = new ArrayList<>();
        try (Connection c = postgres.connect(database);
             PreparedStatement ps = c.prepareStatement("SELECT gid FROM pg_prepared_xacts WHERE database = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    gids.add(rs.getString(1));
                }
            }
        }
        return gids;
    }

    /** Prepared XA branches on the MySQL/MariaDB server whose global id belongs to one of the nodes. */
    List<String> preparedInMysql(List<String> nodeNames) throws SQLException {
        List<String> xids = new ArrayList<>();
        try (Connection c = mysql.connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("XA RECOVER")) {
            while (rs.next()) {
                String data = new String(rs.getBytes("data"), StandardCharsets.ISO_8859_1);
                for (String node : nodeNames) {
                    if (data.startsWith(node + "/") || data.startsWith(node + "~")) {
                        xids.add(data);
                    }
                }
            }
        }
        return xids;
    }

    /** Drops both databases (after a run that passed; a failed run keeps them for a look). */
    void drop() {
        try (Connection c = postgres.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database);
        } catch (SQLException e) {
            // left behind: harmless, the next run uses another name
        }
        try (Connection c = mysql.connect(database); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database);
        } catch (SQLException e) {
            // see above
        }
    }
}
