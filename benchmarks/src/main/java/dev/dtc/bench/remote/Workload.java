package dev.dtc.bench.remote;

/**
 * One kind of "transaction" a client thread repeats back to back: a real one through dtc, or one of the floors
 * (the same HTTP round trips without a coordinator). Implementations are shared by all client threads.
 */
interface Workload {

    /** How one attempt ended, when it ended with an answer; a failure is thrown. */
    enum Result { COMMITTED, ROLLED_BACK }

    /** The label in the report. */
    String label();

    /**
     * Runs one transaction and waits for its answer.
     *
     * @param seq unique within the run, for payloads and ids
     * @throws Exception on any transport error or unexpected answer: counted as failed
     */
    Result run(long seq) throws Exception;
}
