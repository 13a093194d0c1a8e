package dev.dtc.participant;

/**
 * {@link Participant#join} could not take part in the transaction, and did nothing in the database: the
 * coordinator refused the enlistment (it does not know the transaction, or it is completing or ended), the
 * coordinator could not be reached, this participant already finished its part or refused earlier, no database
 * connection was free, or the participant is not running. The message says which and what it means.
 */
public final class JoinException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;

    JoinException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    JoinException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /**
     * The HTTP status a service should answer its caller with: 409 when the transaction cannot be joined (unknown
     * to the coordinator, completing or ended, or already finished or refused here), 503 when it may work if tried
     * again (coordinator unreachable or not ready, no database connection free, participant not started), 502 when
     * the coordinator answered something unexpected (bad token, another node's id).
     */
    public int status() {
        return status;
    }
}
