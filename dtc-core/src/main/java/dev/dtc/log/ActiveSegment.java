package dev.dtc.log;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;

import dev.dtc.internal.fault.TestFault;

/**
 * The segment being appended to: a preallocated, zero-filled file whose frames are written over
 * the zeros, so a force normally has no file size to write (see {@link SpareSegment}).
 *
 * <p>Why {@link RandomAccessFile} and {@code FileDescriptor.sync()} rather than a
 * {@code FileChannel}: the group-commit leader is whichever caller thread arrives first, and
 * application threads get interrupted (timeouts, executor shutdown). A {@code FileChannel} is an
 * interruptible channel: an interrupt during {@code write} or {@code force} closes it, which would
 * take the log down for everybody. {@code RandomAccessFile.write} and {@code FileDescriptor.sync}
 * (fsync(2)) ignore interrupts.
 *
 * <p>Why fsync rather than fdatasync ({@code FileChannel.force(false)}), which would need that
 * channel: in a preallocated file the size does not change, so fsync writes what fdatasync writes
 * plus the modification time, and that only when the kernel's coarse clock ticked since the last
 * write. Measured on the development machine, interleaved: equal within noise (docs/log-format.md,
 * "Measuring"); the interrupt safety is worth more. Past the preallocated end (the batch that
 * crosses the roll threshold, a carried block larger than expected) the file grows, and both would
 * write the size anyway.
 */
final class ActiveSegment implements Closeable {

    private final SegmentFile file;
    private final RandomAccessFile raf;
    private final long checkpointEnd;
    /** Where the next frame goes: the end of the written frames, not the file length (the zero fill follows). */
    private long end;
    private boolean unsynced;

    private ActiveSegment(SegmentFile file, RandomAccessFile raf, long end, long checkpointEnd) {
        this.file = file;
        this.raf = raf;
        this.end = end;
        this.checkpointEnd = checkpointEnd;
    }

    /**
     * Opens an existing segment to append after {@code validEnd}. A torn tail between
     * {@code validEnd} and {@code fillStart} is cleared and the clearing forced, so new records are
     * followed by zeros again: in a zero-filled segment it is overwritten with zeros; in a segment
     * of format 1, which has no fill, the file is cut at {@code validEnd}.
     */
    static ActiveSegment reopen(SegmentFile file, long validEnd, long fillStart, long checkpointEnd, boolean zeroFilled)
            throws IOException {
        RandomAccessFile raf = new RandomAccessFile(file.path().toFile(), "rw");
        try {
            if (zeroFilled && fillStart > validEnd) {
                SpareSegment.writeZeros(raf, validEnd, fillStart);
                raf.getFD().sync();
            } else if (!zeroFilled && raf.length() != validEnd) {
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
     * Writes a new segment's first bytes into its file (a renamed spare, or an empty file) and makes
     * them durable: header and carried records first, with zeros up to {@code capacity} if the file
     * is shorter, forced; then the checkpoint, forced. The checkpoint is on disk only if everything
     * before it is, so start-up can treat a hole before a checkpoint as damage, and a hole in a
     * block without one as an interrupted roll.
     *
     * @param carriedEnd where the checkpoint starts in {@code start}
     * @param capacity   the size the file is zero-filled to
     */
    static ActiveSegment create(SegmentFile file, byte[] start, int carriedEnd, int length, long capacity)
            throws IOException {
        return create(file, start, carriedEnd, length, capacity, false);
    }

    /**
     * As {@link #create(SegmentFile, byte[], int, int, long)}; {@code haltPartway} is the FOR TESTS ONLY crash
     * point {@code -Ddtc.test.fault=halt-during-roll} ({@link TestFault}): the file exists and half of its
     * header and carried records is written, nothing forced, when the process halts.
     */
    static ActiveSegment create(SegmentFile file, byte[] start, int carriedEnd, int length, long capacity,
                                boolean haltPartway) throws IOException {
        RandomAccessFile raf = new RandomAccessFile(file.path().toFile(), "rw");
        try {
            long prepared = raf.length();
            if (prepared < capacity) {
                SpareSegment.writeZeros(raf, Math.max(prepared, length), capacity);
            }
            raf.seek(0);
            if (haltPartway) {
                raf.write(start, 0, Math.max(1, carriedEnd / 2));
                TestFault.HALT_DURING_ROLL.halt("during a roll of the decision log: " + file.path().getFileName()
                        + " holds " + Math.max(1, carriedEnd / 2) + " of its " + length + " first bytes, not forced");
            }
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
        end += length;
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
        return end - checkpointEnd;
    }

    @Override
    public void close() throws IOException {
        raf.close();
    }
}
