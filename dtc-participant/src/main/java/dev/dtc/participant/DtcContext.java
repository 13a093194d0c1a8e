package dev.dtc.participant;

import java.util.Objects;
import java.util.Optional;

/**
 * The transaction the current thread works in, if any: set by {@link Participant#join} while a joined work runs
 * and by {@link OpenTransaction#enter()} for a creator, and read by {@link DtcHttpClient} to put
 * {@value #HEADER} on outgoing requests, so that the services called take part in the same transaction.
 *
 * <p>It is a thread-local: work handed to another thread (an executor, {@code CompletableFuture.supplyAsync})
 * does not carry it; enter it there again with {@link #enter(String)}.
 */
public final class DtcContext {

    /** The HTTP header that carries the transaction id from a caller to a service. */
    public static final String HEADER = "Dtc-Transaction";

    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    private DtcContext() {
    }

    /** The id of the transaction this thread works in now, if any. */
    public static Optional<String> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /**
     * Makes {@code transactionId} current on this thread until the returned scope is closed, which restores what
     * was current before (scopes nest).
     *
     * @throws IllegalArgumentException if the id is not 1–64 characters of {@code A-Za-z0-9._~-}
     */
    public static Scope enter(String transactionId) {
        Objects.requireNonNull(transactionId, "transactionId");
        if (!Requests.TRANSACTION_ID.matcher(transactionId).matches()) {
            throw new IllegalArgumentException("transaction id '" + transactionId + "' is not valid: it must be 1 to"
                    + " 64 characters from A-Z a-z 0-9 . _ ~ -");
        }
        String previous = CURRENT.get();
        Thread thread = Thread.currentThread();
        CURRENT.set(transactionId);
        return new Scope(previous, thread);
    }

    /** A transaction made current; closing it restores the previous one. Close it on the thread that entered it. */
    public static final class Scope implements AutoCloseable {
        private final String previous;
        private final Thread thread;
        private boolean closed;

        private Scope(String previous, Thread thread) {
            this.previous = previous;
            this.thread = thread;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            if (Thread.currentThread() != thread) {
                throw new IllegalStateException("a DtcContext scope must be closed on the thread that entered it ("
                        + thread.getName() + "), not on " + Thread.currentThread().getName());
            }
            closed = true;
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }
}
