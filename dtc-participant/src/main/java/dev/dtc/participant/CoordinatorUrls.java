package dev.dtc.participant;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Checks the coordinators' base URLs a participant or a {@link DtcClient} is given, once, where they are configured,
 * so that a typo is reported at build time with what to fix instead of showing up as "unreachable" in the logs.
 */
final class CoordinatorUrls {

    private CoordinatorUrls() {
    }

    /**
     * The URLs as given, in order, once each is checked: at least one, each an absolute http(s) URL with a host, no
     * coordinator twice (the same scheme, host, port and path, ignoring case and a trailing slash).
     *
     * @param option the option's name for the messages, e.g. {@code coordinators}
     * @throws IllegalArgumentException saying which entry is wrong and why
     */
    static List<URI> check(String option, List<URI> coordinators) {
        if (coordinators == null || coordinators.isEmpty()) {
            throw new IllegalArgumentException(option + " must list at least one coordinator's base URL, e.g."
                    + " List.of(URI.create(\"http://coordinator-1:8080\"), URI.create(\"http://coordinator-2:8080\")),"
                    + " not " + (coordinators == null ? "null" : "an empty list"));
        }
        List<URI> checked = new ArrayList<>(coordinators.size());
        List<String> keys = new ArrayList<>(coordinators.size());
        for (int i = 0; i < coordinators.size(); i++) {
            URI uri = coordinators.get(i);
            String entry = option + "[" + i + "]";
            if (!httpUrl(uri)) {
                throw new IllegalArgumentException(entry + " must be a coordinator's absolute http(s) URL, e.g."
                        + " http://coordinator-" + (i + 1) + ":8080, not " + uri);
            }
            String key = key(uri);
            int same = keys.indexOf(key);
            if (same >= 0) {
                throw new IllegalArgumentException(entry + " " + uri + " is the same coordinator as " + option + "["
                        + same + "] " + coordinators.get(same) + ": list each coordinator once");
            }
            keys.add(key);
            checked.add(uri);
        }
        return List.copyOf(checked);
    }

    static boolean httpUrl(URI uri) {
        if (uri == null || !uri.isAbsolute() || uri.isOpaque() || uri.getHost() == null) {
            return false;
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        return scheme.equals("http") || scheme.equals("https");
    }

    /** The URL without a trailing slash: the kit appends {@code /v1/...} to it. */
    static String base(URI coordinator) {
        String s = coordinator.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static String key(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port + path;
    }
}
