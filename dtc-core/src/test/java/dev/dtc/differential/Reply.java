package dev.dtc.differential;

import java.time.Duration;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;

/**
 * What a {@link RecordingResource} does when one of its calls is made: optionally wait, then
 * return normally (with a vote, for prepare), throw an {@link XAException} with a code, or throw
 * an unchecked exception (a driver bug).
 *
 * @param delay   how long the call blocks before answering ({@link Duration#ZERO} for not at all)
 * @param vote    the prepare vote when the reply is normal (XA_OK or XA_RDONLY)
 * @param xaError the XAException error code to throw, or null
 * @param crash   the message of a RuntimeException to throw, or null
 */
record Reply(Duration delay, int vote, Integer xaError, String crash) {

    static Reply ok() {
        return new Reply(Duration.ZERO, XAResource.XA_OK, null, null);
    }

    static Reply readOnly() {
        return new Reply(Duration.ZERO, XAException.XA_RDONLY, null, null);
    }

    static Reply fail(int xaErrorCode) {
        return new Reply(Duration.ZERO, XAResource.XA_OK, xaErrorCode, null);
    }

    static Reply crash(String message) {
        return new Reply(Duration.ZERO, XAResource.XA_OK, null, message);
    }

    /** The same answer, given only after blocking for {@code d}. */
    Reply after(Duration d) {
        return new Reply(d, vote, xaError, crash);
    }

    boolean normal() {
        return xaError == null && crash == null;
    }
}
