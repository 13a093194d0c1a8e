package dev.dtc.demo.trace;

import dev.dtc.audit.AuditEvent;
import dev.dtc.audit.EventType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What recovery did at the start of a command: the RECOVERY_* events of dtc, each with the participant whose
 * database held the branch. dtc names the resource it recovered by its recovery registration name; the demo's
 * data sources are registered under names it maps back to participants.
 */
public final class RecoveryTrace implements Consumer<AuditEvent> {

    private static final Set<EventType> RECOVERY = EnumSet.of(EventType.RECOVERY_COMMIT, EventType.RECOVERY_ROLLBACK,
            EventType.RECOVERY_DONE, EventType.RECOVERY_FAILED, EventType.HEURISTIC);
    /** dtc's recovery details end with "resource &lt;name&gt;". */
    private static final Pattern RESOURCE = Pattern.compile("resource (\\S+)");

    private final Map<String, String> participantsByResource;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Action> actions = new ArrayList<>();

    /** One thing recovery did to one branch. */
    public record Action(EventType type, String transactionId, String participant, String branch, String detail) {
    }

    /** @param participantsByResource recovery registration name → participant name */
    public RecoveryTrace(Map<String, String> participantsByResource) {
        this.participantsByResource = Map.copyOf(participantsByResource);
    }

    @Override
    public void accept(AuditEvent e) {
        if (!RECOVERY.contains(e.type())) {
            return;
        }
        String participant = null;
        if (e.detail() != null) {
            Matcher m = RESOURCE.matcher(e.detail());
            if (m.find()) {
                participant = participantsByResource.getOrDefault(m.group(1), m.group(1));
            }
        }
        lock.lock();
        try {
            actions.add(new Action(e.type(), e.txId(), participant, e.branch(), e.detail()));
        } finally {
            lock.unlock();
        }
    }

    public List<Action> actions() {
        lock.lock();
        try {
            return List.copyOf(actions);
        } finally {
            lock.unlock();
        }
    }
}
