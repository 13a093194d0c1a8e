package dev.dtc.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The bearer token shared by the coordinator and the services, and the URLs of remote mode, checked. */
final class Tokens {

    private Tokens() {
    }

    /**
     * The token from the file if one is given, else from {@code DTC_TOKEN}, else from {@code fallback} if that file
     * exists (the one {@code ./demo up} writes).
     *
     * @throws IllegalArgumentException saying where a token is expected
     */
    static String read(Path file, Path fallback) {
        Path from = file;
        String token = null;
        if (from == null) {
            token = System.getenv("DTC_TOKEN");
            if ((token == null || token.isBlank()) && fallback != null && Files.isReadable(fallback)) {
                from = fallback;
            }
        }
        if (from != null) {
            if (!Files.isReadable(from)) {
                throw new IllegalArgumentException("--token-file " + from + " cannot be read");
            }
            try {
                token = Files.readString(from, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the token file " + from + ": " + e.getMessage(), e);
            }
        }
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("no bearer token: set DTC_TOKEN or pass --token-file FILE (the token"
                    + " the coordinator was started with; ./demo up writes one to "
                    + (fallback == null ? "DATA_DIR/remote/token" : fallback.toString()) + ")");
        }
        if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("the bearer token must be printable ASCII without spaces");
        }
        return token;
    }

    static String read(Path file) {
        return read(file, null);
    }

    /** @throws IllegalArgumentException unless an absolute http(s) URL */
    static URI httpUrl(String option, String url) {
        try {
            URI uri = new URI(url == null ? "" : url.trim());
            if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
                throw new URISyntaxException(String.valueOf(url), "not an absolute http:// URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(option + " must be an http:// URL such as http://127.0.0.1:8080, was '"
                    + url + "'");
        }
    }
}
