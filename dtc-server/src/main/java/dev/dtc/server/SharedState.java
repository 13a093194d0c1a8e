package dev.dtc.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dtc.store.postgresql.PostgresStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The state of the HTTP face beside the decisions: outcome history and idempotency keys, participant registry,
 * locks. Either in the data directory, for a coordinator alone ({@link #files}), or in the shared store, so that
 * several coordinators answer alike ({@link #postgres}). The rest of the server sees only the three seams.
 *
 * <p>The timer and the store belong to the caller: {@link #close()} finishes the outcomes queued and leaves both
 * open.
 */
final class SharedState implements AutoCloseable {
    private final OutcomeHistory outcomes;
    private final ParticipantRegistry registry;
    private final LockService locks;

    private SharedState(OutcomeHistory outcomes, ParticipantRegistry registry, LockService locks) {
        this.outcomes = outcomes;
        this.registry = registry;
        this.locks = locks;
    }

    /**
     * One coordinator's state in its data directory: {@code outcomes/}, {@code registry.json}, {@code fencing.json};
     * leases in memory.
     */
    static SharedState files(Path dataDir, ObjectMapper json, Duration retention, Clock clock,
                             ScheduledExecutorService timer) throws IOException {
        OutcomeHistory outcomes = new FileOutcomeHistory(dataDir.resolve("outcomes"), json, retention, clock);
        try {
            return new SharedState(outcomes,
                    new FileParticipantRegistry(new FileRegistryStore(dataDir, json), clock),
                    new MemoryLockService(new FencingTokens(dataDir, json), clock, timer));
        } catch (IOException | RuntimeException e) {
            outcomes.close();
            throw e;
        }
    }

    /**
     * State every coordinator on {@code store} shares: tables {@code dtc_outcome}, {@code dtc_idempotency},
     * {@code dtc_participant}, {@code dtc_lock}. Retention and lock leases count on the database's clock;
     * registrations on {@code clock}, as in the file version.
     */
    static SharedState postgres(PostgresStore store, ObjectMapper json, Duration retention, Clock clock,
                                ScheduledExecutorService timer) {
        return new SharedState(new PostgresOutcomeHistory(store.dataSource(), json, retention),
                new PostgresParticipantRegistry(store.dataSource(), clock),
                new PostgresLockService(store.dataSource(), timer));
    }

    OutcomeHistory outcomes() {
        return outcomes;
    }

    ParticipantRegistry registry() {
        return registry;
    }

    LockService locks() {
        return locks;
    }

    /** Finishes writing the outcomes queued (what they let the engine forget must be durable first). */
    @Override
    public void close() {
        outcomes.close();
    }
}
