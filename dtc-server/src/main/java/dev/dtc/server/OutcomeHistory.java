package dev.dtc.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletableFuture;

/**
 * The outcomes of finished transactions, kept for the retention period so that {@code GET /v1/transactions/{id}}
 * answers truthfully after the decision log has forgotten them, and the idempotency keys of accepted requests.
 * {@link FileOutcomeHistory} keeps them in the data directory, for one coordinator; {@link PostgresOutcomeHistory}
 * in the shared store, where every coordinator sees every other's.
 */
interface OutcomeHistory extends AutoCloseable {

    /** An accepted idempotency key. */
    record Accepted(String hash, String id) {
    }

    /**
     * Records a finished transaction's answer; the future completes once it is durable (the server waits for it
     * before it lets the engine forget a committed decision).
     */
    CompletableFuture<Void> record(String id, ObjectNode answer);

    /** Makes a key {@link #claim claimed} for a starting transaction durable; the future completes once it is. */
    CompletableFuture<Void> accept(String key, String hash, String id);

    /** Claims a key for a new transaction, unless another request holds it already: then that one's claim. */
    Accepted claim(String key, String hash, String id);

    /** Gives a key back that was claimed and never accepted (the request was refused before anything started). */
    void release(String key, String id);

    /** The answer recorded for a finished transaction, or null if none is kept (never, or past retention). */
    ObjectNode answer(String id);

    @Override
    void close();
}
