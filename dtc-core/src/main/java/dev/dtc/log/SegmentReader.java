package dev.dtc.log;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

import static dev.dtc.log.LogFormat.CHECKPOINT_PAYLOAD_BYTES;
import static dev.dtc.log.LogFormat.CONTENT_FIXED_BYTES;
import static dev.dtc.log.LogFormat.FLAG_CARRIED;
import static dev.dtc.log.LogFormat.FRAME_PREFIX_BYTES;
import static dev.dtc.log.LogFormat.KIND_CHECKPOINT;
import static dev.dtc.log.LogFormat.MAX_CONTENT_BYTES;
import static dev.dtc.log.LogFormat.MIN_CONTENT_BYTES;
import static dev.dtc.log.LogFormat.intAt;

/**
 * Walks the frames of one segment image and says where the valid frames end and why. It knows
 * framing, not meaning: what a sequence of frames means, and whether a bad frame is a torn tail or
 * damage, is decided by {@link StartupScan} (and shown by {@link LogInspector}).
 */
final class SegmentReader {

    /** Receives each intact frame in file order. */
    interface FrameVisitor {
        void frame(int offset, int end, byte kind, byte flags, String txId, byte[] payload) throws LogCorruptedException;
    }

    /**
     * The first frame that could not be read.
     *
     * @param checksumValid     the frame's checksum matched but its content is impossible: this
     *                          was written that way (or by another format), it is not a torn write
     * @param nextIntactFrame   offset of the first intact frame after it, or -1: if there is one,
     *                          data was written after this point, so it is not the final,
     *                          unacknowledged write
     */
    record Damage(int offset, String reason, boolean checksumValid, int nextIntactFrame) {
        boolean validFrameFollows() {
            return nextIntactFrame >= 0;
        }
    }

    /**
     * @param validEnd offset just past the last intact frame
     * @param damage   null if the frames ended cleanly: at the end of the image or where the zero fill begins
     */
    record Outcome(int validEnd, Damage damage) {
    }

    private static final byte[] ZEROS = new byte[4096];

    private SegmentReader() {
    }

    /**
     * Where the zero fill of a preallocated segment begins: just past its last non-zero byte, or the
     * image length for a format without fill. Frames are read up to here; a frame may still end
     * beyond it when its last bytes happen to be zeros.
     */
    static int fillStart(byte[] image, boolean zeroFilled) {
        if (!zeroFilled) {
            return image.length;
        }
        // Backwards in blocks, each compared with zeros by Arrays.mismatch (vectorised): start-up
        // reads a mostly empty 16 MiB segment in a few milliseconds.
        int end = image.length;
        while (end > 0) {
            int from = Math.max(0, end - ZEROS.length);
            if (Arrays.mismatch(image, from, end, ZEROS, 0, end - from) < 0) {
                end = from;
                continue;
            }
            while (image[end - 1] == 0) {
                end--;
            }
            return end;
        }
        return 0;
    }

    /**
     * Reads the frames from {@code start} until the zero fill begins (or the image ends), or until
     * the first frame that is not intact or whose content is impossible.
     *
     * @param fillStart from {@link #fillStart}: a frame boundary at or after it is the end of the data
     */
    static Outcome read(byte[] image, int start, int fillStart, FrameVisitor visitor, CRC32C crc)
            throws LogCorruptedException {
        int pos = start;
        while (pos < fillStart) {
            if (!frameIntact(image, pos, crc)) {
                String reason = describeBrokenFrame(image, pos, fillStart, crc);
                return new Outcome(pos, new Damage(pos, reason, false, nextIntactFrame(image, pos + 1, fillStart, crc)));
            }
            int contentBytes = intAt(image, pos);
            int end = pos + FRAME_PREFIX_BYTES + contentBytes;
            String impossible = contentProblem(image, pos, contentBytes);
            if (impossible != null) {
                return new Outcome(pos, new Damage(pos, impossible, true, nextIntactFrame(image, end, fillStart, crc)));
            }
            int c = pos + FRAME_PREFIX_BYTES;
            int n = image[c + 2] & 0xFF;
            String txId = new String(image, c + CONTENT_FIXED_BYTES, n, StandardCharsets.US_ASCII);
            byte[] payload = Arrays.copyOfRange(image, c + CONTENT_FIXED_BYTES + n, end);
            visitor.frame(pos, end, image[c], image[c + 1], txId, payload);
            pos = end;
        }
        return new Outcome(pos, null);
    }

    /** Length in range, frame inside the image, checksum matches. Cheap on garbage: most positions fail the length test. */
    static boolean frameIntact(byte[] image, int pos, CRC32C crc) {
        if (image.length - pos < FRAME_PREFIX_BYTES) {
            return false;
        }
        int contentBytes = intAt(image, pos);
        if (contentBytes < MIN_CONTENT_BYTES || contentBytes > MAX_CONTENT_BYTES
                || contentBytes > image.length - pos - FRAME_PREFIX_BYTES) {
            return false;
        }
        return intAt(image, pos + 4) == LogFormat.checksum(image, pos, contentBytes, crc);
    }

    /**
     * Where the first intact frame at or after {@code from} starts, or -1. Searching every byte offset
     * (not just the next frame boundary) matters: when a length field is damaged the boundaries
     * are lost, yet the records after it are still there and prove the damage is not a torn tail.
     * Only offsets before {@code fillStart} can hold a frame: its length field is not zero.
     */
    static int nextIntactFrame(byte[] image, int from, int fillStart, CRC32C crc) {
        int last = Math.min(image.length - FRAME_PREFIX_BYTES - MIN_CONTENT_BYTES, fillStart - 1);
        for (int q = from; q <= last; q++) {
            if (frameIntact(image, q, crc)) {
                return q;
            }
        }
        return -1;
    }

    /**
     * How many intact frames from {@code from} on are carried records, or -1 if any intact frame
     * there is something else (a checkpoint or an ordinary record). Frames are followed by their
     * lengths, with a byte-by-byte search again after any further damage.
     */
    static int carriedFramesFrom(byte[] image, int from, int fillStart, CRC32C crc) {
        int carried = 0;
        for (int q = nextIntactFrame(image, from, fillStart, crc); q >= 0; ) {
            byte kind = image[q + FRAME_PREFIX_BYTES];
            byte flags = image[q + FRAME_PREFIX_BYTES + 1];
            if (kind == KIND_CHECKPOINT || (flags & FLAG_CARRIED) == 0) {
                return -1;
            }
            carried++;
            int next = q + FRAME_PREFIX_BYTES + intAt(image, q);
            q = frameIntact(image, next, crc) ? next : nextIntactFrame(image, next, fillStart, crc);
        }
        return carried;
    }

    private static String describeBrokenFrame(byte[] image, int pos, int fillStart, CRC32C crc) {
        int remaining = image.length - pos;
        if (remaining < FRAME_PREFIX_BYTES) {
            return "the file ends " + remaining + " bytes into a frame's 8-byte length and checksum";
        }
        long contentBytes = intAt(image, pos) & 0xFFFF_FFFFL;
        if (contentBytes == 0 && fillStart < image.length) {
            return "zeros where a frame should start, but non-zero bytes follow up to offset " + fillStart
                    + " (the zero fill of unused space begins only after them)";
        }
        if (contentBytes < MIN_CONTENT_BYTES || contentBytes > MAX_CONTENT_BYTES) {
            return "frame length " + contentBytes + " is outside " + MIN_CONTENT_BYTES + ".." + MAX_CONTENT_BYTES;
        }
        if (contentBytes > remaining - FRAME_PREFIX_BYTES) {
            return "the frame needs " + (FRAME_PREFIX_BYTES + contentBytes) + " bytes but the file ends after "
                    + remaining;
        }
        return String.format("checksum mismatch (stored %08x, computed %08x)", intAt(image, pos + 4),
                LogFormat.checksum(image, pos, (int) contentBytes, crc));
    }

    /** Content that passed its checksum but cannot be a frame this version writes. */
    private static String contentProblem(byte[] image, int pos, int contentBytes) {
        int c = pos + FRAME_PREFIX_BYTES;
        byte kind = image[c];
        byte flags = image[c + 1];
        int n = image[c + 2] & 0xFF;
        if (n > contentBytes - CONTENT_FIXED_BYTES) {
            return "txId length " + n + " runs past the frame's " + contentBytes + " content bytes";
        }
        if (kind == KIND_CHECKPOINT) {
            if (flags != 0 || n != 0 || contentBytes != CONTENT_FIXED_BYTES + CHECKPOINT_PAYLOAD_BYTES) {
                return "malformed checkpoint frame";
            }
            return null;
        }
        if (kind != RecordType.DECISION.code() && kind != RecordType.END.code() && kind != RecordType.HEURISTIC.code()) {
            return "unknown record kind " + kind + " (written by a newer dtc release?)";
        }
        if ((flags & ~FLAG_CARRIED) != 0) {
            return "unknown flags " + flags + " (written by a newer dtc release?)";
        }
        if (n == 0) {
            return "record without a transaction id";
        }
        if (contentBytes - CONTENT_FIXED_BYTES - n > LogRecord.MAX_PAYLOAD_BYTES) {
            return "payload of " + (contentBytes - CONTENT_FIXED_BYTES - n) + " bytes exceeds the limit of "
                    + LogRecord.MAX_PAYLOAD_BYTES;
        }
        for (int i = 0; i < n; i++) {
            if (image[c + CONTENT_FIXED_BYTES + i] < 0) {
                return "transaction id is not ASCII";
            }
        }
        return null;
    }
}
