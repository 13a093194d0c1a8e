package dev.dtc.tm;

import dev.dtc.audit.Audit;
import dev.dtc.twopc.Coordinator;
import dev.dtc.xid.XidFactory;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every transaction of one service shares: the Xid factory, the phase coordinator, the
 * audit trail, the timer for timeouts, the set of transactions in flight (which recovery must
 * not touch) and the default timeout.
 */
public record TmContext(XidFactory xids, Coordinator coordinator, Audit audit, ScheduledExecutorService timer,
                        Set<String> inFlight, int defaultTimeoutSeconds) {
}
