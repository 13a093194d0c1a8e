package dev.dtc.log;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;

/**
 * The segment being appended to.
 *
 * <p>Why {@link RandomAccessFile} and {@code FileDescriptor.sync()} rather than a
 * {@code FileChannel}: the group-commit leader is whichever caller thread arrives first, and
 * application threads get interrupted (timeouts, executor shutdown). A {@code FileChannel} is an
 * interruptible channel: an interrupt during {@code write} or {@code force} closes it, which would
 * take the log down for everybody. {@code RandomAccessFile.write} and {@code FileDescriptor.sync}
 * (fsync(2)) ignore interrupts. For appends fsync costs the same as fdatasync, because the new file
 * size must reach the disk either way (measured here: equal within noise).
 */
final class ActiveSegment implements Closeable {

    private final SegmentFile file;
    private final RandomAccessFile raf;
    private final long checkpointEnd;
    private long size;
    private boolean unsynced;

    private ActiveSegment(SegmentFile file, RandomAccessFile raf, long size, long checkpointEnd) {
        this.file = file;
        this.raf = raf;
        this.size = size;
        this.checkpointEnd = checkpointEnd;
    }

    /** Opens an existing segment; anything after {@code validEnd} (a torn tail) is cut off and the cut made durable. */
    static ActiveSegment reopen(SegmentFile file, long validEnd, long checkpointEnd) throws IOException {
        RandomAccessFile raf = new RandomAccessFile(file.path().toFile(), "rw");
        try {
            if (raf.length() != validEnd) {
                raf.setLength(validEnd);
                raf.getFD().sync();
            }
            raf.seek(validEnd);
            return new ActiveSegment(file, raf, validEnd, checkpointEnd);
        } catch (IOException | RuntimeException e) {
            raf.close();
            throw e;
        }
    }

    /**
     * Writes a new segment's first bytes and makes them durable: header and carried records first,
     * forced, then the checkpoint, forced. The checkpoint is on disk only if everything before it
     * is, so start-up can treat a hole before a checkpoint as damage, and a hole in a block without
     * one as an interrupted roll.
     *
     * @param carriedEnd where the checkpoint starts in {@code start}
     */
    static ActiveSegment create(SegmentFile file, byte[] start, int carriedEnd, int length) throws IOException {
        RandomAccessFile raf = new RandomAccessFile(file.path().toFile(), "rw");
        try {
            if (carriedEnd > LogFormat.HEADER_BYTES) {
                raf.write(start, 0, carriedEnd);
                raf.getFD().sync();
                raf.write(start, carriedEnd, length - carriedEnd);
            } else {
                raf.write(start, 0, length); // header and checkpoint alone fit in one sector
            }
            raf.getFD().sync();
            return new ActiveSegment(file, raf, length, length);
        } catch (IOException | RuntimeException e) {
            raf.close();
            throw e;
        }
    }

    void write(byte[] bytes, int length) throws IOException {
        raf.write(bytes, 0, length);
        size += length;
        unsynced = true;
    }

    void sync() throws IOException {
        raf.getFD().sync();
        unsynced = false;
    }

    boolean unsynced() {
        return unsynced;
    }

    SegmentFile file() {
        return file;
    }

    /** Bytes appended since the checkpoint: what the roll threshold measures, so a large carried block cannot trigger rolls by itself. */
    long appendedSinceCheckpoint() {
        return size - checkpointEnd;
    }

    @Override
    public void close() throws IOException {
        raf.close();
    }
}
