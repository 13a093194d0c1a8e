package dev.dtc.demo.shop;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Creates the demo's three databases and their tables if they are not there yet, adds columns that tables made by
 * earlier versions lack, stocks the first products and cards into empty tables, and resets them on request. Every command runs {@link #create} and {@link #seed}; the
 * second time they change nothing.
 *
 * <p>{@link #seed} runs after recovery, never before: a branch that a crashed command left prepared still holds
 * its row locks, and a seed that touched such a row would wait for the lock until the server gives up.
 */
public final class Schemas {

    /** PostgreSQL's SQLSTATEs for "exists already", which two demos starting at once may both run into. */
    private static final String DUPLICATE_DATABASE = "42P04";
    private static final String UNIQUE_VIOLATION = "23505";
    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)");

    private Schemas() {
    }

    /**
     * @throws IllegalStateException if a server refuses, with what to fix
     */
    public static void create(ServerAddress postgres, ServerAddress mysql, DatabaseNames names) {
        try {
            createPostgresDatabase(postgres, names.orders());
            createPostgresDatabase(postgres, names.payments());
            createMysqlDatabase(mysql, names.inventory());
            try (Connection c = connect(postgres, names.orders())) {
                SqlScript.load("orders.sql").run(c);
            }
            try (Connection c = connect(postgres, names.payments())) {
                SqlScript.load("payments.sql").run(c);
            }
            try (Connection c = connect(mysql, names.inventory())) {
                requireEnforcedCheckConstraints(c, mysql);
                SqlScript.load("inventory.sql").run(c);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the demo's databases: " + e.getMessage(), e);
        }
    }

    /**
     * Creates one participant's database and tables, for a service that owns only that one ({@code serve}):
     * orders and payments on PostgreSQL, inventory on MySQL/MariaDB.
     *
     * @param participant {@link Shop#ORDERS}, {@link Shop#INVENTORY} or {@link Shop#PAYMENTS}
     */
    public static void createFor(String participant, ServerAddress server, DatabaseNames names) {
        try {
            switch (participant) {
                case Shop.ORDERS -> {
                    createPostgresDatabase(server, names.orders());
                    try (Connection c = connect(server, names.orders())) {
                        SqlScript.load("orders.sql").run(c);
                    }
                }
                case Shop.PAYMENTS -> {
                    createPostgresDatabase(server, names.payments());
                    try (Connection c = connect(server, names.payments())) {
                        SqlScript.load("payments.sql").run(c);
                    }
                }
                case Shop.INVENTORY -> {
                    createMysqlDatabase(server, names.inventory());
                    try (Connection c = connect(server, names.inventory())) {
                        requireEnforcedCheckConstraints(c, server);
                        SqlScript.load("inventory.sql").run(c);
                    }
                }
                default -> throw new IllegalArgumentException("no participant " + participant);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the " + participant + " database: " + e.getMessage(), e);
        }
    }

    /** Stocks one participant's first data (cards for payments, products for inventory) into empty tables. */
    public static void seedFor(String participant, ServerAddress server, DatabaseNames names) {
        try {
            if (participant.equals(Shop.PAYMENTS)) {
                try (Connection c = connect(server, names.payments())) {
                    if (isEmpty(c, "card")) {
                        seedCards(c);
                    }
                }
            } else if (participant.equals(Shop.INVENTORY)) {
                try (Connection c = connect(server, names.inventory())) {
                    addFenceColumn(c);
                    if (isEmpty(c, "product")) {
                        seedProducts(c, false);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot stock the " + participant + " database: " + e.getMessage(), e);
        }
    }

    /** Stocks the catalog's products and cards into tables that are empty (a fresh demo). */
    public static void seed(ServerAddress postgres, ServerAddress mysql, DatabaseNames names) {
        try {
            try (Connection c = connect(postgres, names.payments())) {
                if (isEmpty(c, "card")) {
                    seedCards(c);
                }
            }
            try (Connection c = connect(mysql, names.inventory())) {
                addFenceColumn(c);
                if (isEmpty(c, "product")) {
                    seedProducts(c, false);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot stock the demo's databases: " + e.getMessage(), e);
        }
    }

    /** MySQL's and MariaDB's "Duplicate column name": another demo added the column first. */
    private static final int DUPLICATE_COLUMN = 1060;

    /**
     * Adds {@code product.fence} (the restock command's fencing token) to an inventory made before it had one. Runs
     * after recovery, like the seed: an ALTER TABLE waits for every transaction on the table, prepared ones too. MySQL
     * has no {@code ADD COLUMN IF NOT EXISTS} (MariaDB has), so the catalog is asked first.
     */
    static void addFenceColumn(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'product' AND COLUMN_NAME = 'fence'");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (rs.getLong(1) > 0) {
                return;
            }
        }
        try (Statement s = c.createStatement()) {
            // a branch left prepared on the table would make the ALTER wait for a year (MySQL's default): give up
            // after a while, with a message, rather than hang
            s.execute("SET SESSION lock_wait_timeout = 30");
            s.execute("ALTER TABLE product ADD COLUMN fence BIGINT NOT NULL DEFAULT 0");
        } catch (SQLException e) {
            if (e.getErrorCode() != DUPLICATE_COLUMN) {
                throw new SQLException("cannot add the column fence to the inventory's table product (the restock"
                        + " command needs it): " + e.getMessage() + ". If a transaction left prepared holds the"
                        + " table, let recovery finish it and start again", e.getSQLState(), e.getErrorCode(), e);
            }
        }
    }

    /** A plain (non-locking) read: it waits for no prepared branch. */
    private static boolean isEmpty(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1) == 0;
        }
    }

    /** Deletes every order, reservation and payment and puts the first stock back. */
    public static void reset(ServerAddress postgres, ServerAddress mysql, DatabaseNames names) {
        try {
            try (Connection c = connect(postgres, names.orders()); Statement s = c.createStatement()) {
                s.execute("TRUNCATE order_line, customer_order");
            }
            try (Connection c = connect(postgres, names.payments()); Statement s = c.createStatement()) {
                s.execute("TRUNCATE payment");
            }
            try (Connection c = connect(mysql, names.inventory())) {
                try (Statement s = c.createStatement()) {
                    s.execute("DELETE FROM reservation");
                }
                seedProducts(c, true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reset the demo's databases: " + e.getMessage(), e);
        }
    }

    static Connection connect(ServerAddress server, String database) throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl(database), server.user(), server.password());
    }

    private static void createPostgresDatabase(ServerAddress server, String name) throws SQLException {
        try (Connection c = DriverManager.getConnection(server.adminUrl(), server.user(), server.password())) {
            try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, name);
                try (ResultSet rs = exists.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + name); // the name is checked by DatabaseNames: no quoting needed
            } catch (SQLException e) {
                if (!DUPLICATE_DATABASE.equals(e.getSQLState()) && !UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw new SQLException("PostgreSQL at " + server.displayUrl() + " refused CREATE DATABASE " + name
                            + " as " + server.user() + ": " + e.getMessage() + ". Create it yourself, or let the demo's"
                            + " user create databases (ALTER ROLE " + server.user() + " CREATEDB)", e.getSQLState(), e);
                }
            }
        }
    }

    private static void createMysqlDatabase(ServerAddress server, String name) throws SQLException {
        try (Connection c = DriverManager.getConnection(server.adminUrl(), server.user(), server.password());
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS " + name);
        }
    }

    /**
     * MySQL before 8.0.16 parses CHECK constraints and ignores them, and the stock rule is one: on such a server
     * stock could go below zero, so the demo refuses it.
     */
    private static void requireEnforcedCheckConstraints(Connection c, ServerAddress server) throws SQLException {
        String version;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT VERSION()")) {
            rs.next();
            version = rs.getString(1);
        }
        boolean mariaDb = version.toLowerCase(Locale.ROOT).contains("mariadb");
        Matcher m = VERSION.matcher(version.startsWith("5.5.5-") ? version.substring(6) : version);
        if (!m.find()) {
            return;
        }
        int v = Integer.parseInt(m.group(1)) * 10_000 + Integer.parseInt(m.group(2)) * 100 + Integer.parseInt(m.group(3));
        int minimum = mariaDb ? 10_02_01 : 8_00_16;
        if (v < minimum) {
            throw new IllegalStateException((mariaDb ? "MariaDB " : "MySQL ") + version + " at " + server.displayUrl()
                    + " does not enforce CHECK constraints, and the demo's rule that stock never goes below zero is one."
                    + " Use " + (mariaDb ? "MariaDB 10.2.1" : "MySQL 8.0.16") + " or later (docker/compose.yaml has MySQL 8.4).");
        }
    }

    private static void seedCards(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO card (card_number, blocked) VALUES (?, ?) ON CONFLICT (card_number) DO NOTHING")) {
            ps.setString(1, Catalog.GOOD_CARD);
            ps.setBoolean(2, false);
            ps.addBatch();
            ps.setString(1, Catalog.BLOCKED_CARD);
            ps.setBoolean(2, true);
            ps.addBatch();
            ps.executeBatch();
        }
    }

    /** Adds the catalog's products that are missing; with {@code restock}, also puts their first stock back. */
    private static void seedProducts(Connection c, boolean restock) throws SQLException {
        // parameters rather than VALUES(column), which MySQL 8.0.20 deprecated
        String onDuplicate = restock ? "available = ?, name = ?, price_cents = ?" : "sku = sku";
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO product (sku, name, price_cents, available)"
                + " VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE " + onDuplicate)) {
            for (Catalog.Product p : Catalog.PRODUCTS) {
                ps.setString(1, p.sku());
                ps.setString(2, p.name());
                ps.setLong(3, p.priceCents());
                ps.setInt(4, p.stock());
                if (restock) {
                    ps.setInt(5, p.stock());
                    ps.setString(6, p.name());
                    ps.setLong(7, p.priceCents());
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
