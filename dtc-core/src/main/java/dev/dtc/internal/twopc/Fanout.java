package dev.dtc.internal.twopc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Phase 2's way of calling every branch at once: the first call runs on the caller's thread
 * (which would otherwise only wait), the others on the phase executor; the results come back in
 * branch order. Phase 2 is not bounded by a deadline, so the caller may run a call itself;
 * phase 1 is, which is why {@link Preparer} sends every prepare to the executor instead.
 */
final class Fanout {
    private Fanout() {
    }

    static <B extends Branch, R> List<R> callAll(List<B> branches, Function<B, R> call, Executor executor) {
        int n = branches.size();
        if (n == 0) {
            return List.of();
        }
        List<CompletableFuture<R>> others = new ArrayList<>(n - 1);
        for (int i = 1; i < n; i++) {
            B b = branches.get(i);
            others.add(CompletableFuture.supplyAsync(() -> call.apply(b), executor));
        }
        List<R> results = new ArrayList<>(n);
        results.add(call.apply(branches.get(0)));
        for (CompletableFuture<R> f : others) {
            results.add(f.join());
        }
        return results;
    }
}
