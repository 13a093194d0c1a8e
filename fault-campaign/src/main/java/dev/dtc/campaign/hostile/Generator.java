package dev.dtc.campaign.hostile;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Seeded generator of hostile requests. Every case it makes has at least one defect that the documentation says is
 * refused (or is a documented no-op such as the rollback of an unknown transaction at the kit), so that anything that
 * changes state afterwards is a violation. It keeps what the kit must have recorded for the ids it used
 * ({@link #expectedRecords}) and the lock names it touched ({@link #locksTouched}).
 */
final class Generator {

    static final String TX = "coordinator transactions";
    static final String REG = "coordinator registry";
    static final String LOCK = "coordinator locks";
    static final String OTHER = "coordinator health and paths";
    static final String KIT = "kit protocol";
    static final String ORDER = "kit out-of-order";
    static final String JOIN = "kit joined endpoint";
    static final List<String> FAMILIES = List.of(TX, REG, LOCK, OTHER, KIT, ORDER, JOIN);
    private static final int[] WEIGHTS = {30, 12, 14, 4, 18, 12, 10};

    /** What the coordinator and the kit hold before the run, which hostile requests aim at. */
    record Targets(String token, String node, String kitUrl, int maxBodyBytes, String rolledBackId,
                   String knownRegistration, String heldLock, String heldOwner, long heldToken) {
    }

    private final Random r;
    private final Targets t;
    private long counter;
    /** Kit records the documented answers create: transaction id to state. */
    final Map<String, String> expectedRecords = new TreeMap<>();
    /** Lock names hostile requests touched (besides the held one): all must be free afterwards. */
    final Set<String> locksTouched = new LinkedHashSet<>();
    /** Registration names hostile requests touched (besides the known one): none may exist afterwards. */
    final Set<String> registrationsTouched = new LinkedHashSet<>();

    Generator(long seed, Targets targets) {
        this.r = new Random(seed);
        this.t = targets;
    }

    /** The next case: one request, or a short sequence (out-of-order protocol messages). */
    List<Probe> next() {
        int total = 0;
        for (int w : WEIGHTS) {
            total += w;
        }
        int x = r.nextInt(total);
        int i = 0;
        while (x >= WEIGHTS[i]) {
            x -= WEIGHTS[i];
            i++;
        }
        List<Probe> c = switch (i) {
            case 0 -> List.of(transactions());
            case 1 -> List.of(registry());
            case 2 -> List.of(locks());
            case 3 -> List.of(other());
            case 4 -> List.of(kit());
            case 5 -> outOfOrder();
            default -> List.of(joined());
        };
        return c;
    }

    // ---------------------------------------------------------------- helpers

    private <T> T pick(List<T> xs) {
        return xs.get(r.nextInt(xs.size()));
    }

    private String fresh(String prefix) {
        return prefix + Long.toString(++counter, 36);
    }

    String auth() {
        return pick(List.of("Bearer ", "bearer ", "BEARER ")) + t.token();
    }

    private String badAuth() {
        String tok = t.token();
        StringBuilder flipped = new StringBuilder();
        for (char ch : tok.toCharArray()) {
            flipped.append(Character.isUpperCase(ch) ? Character.toLowerCase(ch) : Character.toUpperCase(ch));
        }
        return pick(List.of("", "Bearer", "Bearer wrong-token", "Bearer " + flipped, "Bearer " + tok + "x",
                "Bearer " + tok.substring(0, tok.length() - 1), "Basic dXNlcjpwYXNzd29yZA==", tok,
                "Token " + tok, "Bearer " + tok.toUpperCase(java.util.Locale.ROOT), "Bearer\t" + tok + "x",
                "Bearer " + tok + "," + tok));
    }

    /** null: no Authorization header at all. */
    private String badAuthOrNone() {
        return r.nextInt(4) == 0 ? null : badAuth();
    }

    static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private String repeat(char c, int n) {
        return String.valueOf(c).repeat(n);
    }

    /** Text that is not one JSON value. */
    private String malformed(String validExample) {
        return switch (r.nextInt(12)) {
            case 0 -> "not json";
            case 1 -> "{";
            case 2 -> "{\"a\":}";
            case 3 -> "{'a':1}";
            case 4 -> "{} {}";
            case 5 -> "{}}";
            case 6 -> "nul";
            case 7 -> "[1,2";
            case 8 -> validExample + " " + validExample;
            case 9 -> validExample.substring(0, 1 + r.nextInt(validExample.length() - 1)); // a strict prefix
            case 10 -> {
                StringBuilder b = new StringBuilder();
                int n = 1 + r.nextInt(40);
                for (int i = 0; i < n; i++) {
                    b.append((char) (0x21 + r.nextInt(0x5e)));
                }
                String s = b.toString();
                yield s.startsWith("{") || s.startsWith("[") || s.startsWith("\"") ? "}" + s : "!" + s;
            }
            default -> "{\"a\":1,}";
        };
    }

    /** Bytes that are not even UTF-8 text. */
    private byte[] binary() {
        byte[] b = new byte[1 + r.nextInt(64)];
        r.nextBytes(b);
        b[0] = (byte) 0xff;
        return b;
    }

    private String notAnObject() {
        return pick(List.of("[]", "42", "\"text\"", "null", "true", "[{}]", "-1.5e3", "\"{}\""));
    }

    private String oversize(String head, String tail) {
        int n = t.maxBodyBytes() + 1 + r.nextInt(t.maxBodyBytes());
        return head + repeat('x', Math.max(0, n - head.length() - tail.length())) + tail;
    }

    private String badName() {
        return pick(List.of("", "a b", repeat('n', 65), "ä", "a/b", "a\"b", "a\u0000b", "a~b", "a:b", "<script>",
                "a\\b", "\t"));
    }

    private String badUrl() {
        return pick(List.of("ftp://127.0.0.1/x", "/relative/path", "http://", "http:///nohost", t.kitUrl() + "/tx?q=1",
                t.kitUrl() + "/tx#frag", "http://x/ bad", "http://h/" + repeat('p', 190), "mailto:a@b.c",
                "javascript:alert(1)", "file:///etc/passwd", "", "127.0.0.1:9/tx", "http://[::1/x"));
    }

    private String notAString() {
        return pick(List.of("1", "null", "true", "[]", "{}", "1.5"));
    }

    private String randomField() {
        return pick(List.of("extra", "Participants", "participant", "timeout", "open ", "__proto__", "id", "x"))
                + (r.nextBoolean() ? "" : Integer.toString(r.nextInt(100)));
    }

    private String someJsonValue() {
        return pick(List.of("1", "\"x\"", "null", "true", "[]", "{}", "{\"a\":[1,2]}"));
    }

    String ownUnknownId() {
        return t.node() + "~hz" + Long.toString(r.nextInt(1 << 20), 36) + "~" + Long.toString(++counter, 36);
    }

    private String otherNodeId() {
        return pick(List.of("other", "hostil", "hostile-2", "x")) + "~mx5" + r.nextInt(100) + "~"
                + Long.toString(++counter, 36);
    }

    /** A path segment that is no transaction id, lock or participant name (percent-encoded where needed). */
    private String badSegment(int maxLen) {
        return pick(List.of("a%20b", repeat('a', maxLen + 1), "%C3%A4", "a%22b", "a%2Fb", "a%3Cb%3E", "%00",
                "a%25b", "a%2Cb", "a%3Ab", "a%5Cb", "a%09"));
    }

    private String kitTx() {
        return t.kitUrl() + "/tx";
    }

    private String validEntry(String name) {
        return "{\"name\":" + q(name) + ",\"url\":" + q(kitTx()) + ",\"payload\":{\"n\":" + r.nextInt(100) + "}}";
    }

    private String validOneShot() {
        return "{\"participants\":[" + validEntry(fresh("p")) + "],\"timeoutMs\":5000}";
    }

    private Probe coord(String family, String what, String method, String path, String body, int... statuses) {
        return Probe.of(family, what, false, method, path, auth(), body, statuses);
    }

    /** Sometimes the same request with a wrong or missing token: 401, nothing else matters. */
    private Probe maybeBadToken(Probe p) {
        if (r.nextInt(8) != 0) {
            return p;
        }
        // a path Jetty itself refuses (an encoded '/', '\\' or control character) is refused before the token is seen
        int[] statuses = p.path().contains("%") ? new int[] {401, 400} : new int[] {401};
        Probe b = Probe.of(p.family(), "wrong or missing token, else: " + p.what(), p.kit(), p.method(), p.path(),
                badAuthOrNone(), null, statuses).withBody(p.body());
        for (Map.Entry<String, String> e : p.headers().entrySet()) {
            if (!e.getKey().equals("Authorization")) {
                b = b.header(e.getKey(), e.getValue());
            }
        }
        return b;
    }

    // ---------------------------------------------------------------- coordinator: transactions

    private Probe transactions() {
        return maybeBadToken(switch (r.nextInt(10)) {
            case 0, 1, 2, 3 -> postTransaction();
            case 4, 5 -> aboutOne();
            case 6 -> openProtocol();
            case 7 -> resolve();
            case 8 -> list();
            default -> validWithWrongToken();
        });
    }

    private Probe validWithWrongToken() {
        String body = r.nextBoolean() ? validOneShot() : "{\"open\":true,\"timeoutMs\":" + (1 + r.nextInt(60000)) + "}";
        return Probe.of(TX, "a valid begin with a wrong or missing token", false, "POST", "/v1/transactions",
                badAuthOrNone(), body, 401);
    }

    private Probe postTransaction() {
        String p = "/v1/transactions";
        String entry = validEntry(fresh("p"));
        return switch (r.nextInt(22)) {
            case 0 -> coord(TX, "malformed JSON", "POST", p, malformed(validOneShot()), 400);
            case 1 -> coord(TX, "not UTF-8", "POST", p, null, 400).withBody(binary());
            case 2 -> coord(TX, "not an object", "POST", p, notAnObject(), 400);
            case 3 -> coord(TX, "empty body", "POST", p, r.nextBoolean() ? "" : null, 400);
            case 4 -> coord(TX, "duplicate field", "POST", p, pick(List.of("{\"open\":true,\"open\":true}",
                    "{\"participants\":[" + entry + "],\"participants\":[" + entry + "]}",
                    "{\"participants\":[{\"name\":\"a\",\"name\":\"b\",\"url\":" + q(kitTx()) + "}]}")), 400);
            case 5 -> coord(TX, "unknown top-level field", "POST", p, "{\"participants\":[" + entry
                    + "],\"timeoutMs\":5000," + q(randomField()) + ":" + someJsonValue() + "}", 400);
            case 6 -> coord(TX, "participants of a wrong type", "POST", p, "{\"participants\":"
                    + pick(List.of("\"a\"", "1", "{}", "null", "true", "{\"name\":\"a\"}")) + "}", 400);
            case 7 -> coord(TX, "no participants", "POST", p, pick(List.of("{\"participants\":[]}", "{}",
                    "{\"timeoutMs\":5000}")), 400);
            case 8 -> {
                StringBuilder b = new StringBuilder("{\"participants\":[");
                for (int i = 0; i < 33; i++) {
                    b.append(i == 0 ? "" : ",").append(validEntry("m" + i));
                }
                yield coord(TX, "33 participants (max 32)", "POST", p, b.append("]}").toString(), 400);
            }
            case 9 -> coord(TX, "bad timeoutMs", "POST", p, "{\"participants\":[" + entry + "],\"timeoutMs\":"
                    + pick(List.of("0", "-1", "600001", "1.5", "\"5000\"", "true", "[]", "99999999999999999999"))
                    + "}", 400);
            case 10 -> coord(TX, "an entry that is not an object", "POST", p, "{\"participants\":["
                    + pick(List.of("\"a\"", "1", "[]", "null")) + "]}", 400);
            case 11 -> coord(TX, "unknown field in an entry", "POST", p, "{\"participants\":[{\"name\":\"a\",\"url\":"
                    + q(kitTx()) + "," + q(randomField()) + ":1}]}", 400);
            case 12 -> coord(TX, "name missing or not a string", "POST", p, "{\"participants\":["
                    + (r.nextBoolean() ? "{\"url\":" + q(kitTx()) + "}" : "{\"name\":" + notAString() + ",\"url\":"
                    + q(kitTx()) + "}") + "]}", 400);
            case 13 -> coord(TX, "url not a string, or an unregistered name without url", "POST", p,
                    "{\"participants\":[" + (r.nextBoolean() ? "{\"name\":" + q(fresh("unreg")) + "}"
                            : "{\"name\":\"a\",\"url\":" + notAString() + "}") + "]}", 400);
            case 14 -> coord(TX, "bad participant name", "POST", p, "{\"participants\":[{\"name\":" + q(badName())
                    + ",\"url\":" + q(kitTx()) + "}]}", 400);
            case 15 -> coord(TX, "bad participant url", "POST", p, "{\"participants\":[{\"name\":\"a\",\"url\":"
                    + q(badUrl()) + "}]}", 400);
            case 16 -> coord(TX, "duplicate participant name", "POST", p, "{\"participants\":[" + validEntry("d")
                    + "," + validEntry("d") + "]}", 400);
            case 17 -> coord(TX, "a bad open begin", "POST", p, pick(List.of("{\"open\":false}", "{\"open\":\"true\"}",
                    "{\"open\":1}", "{\"open\":null}", "{\"open\":true,\"participants\":[" + entry + "]}",
                    "{\"open\":true,\"timeoutMs\":0}", "{\"open\":true,\"timeoutMs\":\"30000\"}",
                    "{\"open\":true,\"timeoutMs\":600001}", "{\"open\":true,\"extra\":1}",
                    "{\"open\":[true]}")), 400);
            case 18 -> coord(TX, "open begin with an Idempotency-Key", "POST", p, "{\"open\":true}", 400)
                    .header("Idempotency-Key", fresh("key-"));
            case 19 -> coord(TX, "malformed Idempotency-Key on a valid body", "POST", p, validOneShot(), 400)
                    .header("Idempotency-Key", pick(List.of("a b", repeat('k', 201), "")));
            case 20 -> coord(TX, "oversize body", "POST", p, oversize("{\"participants\":[{\"name\":\"a\",\"url\":"
                    + q(kitTx()) + ",\"payload\":\"", "\"}]}"), 400, 413);
            default -> coord(TX, "wrong method", pick(List.of("PUT", "DELETE", "PATCH")), p,
                    r.nextBoolean() ? validOneShot() : null, 405);
        };
    }

    private Probe aboutOne() {
        String base = "/v1/transactions/";
        return switch (r.nextInt(8)) {
            case 0 -> coord(TX, "GET of an unknown id", "GET", base + ownUnknownId(), null, 404);
            case 1 -> coord(TX, "GET of another node's id", "GET", base + otherNodeId(), null, 421);
            case 2 -> coord(TX, "a malformed id", pick(List.of("GET", "POST")), base + badSegment(64)
                    + pick(List.of("", "/commit", "/rollback", "/participants", "/resolve")), null);
            case 3 -> coord(TX, "wrong method on a transaction", pick(List.of("PUT", "DELETE", "PATCH", "POST")),
                    base + pick(List.of(ownUnknownId(), t.rolledBackId())), null, 405);
            case 4 -> coord(TX, "an unknown action", pick(List.of("GET", "POST")), base + t.rolledBackId() + "/"
                    + pick(List.of("prepare", "abort", "commit/x", "participants/a", "events", "")) , null);
            case 5 -> coord(TX, "GET on a POST action", "GET", base + t.rolledBackId() + "/"
                    + pick(List.of("commit", "rollback", "participants", "resolve")), null, 405);
            case 6 -> coord(TX, "commit, rollback or join of an unknown id", "POST", base + ownUnknownId() + "/"
                    + pick(List.of("commit", "rollback", "participants")), r.nextBoolean() ? null
                    : "{\"name\":\"a\",\"url\":" + q(kitTx()) + "}", 400, 404);
            default -> coord(TX, "commit, rollback or join of another node's id", "POST", base + otherNodeId() + "/"
                    + pick(List.of("commit", "rollback", "participants")), r.nextBoolean() ? null
                    : "{\"name\":\"a\",\"url\":" + q(kitTx()) + "}", 400, 404, 421);
        };
    }

    /** Out-of-order messages to the coordinator: the open transaction was rolled back before the run. */
    private Probe openProtocol() {
        String base = "/v1/transactions/" + t.rolledBackId();
        String join = "{\"name\":" + q(fresh("j")) + ",\"url\":" + q(kitTx()) + "}";
        return switch (r.nextInt(7)) {
            case 0 -> coord(TX, "commit after rollback", "POST", base + "/commit", r.nextBoolean() ? null : "{}", 409);
            case 1 -> coord(TX, "join after rollback", "POST", base + "/participants", join, 409);
            case 2 -> coord(TX, "rollback again (documented: answers the same)", "POST", base + "/rollback",
                    pick(List.of("", "{}", "{\"reason\":\"again\"}")), 200);
            case 3 -> coord(TX, "a bad join body", "POST", base + "/participants", pick(List.of(
                    malformed(join), notAnObject(), "{\"name\":\"a\",\"url\":" + q(kitTx()) + ",\"x\":1}",
                    "{\"name\":" + q(badName()) + ",\"url\":" + q(kitTx()) + "}",
                    "{\"name\":\"a\",\"url\":" + q(badUrl()) + "}", "{\"name\":" + q(fresh("unreg")) + "}",
                    "{\"name\":\"a\",\"name\":\"b\",\"url\":" + q(kitTx()) + "}")), 400, 409);
            case 4 -> coord(TX, "a bad rollback body", "POST", base + "/rollback", pick(List.of(
                    "{\"reason\":" + q(repeat('r', 1001)) + "}", "{\"reason\":1}", "{\"reason\":\"\"}",
                    "{\"why\":\"x\"}", malformed("{\"reason\":\"x\"}"), "[]")), 400);
            case 5 -> coord(TX, "a bad commit body", "POST", base + "/commit", pick(List.of(
                    "{\"x\":1}", malformed("{}"), "[]", "{\"open\":true}")), 400, 409);
            default -> coord(TX, "oversize join", "POST", base + "/participants",
                    oversize("{\"name\":\"a\",\"url\":\"http://x/", "\"}"), 400, 409, 413);
        };
    }

    private Probe resolve() {
        String good = "{\"outcome\":\"COMMITTED\",\"reason\":\"checked by hand\"}";
        return switch (r.nextInt(6)) {
            case 0 -> coord(TX, "resolve of an unknown id", "POST", "/v1/transactions/" + ownUnknownId() + "/resolve",
                    good, 404);
            case 1 -> coord(TX, "resolve of another node's id", "POST", "/v1/transactions/" + otherNodeId()
                    + "/resolve", good, 421);
            case 2 -> coord(TX, "resolve of a finished transaction", "POST", "/v1/transactions/" + t.rolledBackId()
                    + "/resolve", r.nextBoolean() ? good : "{\"outcome\":\"ROLLED_BACK\",\"reason\":\"x\"}", 409);
            case 3 -> coord(TX, "a bad resolve body", "POST", "/v1/transactions/" + t.rolledBackId() + "/resolve",
                    pick(List.of("{\"outcome\":\"COMMITTED\"}", "{\"reason\":\"x\"}", "{\"outcome\":\"MAYBE\",\"reason\":\"x\"}",
                            "{\"outcome\":\"COMMITTED\",\"reason\":\"  \"}", "{\"outcome\":\"COMMITTED\",\"reason\":"
                                    + q(repeat('r', 1001)) + "}", "{\"outcome\":1,\"reason\":\"x\"}",
                            "{\"outcome\":\"COMMITTED\",\"reason\":\"x\",\"by\":\"me\"}", malformed(good), notAnObject(),
                            "")), 400);
            case 4 -> coord(TX, "wrong method on resolve", pick(List.of("GET", "PUT", "DELETE")), "/v1/transactions/"
                    + t.rolledBackId() + "/resolve", null, 405);
            default -> coord(TX, "oversize resolve", "POST", "/v1/transactions/" + t.rolledBackId() + "/resolve",
                    oversize("{\"outcome\":\"COMMITTED\",\"reason\":\"", "\"}"), 400, 413);
        };
    }

    private Probe list() {
        return coord(TX, "a bad listing query", "GET", "/v1/transactions?" + pick(List.of("state=stuck",
                "state=in-doubt&state=pending", "foo=1", "state=", "state=IN-DOUBT", "state=in-doubt&x=1", "state",
                "state=%00", "state=pending,heuristic")), null, 400);
    }

    // ---------------------------------------------------------------- coordinator: registry

    private Probe registry() {
        String p = "/v1/participants/";
        String name = r.nextInt(3) == 0 ? t.knownRegistration() : fresh("hr");
        if (!name.equals(t.knownRegistration())) {
            registrationsTouched.add(name);
        }
        String good = "{\"url\":" + q(kitTx()) + ",\"ttlMs\":30000}";
        return maybeBadToken(switch (r.nextInt(11)) {
            case 0 -> coord(REG, "malformed JSON", "PUT", p + name, malformed(good), 400);
            case 1 -> coord(REG, "not an object or empty", "PUT", p + name, r.nextBoolean() ? notAnObject() : "", 400);
            case 2 -> coord(REG, "bad or missing url", "PUT", p + name, pick(List.of("{}", "{\"ttlMs\":30000}",
                    "{\"url\":" + q(badUrl()) + "}", "{\"url\":" + notAString() + "}")), 400);
            case 3 -> coord(REG, "bad ttlMs", "PUT", p + name, "{\"url\":" + q(kitTx()) + ",\"ttlMs\":"
                    + pick(List.of("999", "0", "-1", "86400001", "\"30000\"", "1.5", "true", "[]")) + "}", 400);
            case 4 -> coord(REG, "unknown or duplicate field", "PUT", p + name, pick(List.of(
                    "{\"url\":" + q(kitTx()) + "," + q(randomField()) + ":1}",
                    "{\"url\":" + q(kitTx()) + ",\"url\":" + q(kitTx()) + "}",
                    "{\"url\":" + q(kitTx()) + ",\"name\":\"other\"}")), 400);
            case 5 -> coord(REG, "a bad name", pick(List.of("PUT", "GET", "DELETE")), p + badSegment(64), good);
            case 6 -> coord(REG, "oversize registration", "PUT", p + name, oversize("{\"url\":\"http://x/", "\"}"),
                    400, 413);
            case 7 -> coord(REG, "GET or DELETE of an unknown name", pick(List.of("GET", "DELETE")),
                    p + fresh("hr"), null, 404);
            case 8 -> coord(REG, "wrong method", pick(List.of("POST", "PATCH")), p + name, good, 405);
            case 9 -> coord(REG, "wrong method on the list", pick(List.of("PUT", "POST", "DELETE", "PATCH")),
                    "/v1/participants", good, 405);
            default -> Probe.of(REG, "a valid registration or removal with a wrong or missing token", false,
                    pick(List.of("PUT", "DELETE")), p + name, badAuthOrNone(), good, 401);
        });
    }

    // ---------------------------------------------------------------- coordinator: locks

    private Probe locks() {
        String p = "/v1/locks/";
        String free = fresh("hl");
        locksTouched.add(free);
        String held = t.heldLock();
        String good = "{\"owner\":\"hostile-owner\",\"ttlMs\":10000,\"waitMs\":0}";
        boolean renew = r.nextBoolean();
        return maybeBadToken(switch (r.nextInt(14)) {
            case 0 -> coord(LOCK, "malformed JSON", "POST", p + free, malformed(good), 400);
            case 1 -> coord(LOCK, "not an object or empty", "POST", p + free, r.nextBoolean() ? notAnObject() : "", 400);
            case 2 -> coord(LOCK, "bad or missing owner", "POST", p + free, pick(List.of("{\"ttlMs\":10000}",
                    "{\"owner\":\"a b\",\"ttlMs\":10000}", "{\"owner\":" + q(repeat('o', 201)) + ",\"ttlMs\":10000}",
                    "{\"owner\":" + notAString() + ",\"ttlMs\":10000}", "{\"owner\":\"\",\"ttlMs\":10000}",
                    "{\"owner\":\"ä\",\"ttlMs\":10000}")), 400);
            case 3 -> coord(LOCK, "bad ttlMs or waitMs", "POST", p + free, "{\"owner\":\"o\","
                    + pick(List.of("\"ttlMs\":99", "\"ttlMs\":3600001", "\"ttlMs\":\"1000\"", "\"ttlMs\":1.5",
                    "\"ttlMs\":0", "\"ttlMs\":10000,\"waitMs\":-1", "\"ttlMs\":10000,\"waitMs\":600001",
                    "\"ttlMs\":10000,\"waitMs\":\"0\"", "\"ttlMs\":10000,\"waitMs\":0.5")) + "}", 400);
            case 4 -> coord(LOCK, "unknown or duplicate field", "POST", p + free, pick(List.of(
                    "{\"owner\":\"o\",\"ttlMs\":10000," + q(randomField()) + ":1}",
                    "{\"owner\":\"o\",\"owner\":\"p\",\"ttlMs\":10000}", "{\"owner\":\"o\",\"ttlMs\":10000,\"token\":5}")),
                    400);
            case 5 -> coord(LOCK, "a bad lock name", pick(List.of("POST", "GET", "DELETE")), p + badSegment(128)
                    + pick(List.of("", "/renew")), good);
            case 6 -> coord(LOCK, "acquire of a held lock", "POST", p + held, "{\"owner\":" + q(fresh("o"))
                    + ",\"ttlMs\":10000,\"waitMs\":" + (r.nextInt(4) == 0 ? 1 + r.nextInt(20) : 0) + "}", 409);
            case 7 -> coord(LOCK, "renew of the held lock by another owner or with another token", "POST",
                    p + held + "/renew", r.nextBoolean()
                            ? "{\"owner\":" + q(fresh("o")) + ",\"token\":" + t.heldToken() + ",\"ttlMs\":10000}"
                            : "{\"owner\":" + q(t.heldOwner()) + ",\"token\":" + pick(List.of(t.heldToken() - 1,
                            t.heldToken() + 1, 0L, -1L, Long.MAX_VALUE)) + ",\"ttlMs\":10000}", 400, 409);
            case 8 -> coord(LOCK, "release of the held lock by another owner or with another token", "DELETE",
                    p + held, r.nextBoolean() ? "{\"owner\":" + q(fresh("o")) + ",\"token\":" + t.heldToken() + "}"
                            : "{\"owner\":" + q(t.heldOwner()) + ",\"token\":" + (t.heldToken() + 1 + r.nextInt(5))
                            + "}", 409);
            case 9 -> coord(LOCK, "renew or release of a free lock", renew ? "POST" : "DELETE",
                    p + free + (renew ? "/renew" : ""), null, 400, 409).withBody(
                    ("{\"owner\":\"o\",\"token\":" + (1 + r.nextInt(1000)) + "}").getBytes(StandardCharsets.UTF_8));
            case 10 -> coord(LOCK, "a bad renew or release body", renew ? "POST" : "DELETE",
                    p + held + (renew ? "/renew" : ""), pick(List.of("{\"owner\":" + q(t.heldOwner()) + "}",
                    "{\"owner\":" + q(t.heldOwner()) + ",\"token\":\"" + t.heldToken() + "\"}",
                    "{\"owner\":" + q(t.heldOwner()) + ",\"token\":" + t.heldToken() + ".5}",
                    "{\"token\":" + t.heldToken() + "}", malformed("{\"owner\":\"o\",\"token\":1}"), notAnObject(),
                    "{\"owner\":" + q(t.heldOwner()) + ",\"token\":" + t.heldToken() + ",\"ttlMs\":1}",
                    "{\"owner\":" + q(t.heldOwner()) + ",\"token\":" + t.heldToken() + ",\"x\":1}")), 400);
            case 11 -> coord(LOCK, "wrong method", pick(List.of("PUT", "PATCH")), p + pick(List.of(free, held)),
                    good, 405);
            case 12 -> coord(LOCK, "oversize acquire", "POST", p + free, oversize("{\"owner\":\"", "\"}"), 400, 413);
            default -> Probe.of(LOCK, "a valid acquire or release with a wrong or missing token", false,
                    r.nextBoolean() ? "POST" : "DELETE", p + (r.nextBoolean() ? free : held), badAuthOrNone(),
                    r.nextBoolean() ? good : "{\"owner\":" + q(t.heldOwner()) + ",\"token\":" + t.heldToken() + "}",
                    401);
        });
    }

    // ---------------------------------------------------------------- coordinator: health and other paths

    private Probe other() {
        return switch (r.nextInt(3)) {
            case 0 -> Probe.of(OTHER, "wrong method on /health", false, pick(List.of("POST", "PUT", "DELETE",
                    "PATCH")), "/health", r.nextBoolean() ? auth() : null, r.nextBoolean() ? "{}" : null, 405);
            case 1 -> Probe.of(OTHER, "a path outside the API", false, pick(List.of("GET", "POST")), pick(List.of(
                    "/", "/v2/foo", "/v1", "/v1/", "/v1/transactionsX", "/healthz", "/v1/lock", "/v1/participantsX",
                    "/index.html", "/v1/unknown/x")), r.nextBoolean() ? auth() : null, null, 401, 404);
            default -> Probe.of(OTHER, "a path under /health", false, "GET", "/health/" + pick(List.of("x", "ready",
                    "..%2F")), null, null, 404, 400);
        };
    }

    // ---------------------------------------------------------------- the kit: protocol endpoints

    private String kitBody(String id) {
        return "{\"transactionId\":" + q(id) + ",\"payload\":{\"n\":" + r.nextInt(100) + "}}";
    }

    /** The kit compares the whole header, scheme included, with {@code "Bearer " + token} (its docs). */
    private Probe kitProbe(String family, String what, String method, String path, String body, int... statuses) {
        return Probe.of(family, what, true, method, path, "Bearer " + t.token(), body, statuses);
    }

    private Probe kit() {
        String action = pick(List.of("/prepare", "/commit", "/rollback"));
        String p = "/tx" + action;
        String id = fresh("hk-");
        String good = kitBody(id);
        return switch (r.nextInt(13)) {
            case 0 -> Probe.of(KIT, "a valid call with a wrong or missing token", true, "POST", p, badAuthOrNone(),
                    good, 401);
            case 1 -> kitProbe(KIT, "malformed JSON", "POST", p, malformed(good), 400);
            case 2 -> kitProbe(KIT, "not UTF-8, not an object, or empty", "POST", p,
                    r.nextBoolean() ? notAnObject() : "", 400);
            case 3 -> kitProbe(KIT, "duplicate field", "POST", p, pick(List.of(
                    "{\"transactionId\":" + q(id) + ",\"transactionId\":" + q(id) + "}",
                    "{\"transactionId\":" + q(id) + ",\"payload\":1,\"payload\":2}",
                    "{\"transactionId\":" + q(id) + ",\"joined\":true,\"joined\":true}")), 400);
            case 4 -> kitProbe(KIT, "unknown field", "POST", p, "{\"transactionId\":" + q(id) + ",\"payload\":1,"
                    + q(pick(List.of("vote", "joined ", "transactionID", "x", "state"))) + ":1}", 400);
            case 5 -> kitProbe(KIT, "transactionId missing, not a string or invalid", "POST", p, pick(List.of(
                    "{\"payload\":1}", "{\"transactionId\":" + notAString() + "}",
                    "{\"transactionId\":" + q(badName().replace("~", "^")) + ",\"payload\":1}",
                    "{\"transactionId\":" + q(repeat('t', 65)) + "}", "{\"transactionId\":\"\"}")), 400);
            case 6 -> kitProbe(KIT, "joined that is not a boolean", "POST", p, "{\"transactionId\":" + q(id)
                    + ",\"payload\":1,\"joined\":" + pick(List.of("\"true\"", "1", "null", "\"false\"", "[]", "0"))
                    + "}", 400);
            case 7 -> kitProbe(KIT, "not UTF-8", "POST", p, null, 400).withBody(binary());
            case 8 -> kitProbe(KIT, "oversize body", "POST", p, oversize("{\"transactionId\":" + q(id)
                    + ",\"payload\":\"", "\"}"), 413);
            case 9 -> kitProbe(KIT, "wrong method", pick(List.of("GET", "PUT", "DELETE", "PATCH")), p, good, 405);
            case 10 -> kitProbe(KIT, "an unknown path under the base", "POST", "/tx" + pick(List.of("/abort",
                    "/prepare/x", "/", "/PREPARE", "/commit/", "/status", "/prepare.json")), good, 404);
            case 11 -> kitProbe(KIT, "a transactionId with control characters", "POST", p,
                    "{\"transactionId\":" + q(id + pick(List.of("\u0000", "\n", " ", "\t"))) + ",\"payload\":1}", 400);
            default -> kitProbe(KIT, "a valid prepare with an oversize payload", "POST", "/tx/prepare",
                    oversize("{\"transactionId\":" + q(id) + ",\"payload\":[\"", "\"]}"), 413);
        };
    }

    // ---------------------------------------------------------------- the kit: protocol messages out of order

    private List<Probe> outOfOrder() {
        String id = t.node() + "~fz~" + Long.toString(++counter, 36);
        String tx = "{\"transactionId\":" + q(id) + "}";
        String prepare = kitBody(id);
        String joinedPrepare = "{\"transactionId\":" + q(id) + ",\"payload\":null,\"joined\":true}";
        List<Probe> c = new ArrayList<>();
        switch (r.nextInt(7)) {
            case 0 -> c.add(kitProbe(ORDER, "commit before prepare (an unknown transaction: documented 200)", "POST",
                    "/tx/commit", tx, 200));
            case 1 -> {
                c.add(kitProbe(ORDER, "rollback of an unknown transaction (documented 200, tombstone)", "POST",
                        "/tx/rollback", tx, 200));
                expectedRecords.put(id, "ROLLED_BACK");
            }
            case 2 -> {
                c.add(kitProbe(ORDER, "rollback before prepare (documented 200, tombstone)", "POST", "/tx/rollback",
                        tx, 200));
                c.add(kitProbe(ORDER, "prepare after rollback (documented: ABORT, work not run)", "POST",
                        "/tx/prepare", prepare, 200).vote("ABORT"));
                if (r.nextBoolean()) {
                    c.add(kitProbe(ORDER, "commit after rollback (documented 409)", "POST", "/tx/commit", tx, 409));
                }
                expectedRecords.put(id, "ROLLED_BACK");
            }
            case 3 -> {
                c.add(kitProbe(ORDER, "rollback (documented 200, tombstone)", "POST", "/tx/rollback", tx, 200));
                c.add(kitProbe(ORDER, "commit after rollback (documented 409)", "POST", "/tx/commit", tx, 409));
                c.add(kitProbe(ORDER, "replayed rollback (documented 200)", "POST", "/tx/rollback", tx, 200));
                expectedRecords.put(id, "ROLLED_BACK");
            }
            case 4 -> {
                c.add(kitProbe(ORDER, "joined prepare without a branch (documented: ABORT, recorded)", "POST",
                        "/tx/prepare", joinedPrepare, 200).vote("ABORT"));
                if (r.nextBoolean()) {
                    c.add(kitProbe(ORDER, "replayed joined prepare (documented: the recorded ABORT)", "POST",
                            "/tx/prepare", r.nextBoolean() ? joinedPrepare : prepare, 200).vote("ABORT"));
                }
                c.add(kitProbe(ORDER, "commit after an ABORT vote (documented 409)", "POST", "/tx/commit", tx, 409));
                if (r.nextBoolean()) {
                    c.add(kitProbe(ORDER, "rollback after an ABORT vote (documented 200)", "POST", "/tx/rollback",
                            tx, 200));
                }
                expectedRecords.put(id, "ABORTED");
            }
            case 5 -> {
                c.add(kitProbe(ORDER, "commit of an unknown transaction (documented 200)", "POST", "/tx/commit", tx,
                        200));
                c.add(kitProbe(ORDER, "replayed commit (documented 200)", "POST", "/tx/commit", tx, 200));
                c.add(kitProbe(ORDER, "rollback after commit of an unknown (documented 200, tombstone)", "POST",
                        "/tx/rollback", tx, 200));
                expectedRecords.put(id, "ROLLED_BACK");
            }
            default -> {
                // a join refused by the coordinator (unknown transaction), then the coordinator's messages
                c.add(Probe.of(ORDER, "joined call for an unknown transaction (documented 409)", true, "POST",
                        "/reserve", null, "{\"n\":1}", 409).header("Dtc-Transaction", id));
                c.add(kitProbe(ORDER, "joined prepare after a refused join (documented: ABORT, recorded)", "POST",
                        "/tx/prepare", joinedPrepare, 200).vote("ABORT"));
                c.add(kitProbe(ORDER, "commit after an ABORT vote (documented 409)", "POST", "/tx/commit", tx, 409));
                expectedRecords.put(id, "ABORTED");
            }
        }
        return c;
    }

    // ---------------------------------------------------------------- the kit: joined endpoint

    private Probe joined() {
        String body = "{\"n\":" + r.nextInt(100) + "}";
        String p = "/reserve";
        return switch (r.nextInt(9)) {
            case 0 -> Probe.of(JOIN, "no Dtc-Transaction header", true, "POST", p, null, body, 400);
            case 1 -> Probe.of(JOIN, "a malformed Dtc-Transaction header", true, "POST", p, null, body, 400)
                    .header("Dtc-Transaction", pick(List.of("", "a b", repeat('t', 65), "a/b", "a:b", "ä",
                            "a,b", "<x>")));
            case 2 -> Probe.of(JOIN, "wrong method", true, pick(List.of("GET", "PUT", "DELETE", "PATCH")), p, null,
                    body, 405).header("Dtc-Transaction", ownUnknownId());
            case 3 -> Probe.of(JOIN, "oversize body", true, "POST", p, null, oversize("{\"n\":\"", "\"}"), 413)
                    .header("Dtc-Transaction", ownUnknownId());
            case 4 -> Probe.of(JOIN, "malformed JSON", true, "POST", p, null, malformed(body), 400)
                    .header("Dtc-Transaction", ownUnknownId());
            case 5 -> Probe.of(JOIN, "not UTF-8", true, "POST", p, null, null, 400).withBody(binary())
                    .header("Dtc-Transaction", ownUnknownId());
            case 6 -> Probe.of(JOIN, "a transaction unknown to the coordinator (documented 409)", true, "POST", p,
                    null, body, 409).header("Dtc-Transaction", ownUnknownId());
            case 7 -> Probe.of(JOIN, "a transaction rolled back at the coordinator (documented 409)", true, "POST",
                    p, null, body, 409).header("Dtc-Transaction", t.rolledBackId());
            default -> Probe.of(JOIN, "another node's transaction (documented 502: the coordinator answered 421)",
                    true, "POST", p, null, body, 502).header("Dtc-Transaction", otherNodeId());
        };
    }
}
