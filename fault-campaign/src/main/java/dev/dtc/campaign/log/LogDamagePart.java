package dev.dtc.campaign.log;

import dev.dtc.campaign.Part;
import dev.dtc.campaign.Size;
import dev.dtc.campaign.Tally;
import dev.dtc.log.DecisionLog;
import dev.dtc.log.LogConfig;
import dev.dtc.log.LogCorruptedException;
import dev.dtc.log.LogRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * §4, the log under damage: builds decision logs with known records through {@link DecisionLog} (the level at
 * which a decision is durable), damages copies of them systematically, opens each copy and checks that it either
 * opens with exactly the pending set of the records written before the damage point (and keeps appending), or
 * refuses with {@link LogCorruptedException} naming the damaged file and the damaged frame's offset. Then a full
 * disk on a small tmpfs.
 */
public final class LogDamagePart implements Part {

    static final String NAME = "log-damage";
    static final LogConfig CONFIG = new LogConfig(64 * 1024);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "torn tail at every offset, bit flips in every field, truncated and missing segments, a full disk:"
                + " the log opens with exactly what was written before the damage, or refuses naming file and offset";
    }

    @Override
    public List<Tally> run(Size size, long seed, PrintStream log) throws Exception {
        Path work = Files.createTempDirectory(tmpBase(), "dtc-log-damage-");
        try {
            Random random = new Random(seed);
            List<Tally> tallies = new ArrayList<>();
            Path plain = work.resolve("plain");
            buildPlain(plain, random);
            Path rolled = work.resolve("rolled");
            buildRolled(rolled, random);
            tallies.add(tornTail(size, work, plain, log));
            tallies.addAll(bitFlips(size, work, plain, random, log));
            tallies.add(truncated(size, work, plain, rolled, random, log));
            tallies.add(missing(work, rolled, log));
            tallies.add(new FullDisk(work).run(size, seed, log));
            return tallies;
        } finally {
            deleteTree(work);
        }
    }

    /** A tmpfs where there is one: every case writes a preallocated segment. */
    static Path tmpBase() {
        Path shm = Paths.get("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Paths.get(System.getProperty("java.io.tmpdir"));
    }

    /** One segment: decisions, some ended, the last record a decision. */
    static void buildPlain(Path dir, Random random) throws IOException {
        try (DecisionLog log = DecisionLog.open(dir, CONFIG)) {
            for (int i = 1; i <= 8; i++) {
                log.appendForced(LogRecord.decision("node-a/1/" + i, payload(random, 24 + random.nextInt(40))));
                if (i % 3 == 2) {
                    log.append(LogRecord.end("node-a/1/" + (i - 1)));
                }
            }
            log.appendForced(LogRecord.decision("node-a/1/9", payload(random, 33)));
        }
    }

    /** Several rolls with decisions left pending: the newest segment (number > 1) starts with carried records. */
    static void buildRolled(Path dir, Random random) throws IOException {
        try (DecisionLog log = DecisionLog.open(dir, new LogConfig(LogConfig.MIN_SEGMENT_BYTES))) {
            for (int i = 1; i <= 40; i++) {
                log.appendForced(LogRecord.decision("node-b/1/" + i, payload(random, 40)));
                if (i % 2 == 0) {
                    log.append(LogRecord.end("node-b/1/" + i));
                }
            }
            log.appendForced(LogRecord.decision("node-b/1/41", payload(random, 40)));
            if (log.stats().rolls() < 2) {
                throw new IllegalStateException("the rolled log did not roll: " + log.stats());
            }
        }
        if (SegmentModel.segments(dir).size() != 1) {
            throw new IllegalStateException("expected one segment after rolls in " + dir);
        }
    }

    static byte[] payload(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private Tally tornTail(Size size, Path work, Path plain, PrintStream log) throws IOException {
        SegmentModel m = SegmentModel.read(SegmentModel.newestSegment(plain));
        Checker c = new Checker("torn final record (every byte offset)", log);
        int first = size == Size.CI ? m.frames.size() - 1 : 1;
        for (int t = first; t < m.frames.size(); t++) {
            SegmentModel.Frame f = m.frames.get(t);
            for (int o = f.start(); o < f.end(); o++) {
                Path copy = copyOf(plain, work, "torn");
                Path seg = copy.resolve(m.file.getFileName());
                try (RandomAccessFile raf = new RandomAccessFile(seg.toFile(), "rw")) {
                    raf.seek(o);
                    raf.write(new byte[m.framesEnd() - o]); // the write never got past o: the fill's zeros remain
                }
                c.check(copy, seg, m.stateAfter(t), f.start(), f.describe() + " torn at " + o);
                deleteTree(copy);
            }
        }
        return c.tally();
    }

    private List<Tally> bitFlips(Size size, Path work, Path plain, Random random, PrintStream log) throws IOException {
        SegmentModel m = SegmentModel.read(SegmentModel.newestSegment(plain));
        Map<String, Checker> byField = new LinkedHashMap<>();
        for (String field : List.of("header", "length", "crc", "kind", "flags", "tx id length", "tx id", "payload")) {
            byField.put(field, new Checker("bit flip: " + field, log));
        }
        // the header, as a frame at 0
        flipRange(size, work, plain, m, byField.get("header"), 0, SegmentModel.HEADER_BYTES, 0, 0, random, "header");
        List<Integer> targets = new ArrayList<>();
        if (size == Size.CI) {
            targets.add(0);                                  // the checkpoint
            targets.add(m.frames.size() / 2);               // a record in the middle
            targets.add(m.frames.size() - 1);               // the last record
        } else {
            for (int t = 0; t < m.frames.size(); t++) {
                targets.add(t);
            }
        }
        for (int t : targets) {
            SegmentModel.Frame f = m.frames.get(t);
            String what = f.describe();
            flipRange(size, work, plain, m, byField.get("length"), f.start(), f.start() + 4, f.start(), t, random, what);
            flipRange(size, work, plain, m, byField.get("crc"), f.start() + 4, f.start() + 8, f.start(), t, random, what);
            flipRange(size, work, plain, m, byField.get("kind"), f.start() + 8, f.start() + 9, f.start(), t, random, what);
            flipRange(size, work, plain, m, byField.get("flags"), f.start() + 9, f.start() + 10, f.start(), t, random, what);
            flipRange(size, work, plain, m, byField.get("tx id length"), f.start() + 10, f.start() + 11, f.start(), t,
                    random, what);
            flipRange(size, work, plain, m, byField.get("tx id"), f.txIdStart(), f.payloadStart(), f.start(), t, random,
                    what);
            flipRange(size, work, plain, m, byField.get("payload"), f.payloadStart(), f.end(), f.start(), t, random, what);
        }
        return byField.values().stream().map(Checker::tally).toList();
    }

    /** Flips bits in {@code [from, to)}: every bit (full) or one seeded bit per byte (CI). */
    private void flipRange(Size size, Path work, Path plain, SegmentModel m, Checker c, int from, int to, int frameStart,
                           int frameIndex, Random random, String what) throws IOException {
        for (int pos = from; pos < to; pos++) {
            List<Integer> bits = new ArrayList<>();
            if (size == Size.CI) {
                bits.add(random.nextInt(8));
            } else {
                for (int b = 0; b < 8; b++) {
                    bits.add(b);
                }
            }
            for (int bit : bits) {
                Path copy = copyOf(plain, work, "flip");
                Path seg = copy.resolve(m.file.getFileName());
                try (RandomAccessFile raf = new RandomAccessFile(seg.toFile(), "rw")) {
                    raf.seek(pos);
                    int v = raf.read();
                    raf.seek(pos);
                    raf.write(v ^ (1 << bit));
                }
                c.check(copy, seg, m.stateAfter(frameIndex), frameStart, what + ", bit " + bit + " of byte " + pos);
                deleteTree(copy);
            }
        }
    }

    private Tally truncated(Size size, Path work, Path plain, Path rolled, Random random, PrintStream log)
            throws IOException {
        Checker c = new Checker("truncated segment", log);
        for (Path base : List.of(plain, rolled)) {
            SegmentModel m = SegmentModel.read(SegmentModel.newestSegment(base));
            boolean carried = m.frames.stream().anyMatch(f -> (f.flags() & 1) != 0);
            int checkpointEnd = m.frames.stream().filter(f -> f.kind() == 16).findFirst().orElseThrow().end();
            List<Integer> cuts = new ArrayList<>();
            if (size == Size.CI) {
                for (int i = 0; i < SegmentModel.HEADER_BYTES; i += 7) {
                    cuts.add(i);
                }
                for (SegmentModel.Frame f : m.frames) {
                    cuts.add(f.start());
                }
                for (int i = 0; i < 12; i++) {
                    cuts.add(SegmentModel.HEADER_BYTES + random.nextInt(m.framesEnd() - SegmentModel.HEADER_BYTES));
                }
                cuts.add(m.framesEnd());
            } else {
                for (int i = 0; i <= m.framesEnd(); i++) {
                    cuts.add(i);
                }
            }
            for (int cut : cuts) {
                Path copy = copyOf(base, work, "cut");
                Path seg = copy.resolve(m.file.getFileName());
                try (RandomAccessFile raf = new RandomAccessFile(seg.toFile(), "rw")) {
                    raf.setLength(cut);
                }
                if (carried && cut < checkpointEnd) {
                    // The carried records are decisions written (and acknowledged) before this segment existed, and
                    // the older segment that held them is gone: opening without them would forget decisions.
                    c.mustRefuse(copy, seg, m.frameStartAt(cut), m.file.getFileName() + " (carried block) cut at " + cut);
                } else {
                    c.check(copy, seg, m.stateBefore(cut), m.frameStartAt(cut), m.file.getFileName() + " cut at " + cut);
                }
                deleteTree(copy);
            }
        }
        return c.tally();
    }

    /**
     * Missing segments. The states with more than one segment are the ones a crash leaves: a roll whose new segment
     * is complete but whose old one was not deleted yet. Deleting the old one then is harmless (the new one supersedes
     * it), deleting the new one too (its carried block equals the old one's state). Deleting the only segment cannot be
     * detected by any reader of this format (docs/log-format.md: never delete segment files by hand); it is tried and
     * reported in the log, not counted, see docs/reliability.md.
     */
    private Tally missing(Path work, Path rolled, PrintStream log) throws IOException {
        Checker c = new Checker("missing segment", log);
        SegmentModel newest = SegmentModel.read(SegmentModel.newestSegment(rolled));
        Map<String, List<LogRecord>> full = newest.stateAfter(newest.frames.size());
        // A crash state: segment N-1 holding exactly what N carries, N with its checkpoint and nothing after.
        Path twoSegments = work.resolve("two-segments");
        Files.createDirectories(twoSegments);
        Path segOld;
        Path segNew;
        try (DecisionLog l = DecisionLog.open(twoSegments, CONFIG)) {
            for (Map.Entry<String, List<LogRecord>> e : full.entrySet()) {
                for (LogRecord r : e.getValue()) {
                    l.appendForced(r);
                }
            }
        }
        segOld = SegmentModel.newestSegment(twoSegments);
        // the next segment, as a roll writes it: carried copies + checkpoint, built by the product on a copy
        Path rollCopy = copyOf(twoSegments, work, "roll");
        try (DecisionLog l = DecisionLog.open(rollCopy, new LogConfig(LogConfig.MIN_SEGMENT_BYTES))) {
            // force a roll without changing the pending state: ENDs of transactions that were never decided
            int i = 0;
            while (l.stats().rolls() == 0) {
                if (i > 100_000) {
                    throw new IllegalStateException("campaign bug: the log does not roll on ENDs");
                }
                l.append(LogRecord.end("ghost/" + i));
                i++;
                if (i % 50 == 0) {
                    Thread.onSpinWait();
                }
            }
        }
        segNew = SegmentModel.newestSegment(rollCopy);
        SegmentModel rolledNew = SegmentModel.read(segNew);
        int checkpointEnd = rolledNew.frames.stream().filter(f -> f.kind() == 16).findFirst().orElseThrow().end();
        byte[] newImage = Files.readAllBytes(segNew);
        java.util.Arrays.fill(newImage, checkpointEnd, newImage.length, (byte) 0);
        Files.write(twoSegments.resolve(segNew.getFileName()), newImage);
        deleteTree(rollCopy);
        if (!SegmentModel.read(twoSegments.resolve(segNew.getFileName())).stateAfter(
                SegmentModel.read(twoSegments.resolve(segNew.getFileName())).frames.size()).equals(full)) {
            throw new IllegalStateException("campaign bug: the rolled segment does not carry the old state");
        }
        for (Path gone : List.of(segOld.getFileName(), segNew.getFileName())) {
            Path copy = copyOf(twoSegments, work, "missing");
            Files.delete(copy.resolve(gone));
            Path remaining = SegmentModel.newestSegment(copy);
            c.check(copy, remaining, full, -1, "two segments (crash during a roll), " + gone + " deleted");
            deleteTree(copy);
        }
        // the intact two-segment state itself
        Path copy = copyOf(twoSegments, work, "missing");
        c.check(copy, copy.resolve(segNew.getFileName()), full, -1, "two segments (crash during a roll), none deleted");
        deleteTree(copy);
        // The only segment deleted: reported, not counted (see above).
        copy = copyOf(rolled, work, "missing");
        Files.delete(SegmentModel.newestSegment(copy));
        try (DecisionLog l = DecisionLog.open(copy, CONFIG)) {
            log.println("log-damage: the only segment deleted: opens with " + l.pendingAtOpen().size() + " pending of "
                    + full.size() + " (undetectable in this format; documented limit)");
        } catch (IOException e) {
            log.println("log-damage: the only segment deleted: refused: " + e.getMessage());
        }
        deleteTree(copy);
        return c.tally();
    }

    static Path copyOf(Path dir, Path work, String prefix) throws IOException {
        Path copy = Files.createTempDirectory(work, prefix);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.copy(p, copy.resolve(p.getFileName()));
            }
        }
        return copy;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Opens a damaged copy and judges the outcome; one instance per row. */
    static final class Checker {
        private final String point;
        private final PrintStream log;
        private final List<String> details = new ArrayList<>();
        private long iterations;
        private long opened;
        private long refused;

        Checker(String point, PrintStream log) {
            this.point = point;
            this.log = log;
        }

        /**
         * Either opens with exactly {@code expected} and keeps working, or refuses naming {@code file} and
         * {@code offset} (-1: no refusal is acceptable, the damage is harmless).
         */
        void check(Path dir, Path file, Map<String, List<LogRecord>> expected, int offset, String what) {
            judge(dir, file, expected, offset, what, false);
        }

        /** Must refuse naming {@code file} and {@code offset}: opening would forget or invent decisions. */
        void mustRefuse(Path dir, Path file, int offset, String what) {
            judge(dir, file, null, offset, what, true);
        }

        private void judge(Path dir, Path file, Map<String, List<LogRecord>> expected, int offset, String what,
                           boolean refusalOnly) {
            iterations++;
            String violation = null;
            boolean openedNow = false;
            try (DecisionLog l = DecisionLog.open(dir, CONFIG)) {
                opened++;
                openedNow = true;
                Map<String, List<LogRecord>> pending = l.pendingAtOpen();
                if (refusalOnly) {
                    violation = "opened with " + pending.size() + " pending " + pending.keySet()
                            + " instead of refusing";
                } else if (!pending.equals(expected)) {
                    violation = "opened with pending " + pending.keySet() + ", expected " + expected.keySet()
                            + (pending.keySet().equals(expected.keySet()) ? " (same ids, different records)" : "");
                } else {
                    // keeps working: a new decision is durable across a reopen
                    l.appendForced(LogRecord.decision("after-damage", new byte[] {1, 2, 3}));
                }
            } catch (LogCorruptedException e) {
                refused++;
                String msg = String.valueOf(e.getMessage());
                if (offset < 0) {
                    violation = "refused harmless damage: " + msg;
                } else if (e.file() == null || !e.file().getFileName().equals(file.getFileName())
                        || !msg.contains(file.getFileName().toString())) {
                    violation = "refusal names file " + e.file() + ", expected " + file.getFileName() + ": " + msg;
                } else if (e.offset() != offset || !msg.contains("offset " + offset)) {
                    violation = "refusal names offset " + e.offset() + ", expected " + offset + ": " + msg;
                }
            } catch (Exception | Error e) {
                violation = "unexpected " + e;
            }
            if (violation == null && !refusalOnly && openedNow) {
                violation = reopenCheck(dir, expected);
            }
            if (violation != null) {
                details.add(what + ": " + violation);
                log.println("log-damage VIOLATION " + point + ": " + what + ": " + violation);
            }
        }

        /** After a successful open and one more decision, a reopen must show the expected set plus that decision. */
        private String reopenCheck(Path dir, Map<String, List<LogRecord>> expected) {
            Map<String, List<LogRecord>> want = new LinkedHashMap<>(expected);
            try (DecisionLog l = DecisionLog.open(dir, CONFIG)) {
                want.put("after-damage", List.of(LogRecord.decision("after-damage", new byte[] {1, 2, 3})));
                return l.pendingAtOpen().equals(want) ? null
                        : "after repair and one more decision, reopened with " + l.pendingAtOpen().keySet()
                        + ", expected " + want.keySet();
            } catch (Exception e) {
                return "reopen after repair failed: " + e;
            }
        }

        Tally tally() {
            log.println("log-damage: " + point + ": " + iterations + " cases, " + opened + " opened, " + refused
                    + " refused, " + details.size() + " violations");
            return new Tally(NAME, point, "log", iterations, details.size(), 0, details);
        }
    }
}
