package dev.dtc.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dtc.internal.recovery.RecoverySource;
import dev.dtc.internal.twopc.Branch;
import dev.dtc.internal.xid.DtcXid;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How recovery reaches one participant service. A service has no "list your prepared branches" call, so the
 * listing is what this coordinator knows may be left prepared there: the branches whose rollback it sent and
 * did not see acknowledged. Recovery rolls those back (presumed abort) until the service answers; it sends
 * commit by Xid to every unfinished branch of a commit decision named for this participant, as it does for a
 * resource that cannot list a branch, and a 2xx answer finishes it.
 *
 * <p>A rollback that is still unacknowledged when the coordinator stops is not remembered (presumed abort
 * logs nothing for it): the participant learns the outcome by asking {@code GET /v1/transactions/{id}}, which
 * answers ROLLED_BACK for a transaction with no commit decision. The participant kit does that on its own.
 */
final class HttpRecoverySource implements RecoverySource, HttpBranch.RollbackWatch {

    private final ParticipantAddress address;
    private final ParticipantCalls calls;
    private final ObjectMapper json;
    private final Map<DtcXid, HttpBranch> maybePrepared = new ConcurrentHashMap<>();

    HttpRecoverySource(ParticipantAddress address, ParticipantCalls calls, ObjectMapper json) {
        this.address = address;
        this.calls = calls;
        this.json = json;
    }

    @Override
    public void rollbackNotAcknowledged(HttpBranch b) {
        maybePrepared.put(b.xid(), b);
    }

    @Override
    public void rolledBack(DtcXid xid) {
        maybePrepared.remove(xid);
    }

    @Override
    public Scan open() {
        return new Scan() {
            @Override
            public List<DtcXid> inDoubt() {
                return List.copyOf(maybePrepared.keySet());
            }

            @Override
            public Branch branch(DtcXid xid) {
                // the transaction's own branch when there is one, so that its answer shows the acknowledgement
                HttpBranch known = maybePrepared.get(xid);
                return known != null ? known
                        : new HttpBranch(xid.gtridText(), xid, address, null, calls, json, HttpRecoverySource.this);
            }
        };
    }
}
