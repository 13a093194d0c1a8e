package dev.dtc.log;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Records waiting for the next write, already encoded as frames. Two batches alternate: callers
 * fill one while the leader writes the other, so encoding never waits for the disk and a round
 * costs one write call however many records it carries.
 */
final class Batch {

    private static final int INITIAL_BYTES = 64 * 1024;
    /** A burst may grow a batch; give the memory back afterwards instead of keeping the peak forever. */
    private static final int KEEP_AT_MOST_BYTES = 4 * 1024 * 1024;

    private ByteBuffer buf = ByteBuffer.allocate(INITIAL_BYTES);
    private final List<LogRecord> records = new ArrayList<>();
    private boolean forced;

    void add(LogRecord record, boolean force, CRC32C crc) {
        int frame = LogFormat.frameBytes(record);
        if (buf.remaining() < frame) {
            grow(frame);
        }
        LogFormat.putRecord(buf, record, LogFormat.NO_FLAGS, crc);
        records.add(record);
        forced |= force;
    }

    /** Makes the batch's write end with a force even if no caller asked for one (close flushes everything). */
    void requireForce() {
        forced = true;
    }

    boolean isEmpty() {
        return records.isEmpty();
    }

    boolean forced() {
        return forced;
    }

    List<LogRecord> records() {
        return records;
    }

    byte[] bytes() {
        return buf.array();
    }

    int length() {
        return buf.position();
    }

    void clear() {
        if (buf.capacity() > KEEP_AT_MOST_BYTES) {
            buf = ByteBuffer.allocate(INITIAL_BYTES);
        } else {
            buf.clear();
        }
        records.clear();
        forced = false;
    }

    private void grow(int needed) {
        long wanted = Math.max(2L * buf.capacity(), (long) buf.position() + needed);
        ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(wanted, Integer.MAX_VALUE - 16));
        buf.flip();
        bigger.put(buf);
        buf = bigger;
    }
}
