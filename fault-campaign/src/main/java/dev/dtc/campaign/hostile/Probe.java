package dev.dtc.campaign.hostile;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * One hostile request and what must come back.
 *
 * @param family   the row of the summary it counts in
 * @param what     the case, in words (part of a violation's details)
 * @param kit      true: sent to the kit's server; false: to the coordinator
 * @param method   the HTTP method
 * @param path     path and query, already percent-encoded where needed
 * @param headers  headers to send (Authorization, Idempotency-Key, Dtc-Transaction, Content-Type ...)
 * @param body     the body, null for none
 * @param expected the statuses allowed
 * @param expectedText the same, in words
 * @param vote     for a documented 200 from a kit's prepare: the vote it must carry, else null
 */
record Probe(String family, String what, boolean kit, String method, String path, Map<String, String> headers,
             byte[] body, IntPredicate expected, String expectedText, String vote) {

    static final IntPredicate ANY_4XX = s -> s >= 400 && s < 500;

    static Probe of(String family, String what, boolean kit, String method, String path, String authorization,
                    String body, int... statuses) {
        Map<String, String> h = new LinkedHashMap<>();
        if (authorization != null) {
            h.put("Authorization", authorization);
        }
        h.put("Content-Type", "application/json");
        return new Probe(family, what, kit, method, path, h,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8), expect(statuses), text(statuses), null);
    }

    Probe header(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new Probe(family, what, kit, method, path, h, body, expected, expectedText, vote);
    }

    Probe withBody(byte[] b) {
        return new Probe(family, what, kit, method, path, headers, b, expected, expectedText, vote);
    }

    Probe vote(String v) {
        return new Probe(family, what, kit, method, path, headers, body, expected, expectedText, v);
    }

    /** No status given: any 4xx. */
    static IntPredicate expect(int... statuses) {
        if (statuses.length == 0) {
            return ANY_4XX;
        }
        return s -> {
            for (int x : statuses) {
                if (x == s) {
                    return true;
                }
            }
            return false;
        };
    }

    static String text(int... statuses) {
        if (statuses.length == 0) {
            return "a 4xx";
        }
        StringBuilder b = new StringBuilder();
        for (int x : statuses) {
            b.append(b.length() == 0 ? "" : " or ").append(x);
        }
        return b.toString();
    }

    /** For a violation's details: method, target, path, headers and the body (abbreviated). */
    String describe() {
        StringBuilder b = new StringBuilder();
        b.append(method).append(' ').append(kit ? "kit" : "coordinator").append(path);
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (!e.getKey().equals("Content-Type")) {
                b.append(" [").append(e.getKey()).append(": ").append(abbreviate(e.getValue(), 60)).append(']');
            }
        }
        if (body != null) {
            b.append(" body(").append(body.length).append(" B)=")
                    .append(abbreviate(new String(body, StandardCharsets.UTF_8), 160));
        }
        return b.toString();
    }

    static String abbreviate(String s, int max) {
        String t = s.replace("\n", "\\n").replace("\r", "\\r");
        return t.length() <= max ? t : t.substring(0, max) + "...(" + t.length() + " chars)";
    }
}
