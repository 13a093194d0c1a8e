package dev.dtc.log;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Records waiting for the next write, already encoded as frames, and the callers waiting for them.
 * Two batches alternate: callers fill one while the leader writes the other, so appending never
 * waits for the disk and a round costs one write call however many records it carries.
 */
final class Batch {

    private static final int INITIAL_BYTES = 64 * 1024;
    /** A burst may grow a batch; give the memory back afterwards instead of keeping the peak forever. */
    private static final int KEEP_AT_MOST_BYTES = 4 * 1024 * 1024;

    private ByteBuffer buf = ByteBuffer.allocate(INITIAL_BYTES);
    private final List<LogRecord> records = new ArrayList<>();
    /** Callers of appendForced waiting for this batch; the leader unparks them once it is durable. */
    private final List<Thread> waiters = new ArrayList<>();
    private boolean forceRequested;
    private long firstAddedNanos;

    /** @param waiter the thread waiting for durability, or null for a record nobody waits for */
    void add(FrameEncoder frame, LogRecord record, Thread waiter) {
        if (records.isEmpty()) {
            firstAddedNanos = System.nanoTime();
        }
        if (buf.remaining() < frame.length()) {
            grow(frame.length());
        }
        buf.put(frame.bytes(), 0, frame.length());
        records.add(record);
        if (waiter != null) {
            waiters.add(waiter);
        }
    }

    /** Makes the batch's write end with a force even if no caller waits for one (close flushes everything). */
    void requireForce() {
        forceRequested = true;
    }

    /** When the oldest record in the batch was added ({@link System#nanoTime()}); meaningless for an empty batch. */
    long firstAddedNanos() {
        return firstAddedNanos;
    }

    boolean isEmpty() {
        return records.isEmpty();
    }

    boolean forced() {
        return forceRequested || !waiters.isEmpty();
    }

    List<Thread> waiters() {
        return waiters;
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
        waiters.clear();
        forceRequested = false;
    }

    private void grow(int needed) {
        long wanted = Math.max(2L * buf.capacity(), (long) buf.position() + needed);
        ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(wanted, Integer.MAX_VALUE - 16));
        buf.flip();
        bigger.put(buf);
        buf = bigger;
    }
}
