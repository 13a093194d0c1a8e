package dev.dtc.server;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leased locks with fencing tokens. A lock is granted to one owner for a time to live, with a token from
 * {@link FencingTokens} that is higher than every token granted before (for any lock, across restarts): a
 * guarded resource that refuses a token lower than the last it saw cannot be damaged by a holder that paused
 * past its lease. A lease not renewed in time is released by itself.
 *
 * <p>Waiting is first come, first served, and costs no thread: a waiter is a future in the lock's queue, granted
 * when the lock is released or its lease expires, or refused when its wait runs out. Leases live in memory: after
 * a restart every lock is free, and the tokens go on increasing.
 */
final class MemoryLockService implements LockService {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryLockService.class);

    private static final class Waiter {
        final String owner;
        final long ttlMs;
        final CompletableFuture<Grant> answer = new CompletableFuture<>();
        ScheduledFuture<?> timeout;

        Waiter(String owner, long ttlMs) {
            this.owner = owner;
            this.ttlMs = ttlMs;
        }
    }

    private static final class Lock {
        final String name;
        final ReentrantLock guard = new ReentrantLock();
        final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
        String owner;
        long token;
        Instant expiresAt;
        ScheduledFuture<?> expiry;

        Lock(String name) {
            this.name = name;
        }
    }

    private final FencingTokens tokens;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final Map<String, Lock> locks = new ConcurrentHashMap<>();

    MemoryLockService(FencingTokens tokens, Clock clock, ScheduledExecutorService timer) {
        this.tokens = tokens;
        this.clock = clock;
        this.timer = timer;
    }

    /** Grants the lock now, or when it is free within {@code waitMs}, or refuses with who holds it. */
    @Override
    public CompletableFuture<Grant> acquire(String name, String owner, long ttlMs, long waitMs) {
        Lock l = locks.computeIfAbsent(name, Lock::new);
        List<Runnable> after = new ArrayList<>();
        l.guard.lock();
        try {
            expireIfDue(l, after);
            if (l.owner == null && l.waiters.isEmpty()) {
                return CompletableFuture.completedFuture(grant(l, owner, ttlMs));
            }
            if (waitMs == 0) {
                return CompletableFuture.failedFuture(held(l));
            }
            Waiter w = new Waiter(owner, ttlMs);
            l.waiters.addLast(w);
            w.timeout = timer.schedule(() -> giveUp(l, w), waitMs, TimeUnit.MILLISECONDS);
            return w.answer;
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            l.guard.unlock();
            after.forEach(Runnable::run);
        }
    }

    /** Extends the lease of the current holder; anybody else, or an older token, is refused. */
    @Override
    public Grant renew(String name, String owner, long token, long ttlMs) throws Refused {
        Lock l = locks.get(name);
        if (l == null) {
            throw new Refused("lock '" + name + "' is not held", null, null);
        }
        List<Runnable> after = new ArrayList<>();
        l.guard.lock();
        try {
            expireIfDue(l, after);
            check(l, owner, token, "renew");
            l.expiresAt = clock.instant().plusMillis(ttlMs);
            scheduleExpiry(l, ttlMs);
            return new Grant(l.name, l.owner, l.token, l.expiresAt);
        } finally {
            l.guard.unlock();
            after.forEach(Runnable::run);
        }
    }

    /** Releases the lock held by {@code owner} with {@code token}; the next waiter gets it. */
    @Override
    public void release(String name, String owner, long token) throws Refused {
        Lock l = locks.get(name);
        if (l == null) {
            throw new Refused("lock '" + name + "' is not held", null, null);
        }
        List<Runnable> after = new ArrayList<>();
        l.guard.lock();
        try {
            expireIfDue(l, after);
            check(l, owner, token, "release");
            free(l, after);
        } finally {
            l.guard.unlock();
            after.forEach(Runnable::run);
        }
    }

    @Override
    public View view(String name) {
        Lock l = locks.get(name);
        if (l == null) {
            return new View(name, null, 0, null, 0);
        }
        List<Runnable> after = new ArrayList<>();
        l.guard.lock();
        try {
            expireIfDue(l, after);
            return new View(name, l.owner, l.owner == null ? 0 : l.token, l.owner == null ? null : l.expiresAt,
                    l.waiters.size());
        } finally {
            l.guard.unlock();
            after.forEach(Runnable::run);
        }
    }

    private void check(Lock l, String owner, long token, String what) throws Refused {
        if (l.owner == null) {
            throw new Refused("lock '" + l.name + "' is not held (its lease may have expired); acquire it again",
                    null, null);
        }
        if (!l.owner.equals(owner) || l.token != token) {
            throw new Refused("cannot " + what + " lock '" + l.name + "': it is held by " + l.owner + " with token "
                    + l.token + ", not by " + owner + " with token " + token, l.owner, l.expiresAt);
        }
    }

    private Refused held(Lock l) {
        return new Refused("lock '" + l.name + "' is held by " + l.owner + " until " + l.expiresAt
                + (l.waiters.isEmpty() ? "" : ", with " + l.waiters.size() + " waiting"), l.owner, l.expiresAt);
    }

    /** Under the guard. */
    private Grant grant(Lock l, String owner, long ttlMs) throws IOException {
        l.token = tokens.next();
        l.owner = owner;
        l.expiresAt = clock.instant().plusMillis(ttlMs);
        scheduleExpiry(l, ttlMs);
        return new Grant(l.name, owner, l.token, l.expiresAt);
    }

    private void scheduleExpiry(Lock l, long ttlMs) {
        if (l.expiry != null) {
            l.expiry.cancel(false);
        }
        long token = l.token;
        l.expiry = timer.schedule(() -> expire(l, token), ttlMs, TimeUnit.MILLISECONDS);
    }

    private void expire(Lock l, long token) {
        List<Runnable> after = new ArrayList<>();
        l.guard.lock();
        try {
            if (l.owner != null && l.token == token) {
                expireIfDue(l, after);
            }
        } finally {
            l.guard.unlock();
            after.forEach(Runnable::run);
        }
    }

    /** Under the guard: a lease past its time is released, and the next waiter served. */
    private void expireIfDue(Lock l, List<Runnable> after) {
        if (l.owner != null && !clock.instant().isBefore(l.expiresAt)) {
            LOG.info("lock {}: the lease of {} (token {}) expired at {}", l.name, l.owner, l.token, l.expiresAt);
            free(l, after);
        }
    }

    /** Under the guard: frees the lock and grants it to the first waiter still waiting. */
    private void free(Lock l, List<Runnable> after) {
        l.owner = null;
        l.expiresAt = null;
        if (l.expiry != null) {
            l.expiry.cancel(false);
            l.expiry = null;
        }
        Waiter w;
        while ((w = l.waiters.pollFirst()) != null) {
            w.timeout.cancel(false);
            if (w.answer.isDone()) {
                continue;
            }
            Waiter granted = w;
            try {
                Grant g = grant(l, w.owner, w.ttlMs);
                after.add(() -> granted.answer.complete(g)); // completed outside the guard: it writes the answer
            } catch (IOException e) {
                after.add(() -> granted.answer.completeExceptionally(e));
                continue;
            }
            return;
        }
    }

    /** Runs a task on the lock service's timer after a delay. */
    @Override
    public void later(Runnable task, long nanos) {
        timer.schedule(task, nanos, TimeUnit.NANOSECONDS);
    }

    private void giveUp(Lock l, Waiter w) {
        Refused r;
        l.guard.lock();
        try {
            if (!l.waiters.remove(w)) {
                return; // granted meanwhile
            }
            r = l.owner == null ? new Refused("lock '" + l.name + "' was not free within the wait", null, null)
                    : held(l);
        } finally {
            l.guard.unlock();
        }
        w.answer.completeExceptionally(r);
    }
}
