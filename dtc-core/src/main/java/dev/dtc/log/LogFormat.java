package dev.dtc.log;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The byte layout of segment files: the one class that knows offsets. docs/log-format.md describes
 * the same layout for people; change both together, and bump {@link #VERSION} for any change a
 * reader of the old version would misread.
 *
 * <pre>
 * segment header (20 bytes)             frame (8 + L bytes)
 *  0  4  magic "DTCL"                     0  4  L = content length
 *  4  2  format version (3)               4  4  CRC32C of bytes [0,4) then [8, 8+L)
 *  6  2  header length (20)               8  1  kind: 1 DECISION, 2 END, 3 HEURISTIC, 16 CHECKPOINT
 *  8  8  segment number                   9  1  flags: bit 0 = carried (copied from an older segment)
 * 16  4  CRC32C of bytes [0,16)          10  1  n = txId length
 *                                        11  n  txId, ASCII
 *                                      11+n  m  payload, m = L - 3 - n
 * </pre>
 * All integers are big-endian. A segment is preallocated and zero-filled: its frames end where
 * only zeros remain (a frame is never all zeros, since L is at least 3).
 *
 * <p>Version 1 segments had no zero fill; this release still reads them (their last bytes are
 * data, never fill). Version 2 segments are laid out like version 3; version 3 marks segments whose
 * DECISION payloads may name each branch's resource ({@link DecisionPayload}), which a version 2 reader
 * could not decode. An active segment of an older version is rolled into a version 3 segment at start-up.
 */
final class LogFormat {

    static final int MAGIC = 0x4454_434C; // "DTCL"
    /**
     * The version this release writes. 2: segments are preallocated, zero-filled; the fill ends the frames.
     * 3: as 2, and DECISION payloads of version 2 (branches with resource names) may appear.
     */
    static final short VERSION = 3;
    /** Version 1 (no preallocation) is still read, so a log written by an earlier release opens. */
    static final short OLDEST_READABLE_VERSION = 1;
    static final int HEADER_BYTES = 20;

    /** Length and checksum, in front of every frame's content. */
    static final int FRAME_PREFIX_BYTES = 8;
    /** kind, flags and txId length: the smallest possible content. */
    static final int CONTENT_FIXED_BYTES = 3;
    static final int MIN_CONTENT_BYTES = CONTENT_FIXED_BYTES;
    static final int MAX_CONTENT_BYTES = CONTENT_FIXED_BYTES + LogRecord.MAX_TX_ID_BYTES + LogRecord.MAX_PAYLOAD_BYTES;

    /**
     * Ends the block of carried records that opens every segment. Its payload is the number of
     * carried records before it (4 bytes), so a reader can tell a complete copy from a cut one.
     */
    static final byte KIND_CHECKPOINT = 16;
    static final int CHECKPOINT_PAYLOAD_BYTES = 4;
    static final int CHECKPOINT_FRAME_BYTES = FRAME_PREFIX_BYTES + CONTENT_FIXED_BYTES + CHECKPOINT_PAYLOAD_BYTES;

    static final byte NO_FLAGS = 0;
    /** A copy, made when the log rolled, of a pending record first written to an older segment. */
    static final byte FLAG_CARRIED = 1;

    private LogFormat() {
    }

    static int frameBytes(LogRecord record) {
        return FRAME_PREFIX_BYTES + CONTENT_FIXED_BYTES + record.txId().length() + record.payload().length;
    }

    static void putHeader(ByteBuffer buf, long segmentNumber, CRC32C crc) {
        putHeader(buf, segmentNumber, VERSION, crc);
    }

    /** A header of any version: tests build older and newer segments with it. */
    static void putHeader(ByteBuffer buf, long segmentNumber, short version, CRC32C crc) {
        int start = buf.position();
        buf.putInt(MAGIC).putShort(version).putShort((short) HEADER_BYTES).putLong(segmentNumber);
        crc.reset();
        crc.update(buf.array(), buf.arrayOffset() + start, 16);
        buf.putInt((int) crc.getValue());
    }

    /** Why an image's header is not a valid header of segment {@code expectedNumber}, or null if it is. */
    static String headerProblem(byte[] image, long expectedNumber, CRC32C crc) {
        int magic = intAt(image, 0);
        if (magic != MAGIC) {
            return String.format("the file does not start with the segment magic \"DTCL\" (found %08x): it is not a"
                    + " dtc decision-log segment, or its header is damaged", magic);
        }
        int version = shortAt(image, 4);
        if (version < OLDEST_READABLE_VERSION || version > VERSION) {
            return "the segment has format version " + version + " but this dtc reads versions "
                    + OLDEST_READABLE_VERSION + " to " + VERSION + "; it was written by another dtc release (start that"
                    + " release on this directory, or a newer one), or its header is damaged";
        }
        crc.reset();
        crc.update(image, 0, 16);
        int stored = intAt(image, 16);
        if (stored != (int) crc.getValue()) {
            return String.format("header checksum mismatch (stored %08x, computed %08x)", stored, (int) crc.getValue());
        }
        int headerBytes = shortAt(image, 6);
        if (headerBytes != HEADER_BYTES) {
            return "header length is " + headerBytes + ", version " + version + " headers are " + HEADER_BYTES + " bytes";
        }
        long number = longAt(image, 8);
        if (number != expectedNumber) {
            return "the header says segment " + number + " but the file name says " + expectedNumber
                    + "; segment files must not be renamed or copied between directories";
        }
        return null;
    }

    /** The format version of a header that {@link #headerProblem} accepted. */
    static int version(byte[] image) {
        return shortAt(image, 4);
    }

    /** Whether segments of this version are preallocated, so that trailing zeros are unused space rather than data. */
    static boolean zeroFilled(int version) {
        return version >= 2;
    }

    static void putRecord(ByteBuffer buf, LogRecord record, byte flags, CRC32C crc) {
        putFrame(buf, record.type().code(), flags, record.txId(), record.payload(), crc);
    }

    static void putCheckpoint(ByteBuffer buf, int carriedRecords, CRC32C crc) {
        byte[] payload = ByteBuffer.allocate(CHECKPOINT_PAYLOAD_BYTES).putInt(carriedRecords).array();
        putFrame(buf, KIND_CHECKPOINT, NO_FLAGS, "", payload, crc);
    }

    /** Writes one frame at the buffer's position; the buffer must be heap-backed and have room. */
    static void putFrame(ByteBuffer buf, byte kind, byte flags, String txId, byte[] payload, CRC32C crc) {
        int start = buf.position();
        int n = txId.length();
        int contentBytes = CONTENT_FIXED_BYTES + n + payload.length;
        buf.putInt(contentBytes).putInt(0).put(kind).put(flags).put((byte) n);
        // txId is validated ASCII, so each char is one byte; no String.getBytes allocation per record.
        for (int i = 0; i < n; i++) {
            buf.put((byte) txId.charAt(i));
        }
        buf.put(payload);
        buf.putInt(start + 4, checksum(buf.array(), buf.arrayOffset() + start, contentBytes, crc));
    }

    /** CRC32C over a frame's length field and its content, i.e. everything except the CRC itself. */
    static int checksum(byte[] image, int frameStart, int contentBytes, CRC32C crc) {
        crc.reset();
        crc.update(image, frameStart, 4);
        crc.update(image, frameStart + FRAME_PREFIX_BYTES, contentBytes);
        return (int) crc.getValue();
    }

    static int intAt(byte[] b, int i) {
        return (b[i] & 0xFF) << 24 | (b[i + 1] & 0xFF) << 16 | (b[i + 2] & 0xFF) << 8 | (b[i + 3] & 0xFF);
    }

    static int shortAt(byte[] b, int i) {
        return (b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF);
    }

    static long longAt(byte[] b, int i) {
        return (long) intAt(b, i) << 32 | (intAt(b, i + 4) & 0xFFFF_FFFFL);
    }
}
