package dev.dtc.bench;

/**
 * What one configuration's client threads do, and how a point proves it did it.
 *
 * <p>{@link LoadRunner} owns the timeline, the threads and the histograms; a workload owns the transaction: the
 * coordinator (or none, for a floor), the resources, and the check made after each point against what actually
 * happened — the calls the no-op resources received, the rows in the databases, the bytes in the file.
 */
interface Workload extends AutoCloseable {

    /** What runs, read back from the running system where it can be, for the report's header. */
    String describe();

    /** Called before each point's clients are made: reset counters, empty tables. */
    void beforePoint() throws Exception;

    /** One client thread's state (its connections, its resources); made on the runner's thread before the start. */
    Client newClient(int index) throws Exception;

    /**
     * After each point, once every client has stopped: does what reached the resources match the transactions the
     * clients counted (warm-up included)? Prints what it found on standard error.
     *
     * @return true if it matches exactly
     */
    boolean check(String configuration, int threads, long committedOverall, long failedOverall) throws Exception;

    @Override
    void close();

    /** One client thread's transactions; used by that thread only. */
    interface Client extends AutoCloseable {

        /** One transaction; returns when it committed, throws when it did not. */
        void transaction() throws Exception;

        /** After a failed transaction: leave the thread ready for the next one. */
        default void afterFailure() {
        }

        /** At the end of the point, on the runner's thread: release connections. */
        @Override
        default void close() throws Exception {
        }
    }
}
