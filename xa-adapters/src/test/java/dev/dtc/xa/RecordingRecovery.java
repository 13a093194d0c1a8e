package dev.dtc.xa;

import dev.dtc.Recovery;
import dev.dtc.RecoveryReport;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.transaction.xa.XAResource;

/** Keeps what is registered, so tests can call the suppliers as a recovery pass would. */
final class RecordingRecovery implements Recovery {

    final Map<String, Supplier<XAResource>> registered = new ConcurrentHashMap<>();

    @Override
    public void register(String name, Supplier<XAResource> source) {
        if (name == null || name.isBlank() || registered.putIfAbsent(name, source) != null) {
            throw new IllegalArgumentException("name blank or already registered: " + name);
        }
    }

    @Override
    public void unregister(String name) {
        registered.remove(name);
    }

    @Override
    public RecoveryReport scan() {
        throw new UnsupportedOperationException("the engine's scan is tested in dtc-core");
    }

    @Override
    public boolean endDecision(String txId) {
        return false;
    }

    @Override
    public java.util.List<dev.dtc.PendingDecision> pending() {
        return java.util.List.of();
    }

    @Override
    public java.util.List<String> heuristics() {
        return java.util.List.of();
    }

    @Override
    public boolean forgetHeuristic(String txId) {
        return false;
    }
}
