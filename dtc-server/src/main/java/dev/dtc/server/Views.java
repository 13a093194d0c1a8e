package dev.dtc.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dtc.internal.twopc.Decisions;

/**
 * The answer of {@code POST} and {@code GET /v1/transactions}: the same shape whether the transaction is in this
 * process's memory, only in the decision log (after a restart), or only in the outcome history.
 */
final class Views {

    private final ObjectMapper json;
    private final Decisions decisions;

    Views(ObjectMapper json, Decisions decisions) {
        this.json = json;
        this.decisions = decisions;
    }

    /** A transaction this process runs or ran. */
    ObjectNode of(RemoteTransaction t) {
        RemoteTransaction.Outcome outcome = t.outcome();
        Decisions.Decision open = decisions.get(t.id());
        if (outcome == RemoteTransaction.Outcome.IN_PROGRESS && open != null && open.commit()) {
            outcome = RemoteTransaction.Outcome.COMMITTED; // forced a moment ago; the phase callback is on its way
        }
        ObjectNode o = json.createObjectNode();
        o.put("id", t.id());
        o.put("outcome", outcome.name());
        if (t.isOpen()) {
            o.put("open", true);
            if (t.openState() == RemoteTransaction.OpenState.OPEN) {
                o.put("state", "OPEN");
                o.put("timeoutMs", t.timeoutMs());
                o.put("expiresAt", t.expiresAt().toString());
            }
        }
        boolean complete = true;
        ArrayNode ps = o.putArray("participants");
        for (HttpBranch b : t.branches()) {
            boolean ack = b.acknowledged();
            if (!ack && outcome == RemoteTransaction.Outcome.COMMITTED && b.vote() == HttpBranch.ReportedVote.COMMIT) {
                // recovery may have finished it through a branch object of its own: the decision knows
                Boolean finished = decisions.finished(t.id(), b.xid());
                ack = finished == null ? open == null : finished;
            }
            if (b.heuristic() != null) {
                ack = false; // it did not do what was decided: the log keeps it for an operator
            }
            complete &= ack;
            ObjectNode p = ps.addObject();
            p.put("name", b.address().name());
            p.put("url", b.address().url().toString());
            HttpBranch.ReportedVote v = b.vote();
            if (v != null) {
                p.put("vote", v.name());
            } else if (outcome == RemoteTransaction.Outcome.IN_PROGRESS || t.openState()
                    == RemoteTransaction.OpenState.ROLLING_BACK) {
                p.putNull("vote"); // not answered yet, or never asked: rolled back before its prepare
            } else {
                p.put("vote", HttpBranch.ReportedVote.NO_ANSWER.name());
            }
            if (b.reason() != null) {
                p.put("reason", b.reason());
            }
            p.put("acknowledged", ack);
            if (b.heuristic() != null) {
                p.put("heuristic", b.heuristic());
            }
        }
        if (outcome != RemoteTransaction.Outcome.IN_PROGRESS) {
            o.put("phase2", complete ? "COMPLETE" : "PENDING");
        }
        if (t.reason() != null && outcome == RemoteTransaction.Outcome.ROLLED_BACK) {
            o.put("reason", t.reason());
        }
        ArrayNode es = o.putArray("events");
        for (RemoteTransaction.Event e : t.events()) {
            ObjectNode j = es.addObject();
            j.put("at", e.at().toString());
            j.put("type", e.type());
            if (e.participant() != null) {
                j.put("participant", e.participant());
            }
            if (e.detail() != null) {
                j.put("detail", e.detail());
            }
        }
        return o;
    }

    /** A commit decision read from the log: this process did not run the transaction (it restarted since). */
    ObjectNode of(Decisions.Decision d) {
        ObjectNode o = json.createObjectNode();
        o.put("id", d.txId());
        o.put("outcome", "COMMITTED");
        boolean complete = true;
        ArrayNode ps = o.putArray("participants");
        for (Decisions.DecidedBranch b : d.branches()) {
            ParticipantAddress a = ParticipantAddress.fromResourceName(b.resourceName());
            ObjectNode p = ps.addObject();
            p.put("name", a == null ? b.resourceName() : a.name());
            if (a != null) {
                p.put("url", a.url().toString());
            }
            p.put("vote", "COMMIT");
            p.put("acknowledged", b.finished());
            complete &= b.finished();
        }
        o.put("phase2", complete ? "COMPLETE" : "PENDING");
        o.putArray("events");
        return o;
    }

    /** The answer for an id this coordinator has no record of. */
    ObjectNode unknown(String id) {
        ObjectNode o = json.createObjectNode();
        o.put("error", "no transaction " + id + " is known to this coordinator: it was never decided here, or its"
                + " outcome is past the retention period; it did not commit (presumed abort)");
        o.put("id", id);
        o.put("outcome", "ROLLED_BACK");
        o.put("presumed", true);
        return o;
    }
}
