package dev.dtc.log;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** Builds segment bytes by hand, for states the log only passes through during a crash. */
final class SegmentImages {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CRC32C crc = new CRC32C();

    static SegmentImages segment(long number) {
        return segment(number, LogFormat.VERSION);
    }

    /** A segment of another format version: an older release's, or a newer one's. */
    static SegmentImages segment(long number, short version) {
        SegmentImages s = new SegmentImages();
        ByteBuffer buf = ByteBuffer.allocate(LogFormat.HEADER_BYTES);
        LogFormat.putHeader(buf, number, version, s.crc);
        s.bytes.writeBytes(buf.array());
        return s;
    }

    /** Unused preallocated space. */
    SegmentImages zeros(int count) {
        bytes.writeBytes(new byte[count]);
        return this;
    }

    /** Bytes as they are, e.g. a torn piece of a frame. */
    SegmentImages raw(byte[] raw) {
        bytes.writeBytes(raw);
        return this;
    }

    SegmentImages carried(LogRecord r) {
        return frame(r.type().code(), LogFormat.FLAG_CARRIED, r.txId(), r.payload());
    }

    SegmentImages record(LogRecord r) {
        return frame(r.type().code(), LogFormat.NO_FLAGS, r.txId(), r.payload());
    }

    SegmentImages checkpoint(int carried) {
        ByteBuffer buf = ByteBuffer.allocate(LogFormat.CHECKPOINT_FRAME_BYTES);
        LogFormat.putCheckpoint(buf, carried, crc);
        bytes.writeBytes(buf.array());
        return this;
    }

    SegmentImages frame(byte kind, byte flags, String txId, byte[] payload) {
        ByteBuffer buf = ByteBuffer.allocate(LogFormat.FRAME_PREFIX_BYTES + LogFormat.CONTENT_FIXED_BYTES + txId.length()
                + payload.length);
        LogFormat.putFrame(buf, kind, flags, txId, payload, crc);
        bytes.writeBytes(buf.array());
        return this;
    }

    byte[] bytes() {
        return bytes.toByteArray();
    }
}
