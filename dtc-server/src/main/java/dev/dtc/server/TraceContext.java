package dev.dtc.server;

import java.util.List;

/**
 * A W3C Trace Context (https://www.w3.org/TR/trace-context/) as a client sent it: a {@code traceparent} that
 * passed the specification's checks, and its {@code tracestate} (or null). The coordinator keeps it with the
 * transaction and sends it on to the participants; without OpenTelemetry it passes it through unchanged, as the
 * specification lets a component that does not trace.
 *
 * @param traceparent {@code 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>}
 * @param tracestate  the vendors' list, or null
 */
public record TraceContext(String traceparent, String tracestate) {

    /** The header names, lower case as the specification writes them (HTTP header names are case-insensitive). */
    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";

    /** More than this in tracestate is dropped (the specification asks to pass on at least 512 characters). */
    static final int MAX_TRACESTATE_CHARS = 4096;
    /** The specification's limit on tracestate list members. */
    static final int MAX_TRACESTATE_MEMBERS = 32;

    private static final String ZERO_TRACE_ID = "00000000000000000000000000000000";
    private static final String ZERO_PARENT_ID = "0000000000000000";

    /** The trace id (32 lower-case hex characters). */
    public String traceId() {
        return traceparent.substring(3, 35);
    }

    /** The parent id: the caller's span (16 lower-case hex characters). */
    public String parentId() {
        return traceparent.substring(36, 52);
    }

    /**
     * The context in a request's headers, or null when it has none or its {@code traceparent} is malformed: a
     * malformed header is ignored (with its tracestate, as the specification says), never an error.
     *
     * @param traceparents every {@code traceparent} header line (more than one is malformed)
     * @param tracestates  every {@code tracestate} header line (several are one list, joined by commas)
     */
    static TraceContext fromHeaders(List<String> traceparents, List<String> tracestates) {
        if (traceparents == null || traceparents.size() != 1) {
            return null;
        }
        String parent = normalized(traceparents.get(0));
        if (parent == null) {
            return null;
        }
        String state = tracestates == null || tracestates.isEmpty() ? null : String.join(",", tracestates);
        return new TraceContext(parent, validState(state));
    }

    /**
     * The traceparent to pass on, or null if it is malformed. Version 00 is passed on as it came; a later version
     * (allowed: the first four fields keep their shape, more may follow after a dash) is read as version 00, which
     * is all this coordinator knows how to send.
     */
    static String normalized(String h) {
        if (h == null) {
            return null;
        }
        h = h.strip();
        if (h.length() < 55 || !hex(h, 0, 2) || h.startsWith("ff") || h.charAt(2) != '-' || !hex(h, 3, 35)
                || h.charAt(35) != '-' || !hex(h, 36, 52) || h.charAt(52) != '-' || !hex(h, 53, 55)) {
            return null;
        }
        boolean version00 = h.startsWith("00");
        if (version00 ? h.length() != 55 : h.length() > 55 && h.charAt(55) != '-') {
            return null;
        }
        if (h.regionMatches(3, ZERO_TRACE_ID, 0, 32) || h.regionMatches(36, ZERO_PARENT_ID, 0, 16)) {
            return null;
        }
        return version00 ? h : "00" + h.substring(2, 55);
    }

    /** tracestate if it is printable ASCII within the limits, else null (dropped; the traceparent still counts). */
    static String validState(String s) {
        if (s == null) {
            return null;
        }
        s = s.strip();
        if (s.isEmpty() || s.length() > MAX_TRACESTATE_CHARS) {
            return null;
        }
        int members = 1;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return null;
            }
            if (c == ',') {
                members++;
            }
        }
        return members > MAX_TRACESTATE_MEMBERS ? null : s;
    }

    private static boolean hex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }
}
