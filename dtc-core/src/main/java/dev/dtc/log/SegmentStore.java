package dev.dtc.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.zip.CRC32C;

import dev.dtc.internal.fault.TestFault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segment files: appends batches to the active segment, rolls to a new one when it is full,
 * and deletes what the new one supersedes.
 *
 * <p>Clean-up by copying forward: a new segment starts with a copy of every pending record
 * (flagged as carried) and a checkpoint frame. Once that is durable, every older segment is
 * redundant and is deleted, so the log holds one segment (two during a roll) however long a
 * transaction stays pending, and there is no per-segment bookkeeping of which transaction lives
 * where. The price is copying the pending records once per segment, which is small next to a
 * segment of new records (the roll threshold counts only bytes appended after the checkpoint).
 *
 * <p>Segments are preallocated: each is created zero-filled to its capacity (checkpoint plus
 * {@code segmentBytes}, rounded up to 4 KiB), so appends overwrite zeros instead of growing the
 * file. The next segment's file is prepared in the background once the active one is half full
 * ({@link SpareSegment}).
 *
 * <p>Not thread-safe: used by start-up, then only by the current group-commit leader. The counters
 * are volatile so {@link #stats()} can read them from any thread.
 */
final class SegmentStore implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentStore.class);
    /** File system blocks: a capacity in whole blocks leaves no partly used block to allocate at the end. */
    private static final long BLOCK_BYTES = 4096;
    /** Start-up reads a segment into one array; a capacity beyond that would be unreadable. */
    private static final long MAX_CAPACITY = (Integer.MAX_VALUE - 16) & ~(BLOCK_BYTES - 1);

    private final Path directory;
    private final long segmentBytes;
    private final PendingTransactions pending;
    private final CRC32C crc = new CRC32C();
    /** Superseded segments not deleted yet: normally empty, except when a deletion failed. */
    private final Deque<SegmentFile> superseded = new ArrayDeque<>();
    private final SpareSegment spare;
    private ActiveSegment active;

    private volatile long forces;
    private volatile long writes;
    private volatile long recordsWritten;
    private volatile long bytesWritten;
    private volatile long rolls;
    private volatile long segmentsDeleted;
    private volatile int liveSegments;
    private volatile int pendingTransactions;

    private SegmentStore(Path directory, LogConfig config, PendingTransactions pending) {
        this.directory = directory;
        this.segmentBytes = config.segmentBytes();
        this.pending = pending;
        this.spare = new SpareSegment(directory);
    }

    /** Makes the repairs start-up decided on, in an order that is safe to interrupt at any point, and opens the active segment. */
    static SegmentStore start(Path directory, LogConfig config, StartupScan.Result scan) throws IOException {
        SegmentStore store = new SegmentStore(directory, config, scan.pending());
        try {
            store.spare.removeLeftover();
            store.superseded.addAll(scan.superseded());
            if (scan.interruptedRoll() != null) {
                LOG.warn("Decision log {}: dropping {}, a segment whose start was interrupted (its checkpoint was never"
                        + " completed; the older segments still hold everything)", directory, scan.interruptedRoll().path());
                Files.delete(scan.interruptedRoll().path());
            }
            if (scan.active() == null) {
                store.active = store.createSegment(scan.nextNumber(), false);
            } else {
                boolean zeroFilled = LogFormat.zeroFilled(scan.activeVersion());
                if (scan.tornTail()) {
                    LOG.warn("Decision log {}: clearing a torn final write in {} at byte offset {} ({} bytes that were"
                            + " never acknowledged)", directory, scan.active().path(), scan.activeValidEnd(),
                            (zeroFilled ? scan.activeFillStart() : Files.size(scan.active().path())) - scan.activeValidEnd());
                }
                store.active = ActiveSegment.reopen(scan.active(), scan.activeValidEnd(), scan.activeFillStart(),
                        scan.activeCheckpointEnd(), zeroFilled);
                if (scan.activeVersion() < LogFormat.VERSION) {
                    // Appends go only to segments of the current version: a version 1 segment has no zero fill,
                    // and a release that reads only up to version 2 must not find records it cannot decode in a
                    // segment whose header it accepts.
                    LOG.info("Decision log {}: {} has format version {}; continuing in a new segment of version {}",
                            directory, scan.active().path(), scan.activeVersion(), LogFormat.VERSION);
                    store.roll();
                }
            }
            store.deleteSuperseded();
            store.pendingTransactions = store.pending.transactions();
            return store;
        } catch (IOException | RuntimeException e) {
            store.closeQuietly();
            throw e;
        }
    }

    /** One write for the whole batch, one fsync if anybody in it waits for durability. */
    void write(Batch batch) throws IOException {
        active.write(batch.bytes(), batch.length());
        writes++;
        bytesWritten += batch.length();
        recordsWritten += batch.records().size();
        if (batch.forced()) {
            active.sync();
            forces++;
        }
        for (LogRecord r : batch.records()) {
            pending.apply(r);
        }
        pendingTransactions = pending.transactions();
        if (!spare.started() && active.appendedSinceCheckpoint() >= segmentBytes / 2) {
            // Half full: time enough to fill the next segment's file before this one is full.
            spare.prepareInBackground(capacity(pending.frameBytes()));
        }
    }

    boolean needsRoll() {
        return active.appendedSinceCheckpoint() >= segmentBytes;
    }

    /**
     * Starts the next segment with the pending records and deletes the older ones. Each step is
     * durable before the next begins: old segment forced; new segment's header and carried records
     * written and forced, then its checkpoint written and forced; its directory entry forced; then
     * deletion. A crash anywhere leaves a log that start-up reads
     * correctly (see {@link StartupScan}).
     */
    void roll() throws IOException {
        ActiveSegment old = active;
        if (old.unsynced()) {
            // Unforced ENDs: an older segment must never end in a torn write, or start-up would call it damage.
            old.sync();
            forces++;
        }
        active = createSegment(old.file().number() + 1, true);
        rolls++;
        superseded.add(old.file());
        try {
            old.close();
        } catch (IOException e) {
            LOG.warn("Decision log {}: closing {} failed; it is superseded anyway", directory, old.file().path(), e);
        }
        if (TestFault.HALT_DURING_CLEANUP.on()) {
            TestFault.HALT_DURING_CLEANUP.halt("during the clean-up after a roll of the decision log: "
                    + active.file().path().getFileName() + " is durable, " + superseded.size()
                    + " superseded segment(s) not deleted yet");
        }
        deleteSuperseded();
    }

    /** @param rolling a roll (not the first segment of a new log): where the test fault {@code halt-during-roll} may hit */
    private ActiveSegment createSegment(long number, boolean rolling) throws IOException {
        SegmentFile file = SegmentFile.in(directory, number);
        long size = LogFormat.HEADER_BYTES + pending.frameBytes() + LogFormat.CHECKPOINT_FRAME_BYTES;
        if (size > Integer.MAX_VALUE - 16) {
            throw new IOException("decision log " + directory + ": " + pending.transactions() + " pending transactions take "
                    + size + " bytes, too many to copy into a new segment; end them before the log can roll");
        }
        ByteBuffer start = ByteBuffer.allocate((int) size);
        LogFormat.putHeader(start, number, crc);
        pending.forEachRecord(r -> LogFormat.putRecord(start, r, LogFormat.FLAG_CARRIED, crc));
        int carriedEnd = start.position();
        LogFormat.putCheckpoint(start, pending.records(), crc);

        if (!spare.moveTo(file.path())) {
            Files.createFile(file.path());
        }
        ActiveSegment segment = ActiveSegment.create(file, start.array(), carriedEnd, start.position(),
                capacity(pending.frameBytes()), rolling && TestFault.HALT_DURING_ROLL.on());
        forces += carriedEnd > LogFormat.HEADER_BYTES ? 2 : 1;
        bytesWritten += start.position();
        try {
            DirectoryDurability.force(directory);
        } catch (IOException | RuntimeException e) {
            segment.close();
            throw e;
        }
        liveSegments = superseded.size() + 1;
        return segment;
    }

    /** Header, carried block, checkpoint and {@code segmentBytes} of records, in whole blocks. */
    private long capacity(long carriedBytes) {
        long bytes = LogFormat.HEADER_BYTES + carriedBytes + LogFormat.CHECKPOINT_FRAME_BYTES + segmentBytes;
        return Math.min(MAX_CAPACITY, (bytes + BLOCK_BYTES - 1) & ~(BLOCK_BYTES - 1));
    }

    /** Oldest first, so an interrupted clean-up leaves a contiguous run of segments. A failure only delays deletion. */
    private void deleteSuperseded() {
        boolean deleted = false;
        while (!superseded.isEmpty()) {
            SegmentFile oldest = superseded.peekFirst();
            try {
                Files.deleteIfExists(oldest.path());
            } catch (IOException e) {
                LOG.warn("Decision log {}: could not delete superseded segment {}; will retry at the next roll",
                        directory, oldest.path(), e);
                break;
            }
            superseded.removeFirst();
            segmentsDeleted++;
            deleted = true;
        }
        liveSegments = superseded.size() + 1;
        if (deleted) {
            // Best effort: a deletion undone by a crash is harmless (the newer checkpoint supersedes
            // the segment and start-up deletes it again), so a failure here must not stop the log.
            try {
                DirectoryDurability.force(directory);
            } catch (IOException e) {
                LOG.warn("Decision log {}: forcing the directory after deleting old segments failed", directory, e);
            }
        }
    }

    /** Forces what was written without a force (ENDs), closes the active segment and deletes the spare. */
    @Override
    public void close() throws IOException {
        try {
            if (active.unsynced()) {
                active.sync();
                forces++;
            }
        } finally {
            try {
                active.close();
            } finally {
                spare.discard();
            }
        }
    }

    /** Closes without forcing, after a write or force failed: nothing more may be trusted to this file. */
    void closeQuietly() {
        try {
            spare.discard();
        } catch (IOException e) {
            LOG.debug("Decision log {}: deleting the spare segment after a failure", directory, e);
        }
        if (active != null) {
            try {
                active.close();
            } catch (IOException e) {
                LOG.debug("Decision log {}: closing after a failure", directory, e);
            }
        }
    }

    LogStats stats() {
        return new LogStats(forces, writes, recordsWritten, bytesWritten, rolls, segmentsDeleted, liveSegments,
                pendingTransactions);
    }
}
