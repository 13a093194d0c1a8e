package dev.dtc.spring.boot;

import java.util.regex.Pattern;

/** Reading {@code dtc.datasources.*.url}: which database it names, and how to show it without secrets. */
final class JdbcUrls {

    /** The databases dtc's XA data sources support, by the URL prefix that picks each. */
    enum Vendor {
        POSTGRESQL("org.postgresql.xa.PGXADataSource", "org.postgresql:postgresql"),
        MYSQL("com.mysql.cj.jdbc.MysqlXADataSource", "com.mysql:mysql-connector-j");

        final String xaDataSourceClass;
        final String driverArtifact;

        Vendor(String xaDataSourceClass, String driverArtifact) {
            this.xaDataSourceClass = xaDataSourceClass;
            this.driverArtifact = driverArtifact;
        }
    }

    static final String EXAMPLES = "jdbc:postgresql://host:5432/database, jdbc:mysql://host:3306/database or"
            + " jdbc:mariadb://host:3306/database";

    /** user:password@ in a URL's authority. */
    private static final Pattern USER_INFO = Pattern.compile("(//)[^/@]*@");

    private JdbcUrls() {
    }

    /** The vendor the URL names, or null for a URL of another database (or no JDBC URL at all). */
    static Vendor vendorOf(String url) {
        if (url.startsWith("jdbc:postgresql:")) {
            return Vendor.POSTGRESQL;
        }
        if (url.startsWith("jdbc:mysql:") || url.startsWith("jdbc:mariadb:")) {
            return Vendor.MYSQL;
        }
        return null;
    }

    /**
     * The URL MySQL Connector/J opens: dtc's MySQL/MariaDB data sources use Connector/J (whose XA support is the one
     * dtc's adapters know the quirks of), which speaks to MariaDB as well; a {@code jdbc:mariadb:} URL names the
     * same server, so only its prefix changes.
     */
    static String forConnectorJ(String url) {
        return url.startsWith("jdbc:mariadb:") ? "jdbc:mysql:" + url.substring("jdbc:mariadb:".length()) : url;
    }

    /**
     * The URL without parameters (after '?', or ';' as some drivers write them) or user:password@, any of which may
     * carry a password: for messages and logs.
     */
    static String withoutSecrets(String url) {
        if (url == null) {
            return null;
        }
        int q = url.indexOf('?');
        int semicolon = url.indexOf(';');
        int end = q < 0 ? semicolon : semicolon < 0 ? q : Math.min(q, semicolon);
        String shown = end < 0 ? url : url.substring(0, end);
        return USER_INFO.matcher(shown).replaceFirst("$1");
    }
}
