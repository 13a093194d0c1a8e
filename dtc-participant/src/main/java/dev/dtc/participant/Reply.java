package dev.dtc.participant;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What {@link Participant#handle} answers: an HTTP status and a JSON body, for whatever HTTP server carries it.
 *
 * @param status an HTTP status code
 * @param json   the body, a JSON object (send it with {@code Content-Type: application/json})
 */
public record Reply(int status, String json) {

    public Reply {
        Objects.requireNonNull(json, "json");
    }

    /** The body as UTF-8 bytes. */
    public byte[] bytes() {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
