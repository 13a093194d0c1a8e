package dev.dtc.demo.shop;

import java.util.regex.Pattern;

/**
 * The names of the demo's three databases: {@code orders} and {@code payments} on PostgreSQL, {@code inventory}
 * on MySQL/MariaDB, each with an optional prefix, so that several demos (or tests) can share servers.
 */
public record DatabaseNames(String prefix) {

    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,40}|");

    public DatabaseNames {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("a database prefix must be empty or lower-case letters, digits and"
                    + " underscores starting with a letter (at most 41), was '" + prefix + "'");
        }
    }

    public static DatabaseNames unprefixed() {
        return new DatabaseNames("");
    }

    public String orders() {
        return prefix + "orders";
    }

    public String inventory() {
        return prefix + "inventory";
    }

    public String payments() {
        return prefix + "payments";
    }
}
