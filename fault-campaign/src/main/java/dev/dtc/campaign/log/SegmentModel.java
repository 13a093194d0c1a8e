package dev.dtc.campaign.log;

import dev.dtc.log.LogRecord;
import dev.dtc.log.RecordType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The campaign's own reading of a segment file, written from docs/log-format.md and independent of the product's
 * reader: where each frame lies and what it says, so that the expected pending set for a damage point is computed
 * without asking the code under test.
 */
final class SegmentModel {

    static final int HEADER_BYTES = 20;

    /** One frame: bytes {@code [start, end)}; its fields lie at fixed offsets from start. */
    record Frame(int start, int end, int kind, int flags, String txId, byte[] payload) {
        int txIdStart() {
            return start + 11;
        }

        int payloadStart() {
            return start + 11 + txId.length();
        }

        boolean isRecord() {
            return kind != 16;
        }

        String describe() {
            return switch (kind) {
                case 1 -> "DECISION " + txId;
                case 2 -> "END " + txId;
                case 3 -> "HEURISTIC " + txId;
                case 16 -> "CHECKPOINT";
                default -> "kind " + kind;
            } + ((flags & 1) != 0 ? " (carried)" : "") + " at " + start;
        }
    }

    final Path file;
    final byte[] image;
    final List<Frame> frames;

    private SegmentModel(Path file, byte[] image, List<Frame> frames) {
        this.file = file;
        this.image = image;
        this.frames = frames;
    }

    /** Reads an undamaged segment; any surprise is a campaign bug, not a finding. */
    static SegmentModel read(Path file) throws IOException {
        byte[] image = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(image);
        if (image.length < HEADER_BYTES || b.getInt(0) != 0x4454434C) {
            throw new IllegalStateException(file + ": not a segment");
        }
        List<Frame> frames = new ArrayList<>();
        int pos = HEADER_BYTES;
        while (pos + 8 <= image.length) {
            int len = b.getInt(pos);
            if (len == 0) {
                break; // zero fill
            }
            int end = pos + 8 + len;
            int kind = image[pos + 8] & 0xFF;
            int flags = image[pos + 9] & 0xFF;
            int n = image[pos + 10] & 0xFF;
            String txId = new String(image, pos + 11, n, StandardCharsets.US_ASCII);
            byte[] payload = java.util.Arrays.copyOfRange(image, pos + 11 + n, end);
            frames.add(new Frame(pos, end, kind, flags, txId, payload));
            pos = end;
        }
        return new SegmentModel(file, image, List.copyOf(frames));
    }

    /** The newest segment file of a directory (by number). */
    static Path newestSegment(Path dir) throws IOException {
        List<Path> segs = segments(dir);
        if (segs.isEmpty()) {
            throw new IllegalStateException(dir + " holds no segment");
        }
        return segs.get(segs.size() - 1);
    }

    static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("dtc-\\d{8,}\\.log")).sorted().toList();
        }
    }

    /** Where the frames end (the zero fill, or the end of the file). */
    int framesEnd() {
        return frames.isEmpty() ? HEADER_BYTES : frames.get(frames.size() - 1).end();
    }

    /** The pending state after the first {@code count} frames: DECISION/HEURISTIC add, END removes. */
    Map<String, List<LogRecord>> stateAfter(int count) {
        Map<String, List<LogRecord>> state = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            Frame f = frames.get(i);
            switch (f.kind()) {
                case 1 -> state.computeIfAbsent(f.txId(), k -> new ArrayList<>())
                        .add(new LogRecord(RecordType.DECISION, f.txId(), f.payload()));
                case 3 -> state.computeIfAbsent(f.txId(), k -> new ArrayList<>())
                        .add(new LogRecord(RecordType.HEURISTIC, f.txId(), f.payload()));
                case 2 -> state.remove(f.txId());
                default -> {
                }
            }
        }
        return state;
    }

    /** The pending state of frames wholly before byte {@code offset}. */
    Map<String, List<LogRecord>> stateBefore(int offset) {
        int count = 0;
        while (count < frames.size() && frames.get(count).end() <= offset) {
            count++;
        }
        return stateAfter(count);
    }

    /** Start of the frame holding byte {@code offset} (or the first frame from it); 0 inside the header. */
    int frameStartAt(int offset) {
        if (offset < HEADER_BYTES) {
            return 0;
        }
        for (Frame f : frames) {
            if (offset < f.end()) {
                return f.start();
            }
        }
        return framesEnd();
    }
}
