package dev.dtc.internal.tm;

import dev.dtc.internal.audit.Audit;
import dev.dtc.internal.engine.Engine;
import dev.dtc.internal.engine.Timed;
import dev.dtc.internal.twopc.Coordinator;
import dev.dtc.internal.xid.XidFactory;
import java.util.concurrent.ConcurrentMap;

/**
 * What every JTA transaction of one service shares: the engine's Xid factory, coordinator, audit trail and
 * transactions in flight (which recovery must not touch, and which the timeout sweeper watches), and the
 * default timeout.
 */
public record TmContext(XidFactory xids, Coordinator coordinator, Audit audit, ConcurrentMap<String, Timed> inFlight,
                        int defaultTimeoutSeconds) {

    public static TmContext on(Engine engine, int defaultTimeoutSeconds) {
        return new TmContext(engine.xids(), engine.coordinator(), engine.audit(), engine.inFlight(), defaultTimeoutSeconds);
    }
}
