package dev.dtc.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A checked {@code POST /v1/transactions} body. Everything is checked before anything starts, and the first
 * problem is reported in words that say what to fix.
 */
record TransactionRequest(List<Participant> participants, long timeoutMs) {

    static final long DEFAULT_TIMEOUT_MS = 30_000;
    static final long MAX_TIMEOUT_MS = 600_000;

    record Participant(ParticipantAddress address, JsonNode payload) {
    }

    /** Finds a registered participant's address by name, or says why it cannot be used. */
    @FunctionalInterface
    interface Registered {
        ParticipantAddress resolve(String name) throws Invalid;
    }

    /** Thrown for a body that must be refused with 400. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    static TransactionRequest parse(JsonNode body, int maxParticipants) throws Invalid {
        return parse(body, maxParticipants, name -> {
            throw new Invalid("participant '" + name + "' has no \"url\", and no registry is available");
        });
    }

    /**
     * @param registered resolves a participant given by name alone ({@code {"name": "inventory"}}): its URL is
     *                   read from the registry now, and that URL, not a later registration, is the one the
     *                   transaction (and its decision) uses
     */
    static TransactionRequest parse(JsonNode body, int maxParticipants, Registered registered) throws Invalid {
        if (body == null || !body.isObject()) {
            throw new Invalid("the body must be a JSON object: {\"participants\": [{\"name\": ..., \"url\": ...,"
                    + " \"payload\": ...}], \"timeoutMs\": 5000}");
        }
        onlyFields(body, "the request", Set.of("participants", "timeoutMs"));
        JsonNode ps = body.get("participants");
        if (ps == null || !ps.isArray()) {
            throw new Invalid("\"participants\" must be an array of {\"name\", \"url\", \"payload\"}");
        }
        if (ps.isEmpty()) {
            throw new Invalid("\"participants\" is empty: a transaction needs at least one participant");
        }
        if (ps.size() > maxParticipants) {
            throw new Invalid("\"participants\" has " + ps.size() + " entries; this coordinator takes at most "
                    + maxParticipants + " (--max-participants)");
        }
        long timeout = DEFAULT_TIMEOUT_MS;
        JsonNode t = body.get("timeoutMs");
        if (t != null) {
            if (!t.isIntegralNumber() || !t.canConvertToLong() || t.asLong() < 1 || t.asLong() > MAX_TIMEOUT_MS) {
                throw new Invalid("\"timeoutMs\" must be a whole number of milliseconds from 1 to " + MAX_TIMEOUT_MS
                        + ", was: " + t);
            }
            timeout = t.asLong();
        }
        List<Participant> out = new ArrayList<>(ps.size());
        Set<String> names = new HashSet<>();
        for (int i = 0; i < ps.size(); i++) {
            JsonNode p = ps.get(i);
            String where = "participants[" + i + "]";
            if (!p.isObject()) {
                throw new Invalid(where + " must be an object {\"name\", \"url\", \"payload\"}");
            }
            onlyFields(p, where, Set.of("name", "url", "payload"));
            JsonNode name = p.get("name");
            JsonNode url = p.get("url");
            if (name == null || !name.isTextual()) {
                throw new Invalid(where + " needs a \"name\" (a string)");
            }
            ParticipantAddress a;
            if (url == null) {
                try {
                    a = registered.resolve(name.asText());
                } catch (Invalid e) {
                    throw new Invalid(where + ": " + e.getMessage());
                }
            } else if (!url.isTextual()) {
                throw new Invalid(where + " (" + name.asText() + "): \"url\" must be a string (http:// or https://),"
                        + " or leave it out to use the participant's registration");
            } else {
                try {
                    a = ParticipantAddress.parse(name.asText(), url.asText());
                } catch (IllegalArgumentException e) {
                    throw new Invalid(where + ": " + e.getMessage());
                }
            }
            if (!names.add(a.name())) {
                throw new Invalid(where + ": the name '" + a.name() + "' is used twice; participant names must be"
                        + " unique within a transaction");
            }
            JsonNode payload = p.get("payload");
            out.add(new Participant(a, payload == null ? NullNode.getInstance() : payload));
        }
        return new TransactionRequest(out, timeout);
    }

    /**
     * The body of {@code POST /v1/transactions/{id}/participants}: {@code {"name", "url"}}, the url left out for a
     * registered participant (its URL is read now, and that is the one the transaction uses).
     */
    static ParticipantAddress joining(JsonNode body, Registered registered) throws Invalid {
        onlyFields(body, "the body", Set.of("name", "url"));
        JsonNode name = body.get("name");
        JsonNode url = body.get("url");
        if (name == null || !name.isTextual()) {
            throw new Invalid("the body needs a \"name\" (a string): the participant's name");
        }
        if (url == null) {
            return registered.resolve(name.asText());
        }
        if (!url.isTextual()) {
            throw new Invalid("\"url\" must be a string (http:// or https://), or leave it out to use the"
                    + " participant's registration");
        }
        try {
            return ParticipantAddress.parse(name.asText(), url.asText());
        } catch (IllegalArgumentException e) {
            throw new Invalid(e.getMessage());
        }
    }

    private static void onlyFields(JsonNode o, String where, Set<String> allowed) throws Invalid {
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw new Invalid(where + " has an unknown field \"" + f + "\"; the fields are " + allowed.stream()
                        .sorted().map(s -> "\"" + s + "\"").toList());
            }
        }
    }
}
