package dev.dtc.internal.twopc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Phase 2's way of calling every branch: the calls to quick resources ({@link CallTimes}) run one after the other
 * on the caller's thread, which would otherwise only wait, as does the first call to a slow one; the other slow
 * ones run on the phase executor at the same time. The results come back in branch order. Phase 2 is not bounded
 * by a deadline (the outcome is decided and durable), so the caller may run calls itself; phase 1 is, which is
 * why {@link Preparer} sends every prepare to the executor instead.
 */
final class Fanout {
    private Fanout() {
    }

    static <B extends Branch, R> List<R> callAll(List<B> branches, Function<B, R> call, Executor executor,
                                                 CallTimes times) {
        int n = branches.size();
        if (n == 0) {
            return List.of();
        }
        // null where the caller makes the call itself: every quick one and the first slow one
        List<CompletableFuture<R>> elsewhere = new ArrayList<>(n);
        boolean callerHasSlowOne = false;
        for (B b : branches) {
            boolean quick = times.quick(b);
            boolean here = quick || !callerHasSlowOne;
            callerHasSlowOne |= !quick;
            elsewhere.add(here ? null : CompletableFuture.supplyAsync(() -> call.apply(b), executor));
        }
        List<R> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            results.add(elsewhere.get(i) == null ? call.apply(branches.get(i)) : null);
        }
        for (int i = 0; i < n; i++) {
            if (elsewhere.get(i) != null) {
                results.set(i, elsewhere.get(i).join());
            }
        }
        return results;
    }
}
