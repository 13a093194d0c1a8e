package dev.dtc.participant;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and checks the body of a prepare, commit or rollback call. Strict on purpose: a body this participant
 * does not fully understand is refused with a message that says what to fix, before anything is done, rather than
 * half-understood (an unknown field may be a misspelt one).
 */
final class Requests {

    /** The protocol's transaction ids: short, printable and safe in URLs, Xids and log lines. */
    static final Pattern TRANSACTION_ID = Pattern.compile("[A-Za-z0-9._~-]{1,64}");

    /**
     * A call's body as understood: the transaction id, and for prepare the payload (JSON null if absent) and whether
     * the participant joined the transaction ({@code "joined": true}; false if absent).
     */
    record Call(String transactionId, JsonNode payload, boolean joined) {
    }

    /** The body cannot be used; the message says why and what to send instead. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final Set<String> PREPARE_FIELDS = Set.of("transactionId", "payload", "joined");
    private static final Set<String> FINISH_FIELDS = Set.of("transactionId");

    private Requests() {
    }

    /** @param operation "prepare", "commit" or "rollback" */
    static Call parse(String operation, byte[] body) throws Invalid {
        boolean prepare = operation.equals("prepare");
        String expected = prepare ? "{\"transactionId\": \"...\", \"payload\": <any JSON>}"
                : "{\"transactionId\": \"...\"}";
        if (body == null || body.length == 0) {
            throw new Invalid("the " + operation + " body is empty: send " + expected);
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new Invalid("the " + operation + " body is not valid JSON (" + e.getOriginalMessage() + "): send "
                    + expected);
        } catch (IOException e) {
            throw new Invalid("the " + operation + " body could not be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new Invalid("the " + operation + " body must be a JSON object " + expected + ", not "
                    + (root == null ? "nothing" : root.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)));
        }
        Set<String> allowed = prepare ? PREPARE_FIELDS : FINISH_FIELDS;
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new Invalid("unknown field '" + name + "' in the " + operation + " body: expected only "
                        + (prepare ? "transactionId, payload and joined" : "transactionId"));
            }
        }
        JsonNode id = root.get("transactionId");
        if (id == null) {
            throw new Invalid("the " + operation + " body has no transactionId: send " + expected);
        }
        if (!id.isTextual() || !TRANSACTION_ID.matcher(id.asText()).matches()) {
            throw new Invalid("transactionId " + abbreviate(id.toString())
                    + " is not valid: it must be a string of 1 to 64 characters from A-Z a-z 0-9 . _ ~ -");
        }
        JsonNode payload = prepare && root.has("payload") ? root.get("payload") : NullNode.getInstance();
        JsonNode joined = root.get("joined");
        if (joined != null && !joined.isBoolean()) {
            throw new Invalid("joined must be true or false, not " + abbreviate(joined.toString()));
        }
        return new Call(id.asText(), payload, joined != null && joined.booleanValue());
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
