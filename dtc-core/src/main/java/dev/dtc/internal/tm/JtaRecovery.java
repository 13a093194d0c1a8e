package dev.dtc.internal.tm;

import dev.dtc.PendingDecision;
import dev.dtc.Recovery;
import dev.dtc.RecoveryReport;
import dev.dtc.internal.recovery.RecoveryManager;
import java.util.List;
import java.util.function.Supplier;
import javax.transaction.xa.XAResource;

/** The public {@link Recovery} of a TransactionService: the engine's recovery, with XA resources as sources. */
public final class JtaRecovery implements Recovery {

    private final RecoveryManager recovery;

    public JtaRecovery(RecoveryManager recovery) {
        this.recovery = recovery;
    }

    @Override
    public void register(String name, Supplier<XAResource> source) {
        if (source == null) {
            throw new IllegalArgumentException("recovery resource '" + name + "' needs a supplier of XAResources");
        }
        recovery.register(name, new XaRecoverySource(name, source));
    }

    @Override
    public void unregister(String name) {
        recovery.unregister(name);
    }

    @Override
    public List<PendingDecision> pending() {
        return recovery.pending();
    }

    @Override
    public RecoveryReport scan() {
        return recovery.scan();
    }

    @Override
    public List<String> heuristics() {
        return recovery.heuristics();
    }

    @Override
    public boolean forgetHeuristic(String txId) {
        return recovery.forgetHeuristic(txId);
    }

    @Override
    public boolean endDecision(String txId) {
        return recovery.endDecision(txId);
    }
}
