package dev.dtc.log;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Encodes one record into a frame in the caller's thread, before the group-commit lock is taken:
 * the lock then covers only a copy of the finished bytes. One per thread, reused for every record.
 */
final class FrameEncoder {

    /** Frames up to this size reuse the thread's buffer; rare bigger ones get their own. */
    private static final int REUSED_BYTES = 16 * 1024;

    private final CRC32C crc = new CRC32C();
    private final ByteBuffer reused = ByteBuffer.allocate(REUSED_BYTES);
    private ByteBuffer buf = reused;

    FrameEncoder encode(LogRecord record) {
        int frameBytes = LogFormat.frameBytes(record);
        buf = frameBytes <= REUSED_BYTES ? reused : ByteBuffer.allocate(frameBytes);
        buf.clear();
        LogFormat.putRecord(buf, record, LogFormat.NO_FLAGS, crc);
        return this;
    }

    byte[] bytes() {
        return buf.array();
    }

    int length() {
        return buf.position();
    }
}
