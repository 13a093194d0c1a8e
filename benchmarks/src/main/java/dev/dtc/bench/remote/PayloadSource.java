package dev.dtc.bench.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The payload each participant gets in a transaction, as JSON text ready to splice into the request body.
 *
 * <p>Two sources: a generator, {@code {"seq":N}} for every participant (enough for no-op participants), or a
 * file holding a JSON array with one template per participant, for services that do real work: in each template
 * the text {@code ${seq}} becomes the transaction's sequence number (unique within a run) and {@code ${uuid}} a
 * random UUID, so that, for example, {@code {"orderId":"bench-${seq}","sku":"A-1","quantity":1}} makes a new
 * order each time. Replacement is textual, so it works inside strings and as a bare number alike.
 */
final class PayloadSource {

    private final List<String> templates; // null: the generator
    private final int participants;

    private PayloadSource(List<String> templates, int participants) {
        this.templates = templates;
        this.participants = participants;
    }

    /** {@code {"seq":N}} for each of {@code participants}. */
    static PayloadSource generator(int participants) {
        return new PayloadSource(null, participants);
    }

    /**
     * Reads a JSON array of templates, one per participant, checked now so a bad file fails before any load runs.
     *
     * @throws IllegalArgumentException with what to fix
     */
    static PayloadSource fromFile(Path file, int participants, ObjectMapper json) throws IOException {
        JsonNode array = json.readTree(Files.readString(file));
        if (array == null || !array.isArray() || array.size() != participants) {
            throw new IllegalArgumentException(file + " must hold a JSON array of " + participants
                    + " payload templates, one per participant in --participants order");
        }
        List<String> templates = new ArrayList<>();
        for (JsonNode t : array) {
            String text = json.writeValueAsString(t);
            // a template must still be JSON after substitution; checking with a sample catches "${seq}" misuse early
            try {
                json.readTree(render(text, 1));
            } catch (IOException e) {
                throw new IllegalArgumentException(file + ": template " + text + " is not JSON once ${seq} and"
                        + " ${uuid} are replaced: " + e.getMessage());
            }
            templates.add(text);
        }
        return new PayloadSource(List.copyOf(templates), participants);
    }

    int participants() {
        return participants;
    }

    /** The payload of participant {@code index} (0-based) in transaction {@code seq}. */
    String payload(int index, long seq) {
        return templates == null ? "{\"seq\":" + seq + "}" : render(templates.get(index), seq);
    }

    String describe() {
        return templates == null ? "generated {\"seq\":N}" : "templates " + templates;
    }

    private static String render(String template, long seq) {
        String s = template.replace("${seq}", Long.toString(seq));
        return s.contains("${uuid}") ? s.replace("${uuid}", UUID.randomUUID().toString()) : s;
    }
}
