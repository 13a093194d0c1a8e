package dev.dtc.log;

/**
 * One record of the decision log.
 *
 * @param type    what the record says
 * @param txId    the transaction it is about (ASCII, at most 255 bytes)
 * @param payload opaque bytes owned by the engine (empty for END)
 */
public record LogRecord(RecordType type, String txId, byte[] payload) {
}
