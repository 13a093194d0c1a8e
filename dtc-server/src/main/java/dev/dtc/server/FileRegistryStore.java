package dev.dtc.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Registrations in {@code DATA_DIR/registry.json}: {@code {"version": 1, "participants": [{"name", "url",
 * "ttlMs", "registeredAt"}]}}. Each change rewrites the file whole: written to a temporary file, forced,
 * renamed over the old one, and the directory forced, so a crash leaves the old set or the new one, never half
 * of either. Registrations change rarely (renewals are not written), so a whole rewrite costs nothing that
 * matters.
 */
final class FileRegistryStore implements RegistryStore {
    static final int VERSION = 1;

    private final Path file;
    private final ObjectMapper json;

    FileRegistryStore(Path dataDir, ObjectMapper json) {
        this.file = dataDir.resolve("registry.json");
        this.json = json;
    }

    @Override
    public Collection<Registration> load() throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        JsonNode root;
        try {
            root = json.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + " cannot be read as the participant registry (" + e.getMessage() + "). It"
                    + " is rewritten whole on each change, so damage means the disk or an editor changed it: restore"
                    + " it, or move it away and let the services register again", e);
        }
        int version = root == null ? -1 : root.path("version").asInt(-1);
        if (version != VERSION) {
            throw new IOException(file + " has registry format version " + version + "; this coordinator reads"
                    + " version " + VERSION + ". Run the release that wrote it, or move the file away and let the"
                    + " services register again");
        }
        List<Registration> out = new ArrayList<>();
        for (JsonNode p : root.path("participants")) {
            JsonNode ttl = p.get("ttlMs");
            out.add(new Registration(p.path("name").asText(), p.path("url").asText(),
                    ttl == null || ttl.isNull() ? null : ttl.asLong(), Instant.parse(p.path("registeredAt").asText())));
        }
        return out;
    }

    @Override
    public void save(Collection<Registration> all) throws IOException {
        ObjectNode root = json.createObjectNode();
        root.put("version", VERSION);
        ArrayNode ps = root.putArray("participants");
        for (Registration r : all) {
            ObjectNode p = ps.addObject();
            p.put("name", r.name());
            p.put("url", r.url());
            if (r.ttlMs() == null) {
                p.putNull("ttlMs");
            } else {
                p.put("ttlMs", r.ttlMs());
            }
            p.put("registeredAt", r.registeredAt().toString());
        }
        AtomicFile.replace(file, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    }
}
