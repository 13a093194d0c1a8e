package dev.dtc.participant;

import java.io.IOException;

/**
 * The coordinator answered a {@link DtcClient} call with a refusal that says nothing about the transaction's
 * outcome: a bad request (400), a wrong token (401), another node's transaction id (421), a coordinator not ready
 * (503), or anything else unexpected. The message carries the coordinator's {@code error}.
 */
public final class CoordinatorException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int status;

    CoordinatorException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The coordinator's HTTP status. */
    public int status() {
        return status;
    }
}
