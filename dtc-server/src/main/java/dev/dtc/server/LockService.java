package dev.dtc.server;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Leased locks with fencing tokens. A lock is granted to one owner for a time to live, with a token higher than
 * every token granted before for that lock: a guarded resource that refuses a token lower than the last it saw
 * cannot be damaged by a holder that paused past its lease. A lease not renewed in time is released by itself.
 * {@link MemoryLockService} holds the leases of one coordinator in memory; {@link PostgresLockService} holds them
 * in the shared store, so that a lock is one lock whichever coordinator is asked.
 */
interface LockService {

    /** A granted lease. */
    record Grant(String name, String owner, long token, Instant expiresAt) {
    }

    /** A request refused because of the lock's state (409), with who holds it. */
    final class Refused extends Exception {
        final String holder;
        final Instant expiresAt;

        Refused(String message, String holder, Instant expiresAt) {
            super(message, null, false, false);
            this.holder = holder;
            this.expiresAt = expiresAt;
        }
    }

    /** What a lock looks like now. */
    record View(String name, String holder, long token, Instant expiresAt, int waiters) {
    }

    /** Grants the lock now, or when it is free within {@code waitMs}, or refuses with who holds it. */
    CompletableFuture<Grant> acquire(String name, String owner, long ttlMs, long waitMs);

    /** Extends the lease of the current holder; anybody else, or an older token, is refused. */
    Grant renew(String name, String owner, long token, long ttlMs) throws Refused;

    /** Releases the lock held by {@code owner} with {@code token}; a waiter gets it. */
    void release(String name, String owner, long token) throws Refused;

    View view(String name);

    /** Runs a task on the lock service's timer after a delay. */
    void later(Runnable task, long nanos);
}
