package dev.dtc.log;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The next segment's file, zero-filled to its full size and forced ahead of time by a background
 * thread while the active segment fills, so the roll only renames it and writes its first bytes:
 * no caller waits for megabytes of zeros.
 *
 * <p>Why preallocate at all: an append that grows a file changes its size, so each fsync must also
 * write the inode through a journal commit; in a file whose size does not change, fsync writes the
 * data and at most a new modification time. That made every force 24–35 % cheaper on the
 * development machine's disk (docs/log-format.md, "Measuring"). Why zeros written out, rather than
 * {@code setLength} (a sparse file) or fallocate (which Java does not offer): writing into a hole
 * or an unwritten extent allocates or converts blocks, which is a metadata change again.
 *
 * <p>Why the fill is forced in chunks: on ext4 an fsync of the active segment commits the journal,
 * which in the default ordered mode first writes out the data of any block allocated meanwhile,
 * including this file's. Forcing every megabyte bounds what one force of the active segment can
 * find queued in front of it.
 *
 * <p>The file is named {@value #FILE_NAME}, which start-up does not read as a segment; a leftover
 * from a crash is deleted at start-up and at close, since its content was never trusted.
 *
 * <p>Not thread-safe: used by start-up, then by whichever thread leads the group commit. The
 * background thread only fills its own file and publishes its outcome through {@link Thread#join}.
 */
final class SpareSegment {

    static final String FILE_NAME = "dtc-spare.tmp";

    private static final Logger LOG = LoggerFactory.getLogger(SpareSegment.class);
    private static final int FORCE_EVERY_BYTES = 1024 * 1024;
    private static final byte[] ZEROS = new byte[64 * 1024];

    private final Path path;
    private Thread preparing;
    /** Written by the background thread before it ends, read after joining it. */
    private IOException failure;

    SpareSegment(Path directory) {
        this.path = directory.resolve(FILE_NAME);
    }

    /** Deletes a spare left by a process that stopped while preparing or holding one. */
    void removeLeftover() throws IOException {
        Files.deleteIfExists(path);
    }

    boolean started() {
        return preparing != null;
    }

    /** Starts filling a spare of {@code bytes} zeros in the background, unless one is already under way or ready. */
    void prepareInBackground(long bytes) {
        if (preparing != null) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                Files.deleteIfExists(path);
                try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
                    fillAndForce(raf, bytes);
                }
            } catch (IOException | RuntimeException e) {
                failure = e instanceof IOException io ? io : new IOException(e);
            }
        }, "dtc-log-spare-segment");
        t.setDaemon(true);
        preparing = t;
        t.start();
    }

    /**
     * Waits for the spare under way and hands it over by renaming it to {@code target}. Returns
     * false if none was started or its preparation failed (logged; the caller then creates the
     * segment itself, and meets the same problem, such as a full disk, with the caller's error).
     */
    boolean moveTo(Path target) throws IOException {
        if (preparing == null) {
            return false;
        }
        awaitPreparation();
        preparing = null;
        if (failure != null) {
            LOG.warn("Decision log {}: preparing the next segment in the background failed; creating it now", path.getParent(),
                    failure);
            failure = null;
            Files.deleteIfExists(path);
            return false;
        }
        // Within one directory: atomic, and the new name is made durable by the directory force that follows creation.
        Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
        return true;
    }

    /** Waits for a preparation under way and deletes the spare: at close, or after the log failed. */
    void discard() throws IOException {
        if (preparing != null) {
            awaitPreparation();
            preparing = null;
            failure = null;
        }
        Files.deleteIfExists(path);
    }

    /**
     * Writes zeros over {@code [from, to)} without forcing them: the caller's next force covers
     * them. Used when a segment is created without a spare and to clear a torn tail at start-up.
     */
    static void writeZeros(RandomAccessFile raf, long from, long to) throws IOException {
        raf.seek(from);
        for (long pos = from; pos < to; ) {
            int n = (int) Math.min(ZEROS.length, to - pos);
            raf.write(ZEROS, 0, n);
            pos += n;
        }
    }

    private static void fillAndForce(RandomAccessFile raf, long bytes) throws IOException {
        for (long pos = 0; pos < bytes; ) {
            long next = Math.min(bytes, pos + FORCE_EVERY_BYTES);
            writeZeros(raf, pos, next);
            raf.getFD().sync();
            pos = next;
        }
    }

    /** The leader may carry an interrupt (application threads do); the spare is needed either way. */
    private void awaitPreparation() {
        boolean interrupted = false;
        while (true) {
            try {
                preparing.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
