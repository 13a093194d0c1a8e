package dev.dtc.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import static dev.dtc.log.LogFormat.HEADER_BYTES;

/**
 * Reads every segment in order, checks it, and works out the state and the repairs start-up must
 * make. It changes nothing on disk: if it throws, the directory is exactly as it was found.
 *
 * <p>The rules (docs/log-format.md, "Start-up"):
 * <ul>
 * <li>Every segment is {@code header, carried records, CHECKPOINT, records, zero fill}. The checkpoint
 *     makes the segment self-contained: the carried records are the complete pending state at the
 *     moment the segment was started, so a complete segment supersedes every segment before it.</li>
 * <li>The frames end at a frame boundary from which every byte to the end of the file is zero: the
 *     unused, preallocated rest of the segment. A frame is never zeros (its length is at least 3),
 *     so zeros followed by anything else are a bad frame like any other.</li>
 * <li>A bad frame at the end of the last segment's written region, with no intact frame after it
 *     (only garbage and then the zero fill), is the torn final write: it was never acknowledged and
 *     is cleared.</li>
 * <li>Any other bad frame, and any bad frame in an older segment, is damage: start-up stops.</li>
 * <li>A last segment that ends before its checkpoint is a roll that was interrupted; the segments
 *     before it were not deleted yet (deletion waits for the checkpoint), so it is dropped. That
 *     holds even if its carried block has a hole with intact carried frames after it: the block is
 *     forced before the checkpoint is written, so pieces of an unforced block may reach the disk out
 *     of order, but an intact checkpoint or ordinary record after a hole is real damage.</li>
 * </ul>
 */
final class StartupScan {

    /**
     * What start-up found.
     *
     * @param pending             the pending transactions the log holds
     * @param active              the segment to append to, or null if a new one must be created
     * @param activeValidEnd      where the active segment's intact frames end
     * @param activeFillStart     where the active segment's zero fill begins (its length if it has none):
     *                            a torn tail lies between activeValidEnd and this
     * @param activeCheckpointEnd where the active segment's checkpoint ends
     * @param activeVersion       the active segment's format version
     * @param tornTail            true if the active segment has a torn tail after activeValidEnd to clear
     * @param superseded          complete segments older than the active one, safe to delete
     * @param interruptedRoll     a last segment whose checkpoint was never completed, or null
     * @param nextNumber          the number for a new segment
     */
    record Result(PendingTransactions pending, SegmentFile active, long activeValidEnd, long activeFillStart,
                  long activeCheckpointEnd, int activeVersion, boolean tornTail, List<SegmentFile> superseded,
                  SegmentFile interruptedRoll, long nextNumber) {
    }

    /**
     * Why a lone segment numbered above 1 without its checkpoint is refused rather than dropped: a roll starts segment
     * N while N-1 exists and deletes N-1 only once N's checkpoint is durable, so N alone and incomplete means files were
     * deleted or cut short, and dropping it would forget every decision it carried.
     */
    private static final String NOT_AN_INTERRUPTED_ROLL = "; a segment numbered above 1 is only started while the one"
            + " before it exists, and that one is deleted only after this one's checkpoint is durable, so this is not an"
            + " interrupted roll but a file cut short or deleted (the decisions it carried would be forgotten)";

    private final CRC32C crc = new CRC32C();

    private StartupScan() {
    }

    static Result scan(Path directory) throws IOException {
        return new StartupScan().scanAll(SegmentFile.list(directory));
    }

    private Result scanAll(List<SegmentFile> segments) throws IOException {
        for (int i = 1; i < segments.size(); i++) {
            if (segments.get(i).number() == segments.get(i - 1).number()) {
                throw new LogCorruptedException(segments.get(i).path(), 0, "segment files "
                        + segments.get(i - 1).path().getFileName() + " and " + segments.get(i).path().getFileName()
                        + " have the same number; one of them does not belong in this directory");
            }
        }
        PendingTransactions state = null;
        SegmentFile active = null;
        int activeValidEnd = 0;
        int activeFillStart = 0;
        int activeCheckpointEnd = 0;
        int activeVersion = 0;
        boolean tornTail = false;
        List<SegmentFile> superseded = new ArrayList<>();
        SegmentFile interruptedRoll = null;

        for (int i = 0; i < segments.size(); i++) {
            SegmentFile segment = segments.get(i);
            boolean last = i == segments.size() - 1;
            byte[] image = readImage(segment);

            if (image.length < HEADER_BYTES || allZero(image, HEADER_BYTES)
                    || onlyPartOfItsHeader(image, segment.number())) {
                // The header opens a segment's first write; a missing or all-zero one, or the first bytes of the
                // header this segment gets followed by nothing but zeros, can only be a segment whose creation
                // was cut short (the header and what follows it are written in one piece, so a file with part of
                // its header holds nothing after it).
                if (!last) {
                    throw new LogCorruptedException(segment.path(), 0, "the segment header is missing (the file holds "
                            + image.length + " bytes) although newer segments follow");
                }
                if (state == null && segment.number() > 1) {
                    throw new LogCorruptedException(segment.path(), 0, "the segment header is missing (the file holds "
                            + image.length + " bytes) and there is no older segment" + NOT_AN_INTERRUPTED_ROLL);
                }
                interruptedRoll = segment;
                break;
            }
            String headerProblem = LogFormat.headerProblem(image, segment.number(), crc);
            if (headerProblem != null) {
                throw new LogCorruptedException(segment.path(), 0, headerProblem);
            }

            int version = LogFormat.version(image);
            int fillStart = SegmentReader.fillStart(image, LogFormat.zeroFilled(version));
            SegmentContents contents = new SegmentContents(segment.path());
            SegmentReader.Outcome outcome = SegmentReader.read(image, HEADER_BYTES, fillStart, contents, crc);
            SegmentReader.Damage damage = outcome.damage();
            // Carried frames found after the damage, when the segment never reached its checkpoint.
            int carriedAfterDamage = damage != null && damage.validFrameFollows() && !contents.complete()
                    ? SegmentReader.carriedFramesFrom(image, damage.nextIntactFrame(), fillStart, crc) : 0;
            boolean tornWrite = damage != null && last && !damage.checksumValid()
                    && (!damage.validFrameFollows()   // nothing intact after it: the final write was cut short
                        || carriedAfterDamage > 0);   // a hole in a carried block that was never forced
            if (damage != null && !tornWrite) {
                throw new LogCorruptedException(segment.path(), damage.offset(), damage.reason() + whyNotTorn(last, damage));
            }

            if (!contents.complete()) {
                if (!last) {
                    throw new LogCorruptedException(segment.path(), outcome.validEnd(),
                            "the segment ends before its checkpoint record although newer segments follow");
                }
                if (state == null && contents.carried + carriedAfterDamage == 0 && segment.number() > 1) {
                    throw new LogCorruptedException(segment.path(), outcome.validEnd(), "the segment ends before its"
                            + " checkpoint record and there is no older segment" + NOT_AN_INTERRUPTED_ROLL);
                }
                if (state == null && contents.carried + carriedAfterDamage > 0) {
                    throw new LogCorruptedException(segment.path(), outcome.validEnd(), "the segment was being started"
                            + " when the process stopped, but the older segments it copies from are missing;"
                            + " were files deleted from the log directory?");
                }
                interruptedRoll = segment;
                break;
            }
            if (active != null) {
                superseded.add(active);
            }
            state = contents.state;
            active = segment;
            activeValidEnd = outcome.validEnd();
            activeFillStart = Math.max(fillStart, outcome.validEnd());
            activeCheckpointEnd = contents.checkpointEnd;
            activeVersion = version;
            tornTail = damage != null;
        }

        long nextNumber = segments.isEmpty() ? 1 : segments.get(segments.size() - 1).number() + 1;
        return new Result(state == null ? new PendingTransactions() : state, active, activeValidEnd, activeFillStart,
                activeCheckpointEnd, activeVersion, tornTail, superseded, interruptedRoll, nextNumber);
    }

    private static String whyNotTorn(boolean last, SegmentReader.Damage damage) {
        if (!last) {
            return "; this is not the newest segment, and a segment is forced before a newer one is started,"
                    + " so its end cannot be an interrupted write";
        }
        if (damage.checksumValid()) {
            return "; its checksum is valid, so it was written this way and is not an interrupted write";
        }
        if (damage.nextIntactFrame() < 0) {
            return "";
        }
        return "; an intact record follows it at offset " + damage.nextIntactFrame()
                + ", so it is not an interrupted final write";
    }

    private static byte[] readImage(SegmentFile segment) throws IOException {
        long size = Files.size(segment.path());
        if (size > Integer.MAX_VALUE - 16) {
            throw new LogCorruptedException(segment.path(), 0, "the segment is " + size
                    + " bytes long, far beyond any configured segment size");
        }
        return Files.readAllBytes(segment.path());
    }

    /**
     * True when the image starts with a proper prefix (at least one byte, not all of it) of the header a segment of
     * this number is written with, and every byte after that prefix, to the end of the file, is zero: the
     * signature of a header write cut short on a preallocated segment. Damage does not look like this: it changes
     * bytes of a header that was written whole, and leaves the header's checksum and what follows in place.
     */
    static boolean onlyPartOfItsHeader(byte[] image, long number) {
        if (image.length < HEADER_BYTES) {
            return false;
        }
        ByteBuffer expected = ByteBuffer.allocate(HEADER_BYTES);
        LogFormat.putHeader(expected, number, new CRC32C());
        byte[] header = expected.array();
        int written = 0;
        while (written < HEADER_BYTES && image[written] == header[written]) {
            written++;
        }
        if (written == HEADER_BYTES) {
            return false; // the whole header is there: not this case
        }
        for (int i = written; i < image.length; i++) {
            if (image[i] != 0) {
                return false;
            }
        }
        return true; // written may be 0 too: an all-zero file, the case above
    }

    private static boolean allZero(byte[] image, int length) {
        for (int i = 0; i < length; i++) {
            if (image[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Checks the order {@code carried*, CHECKPOINT, records*} and builds the state after the segment. */
    private static final class SegmentContents implements SegmentReader.FrameVisitor {
        private final Path file;
        private final PendingTransactions state = new PendingTransactions();
        private int carried;
        private int checkpointEnd = -1;

        SegmentContents(Path file) {
            this.file = file;
        }

        boolean complete() {
            return checkpointEnd >= 0;
        }

        @Override
        public void frame(int offset, int end, byte kind, byte flags, String txId, byte[] payload)
                throws LogCorruptedException {
            if (kind == LogFormat.KIND_CHECKPOINT) {
                if (complete()) {
                    throw new LogCorruptedException(file, offset, "a second checkpoint record in one segment");
                }
                int announced = LogFormat.intAt(payload, 0);
                if (announced != carried) {
                    throw new LogCorruptedException(file, offset, "the checkpoint announces " + announced
                            + " carried records but " + carried + " precede it");
                }
                checkpointEnd = end;
                return;
            }
            LogRecord record = new LogRecord(RecordType.ofCode(kind), txId, payload);
            if ((flags & LogFormat.FLAG_CARRIED) != 0) {
                if (complete()) {
                    throw new LogCorruptedException(file, offset, "a carried record after the checkpoint");
                }
                if (record.type() == RecordType.END) {
                    throw new LogCorruptedException(file, offset, "an END record marked as carried");
                }
                carried++;
            } else if (!complete()) {
                throw new LogCorruptedException(file, offset, "a record before the segment's checkpoint");
            }
            state.apply(record);
        }
    }
}
