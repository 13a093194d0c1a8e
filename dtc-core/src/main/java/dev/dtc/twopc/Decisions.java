package dev.dtc.twopc;

import dev.dtc.audit.Audit;
import dev.dtc.audit.EventType;
import dev.dtc.log.DecisionLog;
import dev.dtc.log.LogRecord;
import dev.dtc.log.RecordType;
import dev.dtc.xid.DtcXid;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commit decisions that are durable but not yet finished, in memory, in step with the log.
 * A decision is added when its DECISION record is forced, each branch is acknowledged when its
 * commit succeeds (or the resource says it no longer knows the Xid), and the END record is
 * written when the last branch is acknowledged.
 *
 * <p>A decision is <em>live</em> while the process that made it is still driving its branches
 * (phase 2 or background retries); decisions read from the log at start-up belong to recovery.
 */
public final class Decisions {
    private static final Logger LOG = LoggerFactory.getLogger(Decisions.class);

    /** One decided transaction. */
    public static final class Decision {
        private final String txId;
        private final List<DtcXid> xids;
        private final Set<DtcXid> remaining = ConcurrentHashMap.newKeySet();
        private volatile boolean recoveryOwned;
        private volatile boolean heuristic;

        Decision(String txId, List<DtcXid> xids, boolean recoveryOwned) {
            this.txId = txId;
            this.xids = List.copyOf(xids);
            this.remaining.addAll(xids);
            this.recoveryOwned = recoveryOwned;
        }

        public String txId() {
            return txId;
        }

        public List<DtcXid> xids() {
            return xids;
        }

        public boolean recoveryOwned() {
            return recoveryOwned;
        }

        public boolean heuristic() {
            return heuristic;
        }

        public Set<DtcXid> remaining() {
            return Set.copyOf(remaining);
        }
    }

    private final DecisionLog log;
    private final Audit audit;
    private final Map<String, Decision> open = new ConcurrentHashMap<>();

    public Decisions(DecisionLog log, Audit audit) {
        this.log = log;
        this.audit = audit;
    }

    /** Loads what the log holds at start-up: decisions not ended, owned by recovery. */
    public void loadFromLog() {
        for (Map.Entry<String, List<LogRecord>> e : log.pendingAtOpen().entrySet()) {
            List<DtcXid> xids = new ArrayList<>();
            boolean heuristic = false;
            for (LogRecord r : e.getValue()) {
                if (r.type() == RecordType.DECISION) {
                    xids.addAll(DecisionCodec.decode(r.payload()));
                } else if (r.type() == RecordType.HEURISTIC) {
                    heuristic = true;
                }
            }
            Decision d = new Decision(e.getKey(), xids, true);
            d.heuristic = heuristic;
            open.put(d.txId, d);
        }
    }

    /**
     * Forces the commit decision to the log and registers it. When this returns normally, the
     * transaction is committed whatever happens next; when it throws, nothing was decided.
     */
    public Decision decideCommit(String txId, List<DtcXid> xids) throws IOException {
        Decision d = new Decision(txId, xids, false);
        open.put(txId, d);
        try {
            log.appendForced(new LogRecord(RecordType.DECISION, txId, DecisionCodec.encode(xids)));
        } catch (IOException | RuntimeException e) {
            open.remove(txId);
            throw e;
        }
        audit.emit(EventType.DECISION_FORCED, txId, null, xids.size() + " branches");
        return d;
    }

    /** A branch is done (committed, or already finished); ends the decision after the last one. */
    public void acknowledged(Decision d, DtcXid xid) {
        if (d.remaining.remove(xid) && d.remaining.isEmpty() && !d.heuristic) {
            end(d);
        }
    }

    /** Recovery found no branch of the decision left in any resource: it is finished. */
    public void finished(Decision d) {
        d.remaining.clear();
        if (!d.heuristic) {
            end(d);
        }
    }

    /** Records a heuristic outcome for an operator: forced, and the decision is never ended automatically. */
    public void heuristic(Decision d, DtcXid xid, String what) {
        d.heuristic = true;
        d.remaining.remove(xid);
        try {
            log.appendForced(new LogRecord(RecordType.HEURISTIC, d.txId,
                    (xid + " " + what).getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            LOG.error("could not log heuristic outcome of {} ({}); it is in the audit log only", xid, what, e);
        }
    }

    /** Ids of the transactions whose heuristic outcome waits for an operator. */
    public List<String> heuristics() {
        List<String> ids = new ArrayList<>();
        for (Decision d : open.values()) {
            if (d.heuristic) {
                ids.add(d.txId);
            }
        }
        return ids;
    }

    /** An operator reconciled a heuristic transaction: end it in the log. */
    public boolean forgetHeuristic(String txId) {
        Decision d = open.get(txId);
        if (d == null || !d.heuristic) {
            return false;
        }
        end(d);
        return true;
    }

    /** Hands a live decision over to recovery (its process can no longer drive it). */
    public void handOverToRecovery(Decision d) {
        d.recoveryOwned = true;
    }

    public Decision get(String txId) {
        return open.get(txId);
    }

    public boolean isDecided(String txId) {
        return open.containsKey(txId);
    }

    public Collection<Decision> all() {
        return List.copyOf(open.values());
    }

    public int size() {
        return open.size();
    }

    private void end(Decision d) {
        open.remove(d.txId);
        try {
            log.append(new LogRecord(RecordType.END, d.txId, new byte[0]));
        } catch (IOException e) {
            // Harmless for correctness: recovery will find the decision again, commit finds
            // XAER_NOTA (already done) and writes the end record then.
            LOG.warn("could not write end record of {}; recovery will finish it again", d.txId, e);
        }
        audit.emit(EventType.END, d.txId);
    }
}
