package dev.dtc.testdb;

/** The two database families dtc is tested against. MariaDB stands in for MySQL: tests use mysql-connector-j either way. */
public enum DatabaseKind {
    POSTGRES("PostgreSQL", "postgres"),
    MYSQL("MySQL/MariaDB", "");

    private final String displayName;
    private final String defaultAdminDatabase;

    DatabaseKind(String displayName, String defaultAdminDatabase) {
        this.displayName = displayName;
        this.defaultAdminDatabase = defaultAdminDatabase;
    }

    /** The database to connect to for administration (creating databases) when none is named. */
    String defaultAdminDatabase() {
        return defaultAdminDatabase;
    }

    @Override
    public String toString() {
        return displayName;
    }
}
