package dev.dtc.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dtc.internal.twopc.Branch;
import dev.dtc.internal.twopc.Vote;
import dev.dtc.internal.xid.DtcXid;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import javax.transaction.xa.XAException;

/**
 * A participant service reached over HTTP, as the engine sees it: one more kind of {@link Branch}. Its calls are
 * {@code POST {url}/prepare|commit|rollback}; what they answer is turned into the X/Open codes the engine reads:
 * <ul>
 *   <li>a COMMIT or READ_ONLY vote is the vote;</li>
 *   <li>an ABORT vote is XA_RBROLLBACK with the participant's reason (it rolled back its own work, so it is
 *       not sent rollback);</li>
 *   <li>no answer, a refused connection, a non-2xx status or a body that is not a vote is XAER_RMFAIL: the
 *       participant may have prepared, so it is sent rollback;</li>
 *   <li>on commit and rollback any 2xx acknowledges; {@code 409 {"heuristic": "ROLLED_BACK"|"COMMITTED"|"MIXED"|
 *       "HAZARD"}} is the participant reporting that it decided on its own, mapped onto XA_HEURRB, XA_HEURCOM,
 *       XA_HEURMIX and XA_HEURHAZ, so the engine's heuristic path records it for an operator exactly as for an XA
 *       resource; anything else is XAER_RMFAIL, which the engine retries and then hands to recovery.</li>
 * </ul>
 * It also keeps what the transaction's answer reports for this participant: its vote, the reason, and whether
 * it acknowledged phase 2.
 */
final class HttpBranch implements Branch {

    /** Told which rollbacks a participant has not acknowledged, so that recovery can keep sending them. */
    interface RollbackWatch {
        void rollbackNotAcknowledged(HttpBranch b);

        void rolledBack(DtcXid xid);
    }

    /** How a participant's vote counted, as the API reports it. */
    enum ReportedVote { COMMIT, ABORT, READ_ONLY, NO_ANSWER }

    private final String txId;
    private final DtcXid xid;
    private final ParticipantAddress address;
    private final String timingKey;
    private final ParticipantCalls calls;
    private final ObjectMapper json;
    private final RollbackWatch source;
    private final boolean joined;
    private final ClientTrace clientTrace;
    private final Traces traces;
    private volatile JsonNode payload;
    private volatile long deadlineNanos = Long.MAX_VALUE;
    private volatile ReportedVote vote;
    private volatile String reason;
    private volatile boolean acknowledged;
    private volatile String heuristic;

    HttpBranch(String txId, DtcXid xid, ParticipantAddress address, JsonNode payload, ParticipantCalls calls,
               ObjectMapper json, RollbackWatch source) {
        this(txId, xid, address, payload, calls, json, source, false);
    }

    /**
     * @param joined the participant joined an open transaction: it did its work when it was called, so prepare
     *               carries no payload but {@code "joined": true}, and the participant prepares the branch it
     *               holds (it must never run work for it at prepare)
     */
    HttpBranch(String txId, DtcXid xid, ParticipantAddress address, JsonNode payload, ParticipantCalls calls,
               ObjectMapper json, RollbackWatch source, boolean joined) {
        this(txId, xid, address, payload, calls, json, source, joined, new ClientTrace(), Traces.PASS_THROUGH);
    }

    /**
     * @param clientTrace the trace context the transaction's client sent (shared by its branches)
     * @param traces      what goes out with each call: the client's context, or the coordinator's span for it
     */
    HttpBranch(String txId, DtcXid xid, ParticipantAddress address, JsonNode payload, ParticipantCalls calls,
               ObjectMapper json, RollbackWatch source, boolean joined, ClientTrace clientTrace, Traces traces) {
        this.clientTrace = clientTrace;
        this.traces = traces;
        this.txId = txId;
        this.joined = joined;
        this.xid = xid;
        this.address = address;
        URI u = address.url();
        this.timingKey = u.getScheme() + "://" + u.getHost() + ":" + u.getPort(); // asked twice per call: built once
        this.payload = payload;
        this.calls = calls;
        this.json = json;
        this.source = source;
    }

    void deadline(long nanos) {
        this.deadlineNanos = nanos;
    }

    ParticipantAddress address() {
        return address;
    }

    ReportedVote vote() {
        return vote;
    }

    String reason() {
        return reason;
    }

    boolean acknowledged() {
        return acknowledged;
    }

    /** The heuristic outcome the participant reported against the decision (e.g. ROLLED_BACK on commit), or null. */
    String heuristic() {
        return heuristic;
    }

    @Override
    public DtcXid xid() {
        return xid;
    }

    @Override
    public String resourceName() {
        return address.resourceName();
    }

    /**
     * Calls are timed per service (scheme, host and port), not per participant URL: clients choose URLs freely, so
     * keyed by URL the engine's record of call times would grow with every new path.
     */
    @Override
    public String timingKey() {
        return timingKey;
    }

    @Override
    public Vote prepare() throws XAException {
        ObjectNode body = json.createObjectNode();
        body.put("transactionId", txId);
        body.set("payload", payload);
        if (joined) {
            body.put("joined", true);
        }
        payload = null; // sent: the transaction's answer does not repeat it, so let it go
        Duration left = deadlineNanos == Long.MAX_VALUE ? calls.phaseTwoTimeout()
                : Duration.ofNanos(deadlineNanos - System.nanoTime());
        ParticipantCalls.Reply r = calls.post(address, "prepare", bytes(body), left, trace());
        if (!r.answered()) {
            return fail(ReportedVote.NO_ANSWER, r.failure());
        }
        if (!r.ok()) {
            return fail(ReportedVote.ABORT, "answered prepare with HTTP " + r.status() + snippet(r.body()));
        }
        JsonNode answer;
        try {
            answer = json.readTree(r.body());
        } catch (IOException e) {
            answer = null;
        }
        JsonNode v = answer == null ? null : answer.get("vote");
        String why = answer != null && answer.hasNonNull("reason") ? answer.get("reason").asText() : null;
        if (v != null && v.isTextual()) {
            switch (v.asText()) {
                case "COMMIT" -> {
                    record(ReportedVote.COMMIT, why);
                    return Vote.COMMIT;
                }
                case "READ_ONLY" -> {
                    record(ReportedVote.READ_ONLY, why);
                    acknowledged = true; // nothing to finish
                    return Vote.READ_ONLY;
                }
                case "ABORT" -> {
                    record(ReportedVote.ABORT, why == null ? "voted abort" : why);
                    // the participant's own words: they become the transaction's reason
                    acknowledged = true; // it rolled back its own work
                    XAException e = new XAException(why == null ? "voted abort" : why);
                    e.errorCode = XAException.XA_RBROLLBACK;
                    throw e;
                }
                default -> { }
            }
        }
        return fail(ReportedVote.ABORT, "answered prepare with something that is not a vote" + snippet(r.body()));
    }

    /** The W3C trace context this call carries (the engine's audit event for it was emitted just before). */
    private TraceContext trace() {
        return traces.outgoing(clientTrace, txId, xid.toString(), address.name());
    }

    private Vote fail(ReportedVote counted, String why) throws XAException {
        record(counted, why);
        XAException e = new XAException(why);
        e.errorCode = XAException.XAER_RMFAIL;
        throw e;
    }

    private void record(ReportedVote v, String why) {
        // the first answer counts: a late prepare after the deadline does not change a NO_ANSWER already reported
        if (vote == null) {
            reason = why;
            vote = v;
        }
    }

    /** The deadline passed before prepare answered: the vote counted as none. */
    void noAnswerByDeadline(String why) {
        record(ReportedVote.NO_ANSWER, why);
    }

    @Override
    public void commit(boolean onePhase) throws XAException {
        finish("commit");
    }

    @Override
    public void rollback() throws XAException {
        try {
            finish("rollback");
            source.rolledBack(xid);
        } catch (XAException e) {
            if (Heuristic.reported(e)) {
                source.rolledBack(xid); // it decided on its own: nothing more to send, an operator takes over
            } else {
                // recovery lists it from now on (see HttpRecoverySource) and rolls it back once it answers
                source.rollbackNotAcknowledged(this);
            }
            throw e;
        }
    }

    private void finish(String op) throws XAException {
        ObjectNode body = json.createObjectNode();
        body.put("transactionId", txId);
        ParticipantCalls.Reply r = calls.post(address, op, bytes(body), calls.phaseTwoTimeout(), trace());
        if (r.ok()) {
            acknowledged = true;
            return;
        }
        Heuristic h = r.status() == 409 ? Heuristic.in(r.body(), json) : null;
        if (h != null) {
            boolean asDecided = h == (op.equals("commit") ? Heuristic.COMMITTED : Heuristic.ROLLED_BACK);
            if (asDecided) {
                acknowledged = true; // it did what was decided, on its own: the engine counts it done
            } else {
                heuristic = h.name();
            }
            XAException e = new XAException(address.name() + " answered " + op + " with the heuristic outcome "
                    + h.name() + snippet(r.body()));
            e.errorCode = h.xaCode;
            throw e;
        }
        XAException e = new XAException(r.answered()
                ? address.name() + " answered " + op + " with HTTP " + r.status() + snippet(r.body())
                : address.name() + ": " + r.failure());
        e.errorCode = XAException.XAER_RMFAIL;
        throw e;
    }

    @Override
    public void forget() {
        // The participant protocol has no forget call: the heuristic stays in the coordinator's log until an
        // operator resolves it (POST /v1/transactions/{id}/resolve), and the participant may forget it whenever
        // its own operator has reconciled it.
    }

    /** A heuristic outcome a participant reports with {@code 409 {"heuristic": "..."}}, and its X/Open code. */
    enum Heuristic {
        COMMITTED(XAException.XA_HEURCOM),
        ROLLED_BACK(XAException.XA_HEURRB),
        MIXED(XAException.XA_HEURMIX),
        HAZARD(XAException.XA_HEURHAZ);

        final int xaCode;

        Heuristic(int xaCode) {
            this.xaCode = xaCode;
        }

        /** The heuristic named by a 409 body, or null when the body names none (then it is an ordinary failure). */
        static Heuristic in(byte[] body, ObjectMapper json) {
            try {
                JsonNode n = body == null || body.length == 0 ? null : json.readTree(body);
                JsonNode h = n == null ? null : n.get("heuristic");
                return h != null && h.isTextual() ? valueOf(h.asText()) : null;
            } catch (IOException | IllegalArgumentException e) {
                return null;
            }
        }

        static boolean reported(XAException e) {
            return e.errorCode == XAException.XA_HEURCOM || e.errorCode == XAException.XA_HEURRB
                    || e.errorCode == XAException.XA_HEURMIX || e.errorCode == XAException.XA_HEURHAZ;
        }
    }

    private byte[] bytes(ObjectNode body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a call to " + address.name(), e);
        }
    }

    private static String snippet(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        String s = new String(body, 0, Math.min(body.length, 200), java.nio.charset.StandardCharsets.UTF_8).strip();
        return s.isEmpty() ? "" : ": " + s;
    }

    @Override
    public String toString() {
        return xid + " @" + address.name();
    }
}
