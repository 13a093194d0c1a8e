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
        List<CompletableFuture<R>> elsewhere = null;
        boolean callerHasSlowOne = false;
        for (int i = 0; i < n; i++) {
            B b = branches.get(i);
            CompletableFuture<R> f = null;
            if (!times.quick(b)) {
                if (callerHasSlowOne) {
                    f = CompletableFuture.supplyAsync(() -> call.apply(b), executor);
                }
                callerHasSlowOne = true;
            }
            if (f != null && elsewhere == null) {
                elsewhere = new ArrayList<>(n);
                for (int j = 0; j < i; j++) {
                    elsewhere.add(null);
                }
            }
            if (elsewhere != null) {
                elsewhere.add(f);
            }
        }
        List<R> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            results.add(elsewhere == null || elsewhere.get(i) == null ? call.apply(branches.get(i)) : null);
        }
        if (elsewhere != null) {
            for (int i = 0; i < n; i++) {
                if (elsewhere.get(i) != null) {
                    results.set(i, elsewhere.get(i).join());
                }
            }
        }
        return results;
    }
}
