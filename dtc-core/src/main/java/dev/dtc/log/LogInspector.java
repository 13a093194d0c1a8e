package dev.dtc.log;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Prints what a log directory holds, for an operator whose coordinator refused to start:
 * {@code java -cp dtc-core.jar dev.dtc.log.LogInspector <log-directory> [--records]}.
 *
 * <p>First the node the directory belongs to. For each segment: its header, how many frames of each
 * kind, where the intact frames end, and for a damaged frame the records just before it and where the
 * next intact frame starts. Then what start-up would decide, with each pending transaction's records:
 * a decision's branches and the resource each lives in, a heuristic's text. It only reads (and takes
 * no lock), so it can run beside a live coordinator, though the newest segment may then change under it.
 */
public final class LogInspector {

    private static final int CONTEXT_RECORDS = 5;

    private final PrintStream out;
    private final boolean everyRecord;
    private final CRC32C crc = new CRC32C();

    LogInspector(PrintStream out, boolean everyRecord) {
        this.out = out;
        this.everyRecord = everyRecord;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2 || (args.length == 2 && !args[1].equals("--records"))) {
            System.err.println("usage: java -cp dtc-core.jar dev.dtc.log.LogInspector <log-directory> [--records]");
            System.exit(2);
        }
        Path dir = Paths.get(args[0]);
        if (!Files.isDirectory(dir)) {
            System.err.println(dir + " is not a directory");
            System.exit(2);
        }
        new LogInspector(System.out, args.length == 2).inspect(dir);
    }

    /**
     * Prints the report of {@code dir} to {@code out}, as {@link #main} does: for tools that wrap the inspector
     * (dtc-server's {@code dtc-admin inspect-log}).
     *
     * @param everyRecord also list every record of every segment ({@code --records})
     */
    public static void print(Path dir, PrintStream out, boolean everyRecord) throws IOException {
        new LogInspector(out, everyRecord).inspect(dir);
    }

    void inspect(Path dir) throws IOException {
        List<SegmentFile> segments = SegmentFile.list(dir);
        out.println("Decision log " + dir.toAbsolutePath() + ": " + segments.size() + " segment file(s)");
        out.println("Node name: " + nodeName(dir));
        for (SegmentFile segment : segments) {
            inspect(segment);
        }
        out.println();
        out.println("Start-up verdict:");
        try {
            StartupScan.Result scan = StartupScan.scan(dir);
            Map<String, List<LogRecord>> pending = scan.pending().snapshot();
            out.println("  opens; " + pending.size() + " pending transaction(s)"
                    + (scan.tornTail() ? "; a torn final write at offset " + scan.activeValidEnd() + " of "
                    + scan.active().path().getFileName() + " will be cleared" : "")
                    + (scan.interruptedRoll() != null ? "; the interrupted segment "
                    + scan.interruptedRoll().path().getFileName() + " will be dropped" : ""));
            pending.forEach((tx, records) -> {
                out.println("  pending " + tx + ": " + records);
                records.forEach(this::printContent);
            });
        } catch (LogCorruptedException e) {
            out.println("  refuses to start: " + e.getMessage());
        }
    }

    /**
     * The node the directory belongs to, i.e. the nodeName its coordinator must start with. A damaged node file is
     * reported here rather than ending the report.
     */
    private static String nodeName(Path dir) {
        try {
            String name = NodeIdentity.read(dir.resolve(NodeIdentity.FILE_NAME));
            return name == null ? "not recorded (no " + NodeIdentity.FILE_NAME + " yet)" : name;
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    /**
     * What a pending record says: a decision's branches with the resource each lives in (the resources recovery
     * waits for), a heuristic's text. A payload that cannot be decoded is shown as such: this tool must not fail
     * on the logs it exists to examine.
     */
    private void printContent(LogRecord record) {
        if (record.type() == RecordType.HEURISTIC) {
            out.println("    heuristic: " + new String(record.payload(), StandardCharsets.UTF_8));
            return;
        }
        List<DecisionPayload.Branch> branches;
        try {
            branches = DecisionPayload.decode(record.payload());
        } catch (IllegalArgumentException e) {
            out.println("    decision payload of " + record.payload().length + " bytes cannot be decoded: " + e.getMessage());
            return;
        }
        for (DecisionPayload.Branch b : branches) {
            out.println("    branch " + b);
        }
    }

    private void inspect(SegmentFile segment) throws IOException {
        byte[] image = Files.readAllBytes(segment.path());
        out.println();
        out.println(segment.path().getFileName() + " (" + image.length + " bytes)");
        if (image.length < LogFormat.HEADER_BYTES) {
            out.println("  header missing: the file is shorter than the " + LogFormat.HEADER_BYTES + "-byte header");
            return;
        }
        String headerProblem = LogFormat.headerProblem(image, segment.number(), crc);
        if (headerProblem != null) {
            out.println("  header unusable: " + headerProblem);
            return;
        }
        int version = LogFormat.version(image);
        int fillStart = SegmentReader.fillStart(image, LogFormat.zeroFilled(version));
        long[] counts = new long[4]; // carried, checkpoint, records, ends
        Deque<String> recent = new ArrayDeque<>();
        SegmentReader.Outcome outcome = SegmentReader.read(image, LogFormat.HEADER_BYTES, fillStart,
                (offset, end, kind, flags, txId, payload) -> {
                    String line = describe(offset, kind, flags, txId, payload);
                    if (everyRecord) {
                        out.println("  " + line);
                    }
                    recent.addLast(line);
                    if (recent.size() > CONTEXT_RECORDS) {
                        recent.removeFirst();
                    }
                    if (kind == LogFormat.KIND_CHECKPOINT) {
                        counts[1]++;
                    } else if ((flags & LogFormat.FLAG_CARRIED) != 0) {
                        counts[0]++;
                    } else {
                        counts[kind == RecordType.END.code() ? 3 : 2]++;
                    }
                }, crc);
        out.println("  format version " + version + "; " + counts[0] + " carried, " + counts[1] + " checkpoint, "
                + counts[2] + " DECISION/HEURISTIC, " + counts[3] + " END; intact frames end at offset "
                + outcome.validEnd() + (LogFormat.zeroFilled(version)
                ? "; zero fill (unused, preallocated) from offset " + Math.max(fillStart, outcome.validEnd()) : ""));
        SegmentReader.Damage damage = outcome.damage();
        if (damage != null) {
            out.println("  BAD FRAME at offset " + damage.offset() + " (" + (fillStart - damage.offset())
                    + " bytes before " + (fillStart < image.length ? "the zero fill" : "the end of the file") + "): "
                    + damage.reason());
            out.println("  the last intact frames before it:");
            recent.forEach(line -> out.println("    " + line));
            if (!damage.validFrameFollows()) {
                out.println("  no intact frame after it (a torn final write, if this is the newest segment)");
            }
            listIntactFramesAfter(image, fillStart, damage);
        }
    }

    /** What an operator must not lose when cutting a segment at the damage: every intact frame after it. */
    private void listIntactFramesAfter(byte[] image, int fillStart, SegmentReader.Damage damage)
            throws LogCorruptedException {
        while (damage != null && damage.validFrameFollows()) {
            out.println("  intact frames from offset " + damage.nextIntactFrame() + ":");
            damage = SegmentReader.read(image, damage.nextIntactFrame(), fillStart,
                    (offset, end, kind, flags, txId, payload) -> out.println("    "
                            + describe(offset, kind, flags, txId, payload) + " " + preview(payload)), crc).damage();
            if (damage != null) {
                out.println("  BAD FRAME at offset " + damage.offset() + ": " + damage.reason());
            }
        }
    }

    /** The payload belongs to the engine; show its printable characters so an operator can recognise branch names. */
    private static String preview(byte[] payload) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < Math.min(payload.length, 160); i++) {
            int b = payload[i] & 0xFF;
            sb.append(b >= 0x20 && b < 0x7F ? (char) b : '.');
        }
        return sb.append(payload.length > 160 ? "...\"" : "\"").toString();
    }

    private static String describe(int offset, byte kind, byte flags, String txId, byte[] payload) {
        if (kind == LogFormat.KIND_CHECKPOINT) {
            return "@" + offset + " CHECKPOINT after " + LogFormat.intAt(payload, 0) + " carried record(s)";
        }
        return "@" + offset + " " + RecordType.ofCode(kind) + ((flags & LogFormat.FLAG_CARRIED) != 0 ? " (carried)" : "")
                + " " + txId + " payload " + payload.length + " bytes";
    }
}
