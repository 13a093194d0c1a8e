package dev.dtc.server;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A participant of a remote transaction: its name in the transaction and the base URL its prepare, commit and
 * rollback calls go to. Written into the commit decision as the branch's resource name, {@code name=url}, so
 * that recovery after a restart knows where to send commit, and so that the decision, not a later change of
 * configuration, says where phase 2 goes.
 */
record ParticipantAddress(String name, URI url) {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Leaves room for the name within the 255 bytes a resource name may take in the log. */
    static final int MAX_URL_BYTES = 190;

    /**
     * Checks a participant as a client sent it.
     *
     * @throws IllegalArgumentException with a message that says what to fix
     */
    static ParticipantAddress parse(String name, String url) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("participant name must be 1 to 64 characters of A-Z a-z 0-9 . _ -,"
                    + " was: " + quote(name));
        }
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("participant '" + name + "' needs a url (http:// or https://)");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("participant '" + name + "': url is not a valid URI: " + e.getMessage());
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || uri.getHost() == null) {
            throw new IllegalArgumentException("participant '" + name + "': url must be an absolute http:// or"
                    + " https:// URL with a host, was: " + quote(url));
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("participant '" + name + "': url must not have a query or fragment"
                    + " (the coordinator appends /prepare, /commit and /rollback to it), was: " + quote(url));
        }
        if (url.getBytes(StandardCharsets.UTF_8).length > MAX_URL_BYTES) {
            throw new IllegalArgumentException("participant '" + name + "': url is longer than " + MAX_URL_BYTES
                    + " bytes");
        }
        return new ParticipantAddress(name, uri);
    }

    /** The resource name written into the commit decision. */
    String resourceName() {
        return name + "=" + url;
    }

    /** Reads a resource name back; null if it is not one of ours (a JTA data source, say). */
    static ParticipantAddress fromResourceName(String resourceName) {
        int eq = resourceName.indexOf('=');
        if (eq <= 0) {
            return null;
        }
        try {
            return parse(resourceName.substring(0, eq), resourceName.substring(eq + 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The URL of one of the participant's operations: {@code {url}/prepare} and so on. */
    URI operation(String op) {
        String base = url.toString();
        return URI.create(base.endsWith("/") ? base + op : base + "/" + op);
    }

    private static String quote(String s) {
        return s == null ? "nothing" : "'" + (s.length() > 80 ? s.substring(0, 80) + "..." : s) + "'";
    }
}
