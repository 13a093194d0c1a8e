package dev.dtc.store.postgresql;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where the shared store lives, as a user writes it: {@code postgresql://user:password@host:port/database}, the
 * form {@code psql} and libpq accept, or a JDBC URL {@code jdbc:postgresql://host:port/database?user=...}. The
 * query parameter {@code schema} puts dtc's tables in that schema (created if missing); other parameters go to
 * the JDBC driver as they are.
 *
 * @param jdbcUrl  the driver's URL, without user, password and schema
 * @param user     null to let the driver decide (its default, or the URL's own parameter)
 * @param password null for none
 * @param schema   null for the connection's default (normally {@code public})
 */
public record StoreUrl(String jdbcUrl, String user, String password, String schema) {

    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /** Without the password, for messages and logs. */
    public String describe() {
        return jdbcUrl + (user != null ? " as " + user : "") + (schema != null ? ", schema " + schema : "");
    }

    /**
     * Reads a store URL.
     *
     * @throws IllegalArgumentException with a message that shows the accepted forms
     */
    public static StoreUrl parse(String text) {
        if (text == null || text.isBlank()) {
            throw invalid(text, "it is empty");
        }
        String s = text.trim();
        if (s.startsWith("jdbc:postgresql:")) {
            s = s.substring("jdbc:".length());
        } else if (s.startsWith("postgres://")) {
            s = "postgresql://" + s.substring("postgres://".length());
        }
        if (!s.startsWith("postgresql://")) {
            throw invalid(text, "it does not start with postgresql:// (only PostgreSQL can be the shared store)");
        }
        URI uri;
        try {
            uri = new URI(s);
        } catch (URISyntaxException e) {
            throw invalid(text, e.getMessage());
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw invalid(text, "it names no host");
        }
        String path = uri.getRawPath();
        if (path == null || path.length() < 2 || path.indexOf('/', 1) >= 0) {
            throw invalid(text, "it names no database (the path after the host, e.g. /dtc)");
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String info = uri.getRawUserInfo();
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? null : decode(info.substring(colon + 1));
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (uri.getRawQuery() != null && !uri.getRawQuery().isEmpty()) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw invalid(text, "the parameter '" + pair + "' has no value (write name=value)");
                }
                params.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
            }
        }
        String schema = params.remove("schema");
        if (schema != null && !SCHEMA.matcher(schema).matches()) {
            throw invalid(text, "the schema '" + schema + "' is not a plain lower-case SQL name ([a-z_][a-z0-9_]*)");
        }
        if (user == null && params.containsKey("user")) {
            user = params.remove("user");
        }
        if (password == null && params.containsKey("password")) {
            password = params.remove("password");
        }
        StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(host);
        if (uri.getPort() >= 0) {
            jdbc.append(':').append(uri.getPort());
        }
        jdbc.append(path);
        String sep = "?";
        for (Map.Entry<String, String> p : params.entrySet()) {
            jdbc.append(sep).append(p.getKey()).append('=').append(p.getValue());
            sep = "&";
        }
        return new StoreUrl(jdbc.toString(), user, password, schema);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("the store URL '" + (text == null ? "" : text.replaceAll(":[^:@/]*@", ":***@"))
                + "' is not usable: " + why + "; write postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME]");
    }
}
