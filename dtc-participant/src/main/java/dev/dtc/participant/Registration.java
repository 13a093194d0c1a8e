package dev.dtc.participant;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Keeps this participant registered in the coordinator's registry under its name, pointing at its advertised URL.
 * With several coordinators (they share the registry), each attempt goes to them in turn until one answers clearly.
 * The first attempt runs in {@link Participant#start()}; after that, on the kit's scheduler, a registration with a
 * TTL is renewed every TTL/3, and a failed attempt is tried again after {@code min(TTL/3, RETRY)}. A registration
 * without TTL is not renewed once it succeeded. Failures never stop the participant: the coordinator may start
 * later. They are logged at WARN at most once per {@link #WARN_EVERY}; the first success after failures at INFO.
 */
final class Registration {

    /** Longest wait before trying a failed registration again. */
    static final Duration RETRY = Duration.ofSeconds(5);
    /** Failures are logged at WARN at most this often (the others at DEBUG). */
    static final Duration WARN_EVERY = Duration.ofMinutes(1);
    /** The longest close waits for the coordinator to take the registration back. */
    static final Duration DEREGISTER_WAIT = Duration.ofSeconds(2);

    private final String name;
    private final URI url;
    private final Duration ttl; // null: never expires
    private final CoordinatorClient coordinator;
    private final String coordinatorsTried; // for failures: "coordinator <url>", or every coordinator with several
    private final Audit audit;
    private final Duration deregisterWait;

    // touched by start() under the participant's lock, then only by the scheduler's single task at a time
    private volatile ScheduledExecutorService scheduler;
    private volatile ScheduledFuture<?> next;
    private volatile boolean stopped;
    private boolean registered;
    private int failures;
    private long lastWarnNanos;
    private boolean warned;

    Registration(String name, URI url, Duration ttl, CoordinatorClient coordinator, Audit audit,
                 Duration coordinatorTimeout) {
        this.name = name;
        this.url = url;
        this.ttl = ttl;
        this.coordinator = coordinator;
        List<URI> all = coordinator.coordinators();
        this.coordinatorsTried = all.size() == 1 ? "coordinator " + all.get(0)
                : "any of the coordinators " + all.stream().map(URI::toString).collect(Collectors.joining(", "));
        this.audit = audit;
        this.deregisterWait = coordinatorTimeout.compareTo(DEREGISTER_WAIT) < 0 ? coordinatorTimeout : DEREGISTER_WAIT;
    }

    /** Registers once now, on the caller's thread, then keeps at it on the scheduler. */
    void start(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
        attempt();
    }

    Duration renewEvery() {
        return ttl == null ? null : ttl.dividedBy(3);
    }

    private Duration retryAfter() {
        Duration every = renewEvery();
        return every == null || every.compareTo(RETRY) > 0 ? RETRY : every;
    }

    private synchronized void attempt() {
        if (stopped) {
            return;
        }
        CoordinatorClient.RegistryAnswer answer = coordinator.register(name, url, ttl);
        if (stopped) {
            return;
        }
        Duration delay;
        if (answer.ok()) {
            // the coordinators share the registry: the one that answered is where it registered
            String coordinatorUrl = "coordinator " + answer.coordinator();
            if (!registered) {
                audit.participantStep((failures > 0 ? "registered with " + coordinatorUrl + " after "
                        + failures + " failed attempt" + (failures == 1 ? "" : "s") : "registered with "
                        + coordinatorUrl) + " as " + describe() + ": " + answer.detail());
            } else if (failures > 0) {
                audit.participantStep("registration with " + coordinatorUrl + " renewed again after "
                        + failures + " failed attempt" + (failures == 1 ? "" : "s") + " as " + describe() + ": "
                        + answer.detail());
            } else if (answer.status() == 201) {
                audit.participantStep("registration with " + coordinatorUrl + " was gone (expired or"
                        + " removed there); registered again as " + describe());
            } else {
                audit.participantDebug("registration with " + coordinatorUrl + " renewed: "
                        + answer.detail());
            }
            registered = true;
            failures = 0;
            warned = false;
            delay = renewEvery();
        } else {
            failures++;
            delay = retryAfter();
            String what = (registered ? "could not renew the registration with "
                    : "could not register with ") + coordinatorsTried + " as " + describe() + ": "
                    + answer.detail() + "; trying again every " + delay.toMillis() + " ms";
            long now = System.nanoTime();
            if (!warned || now - lastWarnNanos >= WARN_EVERY.toNanos()) {
                audit.participantWarn(what + (warned ? " (" + failures + " failed attempts so far)"
                        : " (further failures are logged at most once a minute)"));
                warned = true;
                lastWarnNanos = now;
            } else {
                audit.participantDebug(what);
            }
        }
        if (delay != null) {
            schedule(delay);
        }
    }

    private void schedule(Duration delay) {
        ScheduledExecutorService s = scheduler;
        if (s == null || stopped) {
            return;
        }
        try {
            next = s.schedule(this::attempt, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the scheduler is shutting down: the participant is closing
        }
    }

    /** Stops renewing; an attempt under way is let finish (or interrupted by the scheduler's shutdown). */
    void stop() {
        stopped = true;
        ScheduledFuture<?> f = next;
        if (f != null) {
            f.cancel(false);
        }
    }

    /** Takes the registration back, waiting a short while at most; failures are logged, never thrown. */
    void deregister() {
        CoordinatorClient.RegistryAnswer answer = coordinator.deregister(name, deregisterWait);
        if (answer.ok()) {
            audit.participantStep("deregistered from coordinator " + answer.coordinator() + " as " + name + ": "
                    + answer.detail());
        } else {
            audit.participantWarn("could not deregister from " + coordinatorsTried + " as " + name + ": "
                    + answer.detail() + (ttl == null ? "; the registration stays until it is removed there"
                    : "; the registration expires " + ttl.toMillis() + " ms after its last renewal"));
        }
    }

    private String describe() {
        return name + " -> " + url + " (" + (ttl == null ? "no ttl: never expires"
                : "ttl " + ttl.toMillis() + " ms, renewed every " + renewEvery().toMillis() + " ms") + ")";
    }
}
