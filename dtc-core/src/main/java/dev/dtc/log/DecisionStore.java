package dev.dtc.log;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Where a coordinator keeps its commit decisions: the seam between the two-phase-commit engine and durable
 * storage. The engine needs four things of it: what was pending when it opened, an append that returns once the
 * record is durable (a DECISION before the first commit is sent, a HEURISTIC before a resource is told to
 * forget), an append that need not wait (an END: losing one only repeats recovery work), and close.
 *
 * <p>{@link DecisionLog}, files in one local directory with group commit, is the implementation every
 * coordinator uses by default. A store shared by several coordinators (a database) is another implementation
 * of this interface, not a change to the engine. Every implementation must pass the same contract tests
 * ({@code DecisionStoreContract} in dtc-core's tests).
 *
 * <p>The contract:
 * <ul>
 *   <li>A store belongs to one node name: {@link Opener#open(String)} refuses a store that another node wrote,
 *       with a message that says what to do (two coordinators with one identity would roll back each other's
 *       prepared branches).</li>
 *   <li>{@link #appendForced} returns only when the record would survive a crash of this process and of its
 *       machine; when it throws, the record may or may not be durable.</li>
 *   <li>A transaction is pending when it has a DECISION or HEURISTIC record and no later END; after a restart
 *       {@link #pendingAtOpen()} returns exactly the pending transactions, each with its records in the order
 *       they were appended.</li>
 *   <li>A record appended after another one returned is never durable before it; {@link #close()} makes every
 *       appended record durable.</li>
 *   <li>Thread-safe: concurrent appends are the normal case, and should share work (one write and one force for
 *       many decisions), which is where a coordinator's throughput comes from.</li>
 * </ul>
 */
public interface DecisionStore extends AutoCloseable {

    /**
     * Transactions with a DECISION or HEURISTIC record and no END when the store was opened, each with those
     * records in append order. Unmodifiable; does not change as records are appended.
     */
    Map<String, List<LogRecord>> pendingAtOpen();

    /** Appends and returns once the record is durable. */
    void appendForced(LogRecord record) throws IOException;

    /** Appends without waiting for durability; the record becomes durable with a later forced append or at close. */
    void append(LogRecord record) throws IOException;

    /** What to call this store in messages, e.g. {@code decision log /var/lib/dtc/node-1}. */
    String describe();

    /**
     * Makes what was appended durable and releases the store (for the next coordinator of this node). Idempotent.
     * Appends after close throw IOException and change nothing.
     */
    @Override
    void close() throws IOException;

    /** Opens the store of one node. */
    @FunctionalInterface
    interface Opener {
        /**
         * @param nodeName the coordinator's node name, which the store records on first use and checks after
         * @throws IOException if the store cannot be opened, belongs to another node, or is damaged; the message
         *                     says what to fix
         */
        DecisionStore open(String nodeName) throws IOException;
    }
}
