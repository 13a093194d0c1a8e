package dev.dtc.log;

import java.util.Arrays;
import java.util.Objects;

/**
 * One record of the decision log.
 *
 * <p>Validated on construction so that bad input fails in the caller's thread with a message that
 * says what to fix, long before it could reach the disk. The log keeps a reference to the payload
 * of a pending record (it copies it forward when a segment rolls): do not modify the array after
 * appending it.
 *
 * @param type    what the record says
 * @param txId    the transaction it is about (ASCII, 1 to {@value #MAX_TX_ID_BYTES} bytes)
 * @param payload opaque bytes owned by the engine (empty for END; {@code null} is read as empty),
 *                at most {@value #MAX_PAYLOAD_BYTES} bytes
 */
public record LogRecord(RecordType type, String txId, byte[] payload) {

    /** The transaction id is stored with a one-byte length. */
    public static final int MAX_TX_ID_BYTES = 255;
    /** Payloads hold a few branch descriptions; anything near this size is a bug upstream. */
    public static final int MAX_PAYLOAD_BYTES = 1 << 20;

    private static final byte[] EMPTY = new byte[0];

    public LogRecord {
        Objects.requireNonNull(type, "record type must not be null");
        checkTxId(txId);
        if (payload == null) {
            payload = EMPTY;
        }
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes for transaction " + txId
                    + " exceeds the decision log's limit of " + MAX_PAYLOAD_BYTES + " bytes per record");
        }
    }

    public static LogRecord decision(String txId, byte[] payload) {
        return new LogRecord(RecordType.DECISION, txId, payload);
    }

    public static LogRecord heuristic(String txId, byte[] payload) {
        return new LogRecord(RecordType.HEURISTIC, txId, payload);
    }

    public static LogRecord end(String txId) {
        return new LogRecord(RecordType.END, txId, EMPTY);
    }

    private static void checkTxId(String txId) {
        Objects.requireNonNull(txId, "txId must not be null");
        if (txId.isEmpty()) {
            throw new IllegalArgumentException("txId must not be empty");
        }
        if (txId.length() > MAX_TX_ID_BYTES) {
            throw new IllegalArgumentException("txId is " + txId.length() + " characters long; the decision log stores at most "
                    + MAX_TX_ID_BYTES);
        }
        for (int i = 0; i < txId.length(); i++) {
            char c = txId.charAt(i);
            if (c > 0x7F) {
                throw new IllegalArgumentException(String.format(
                        "txId must be ASCII, but %s has U+%04X at index %d", txId, (int) c, i));
            }
        }
    }

    // Records compare by content: the payload is an array, and tests and recovery compare what was read back.
    @Override
    public boolean equals(Object o) {
        return o instanceof LogRecord other
                && type == other.type
                && txId.equals(other.txId)
                && Arrays.equals(payload, other.payload);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * type.hashCode() + txId.hashCode()) + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "LogRecord[" + type + " " + txId + ", " + payload.length + " payload bytes]";
    }
}
