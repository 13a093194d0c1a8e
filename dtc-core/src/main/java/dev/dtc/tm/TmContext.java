package dev.dtc.tm;

import dev.dtc.audit.Audit;
import dev.dtc.twopc.Coordinator;
import dev.dtc.xid.XidFactory;
import java.util.concurrent.ConcurrentMap;

/**
 * What every transaction of one service shares: the Xid factory, the phase coordinator, the
 * audit trail, the transactions in flight by id (which recovery must not touch, and which the
 * {@link TimeoutSweeper} watches) and the default timeout.
 */
public record TmContext(XidFactory xids, Coordinator coordinator, Audit audit,
                        ConcurrentMap<String, DtcTransaction> inFlight, int defaultTimeoutSeconds) {
}
