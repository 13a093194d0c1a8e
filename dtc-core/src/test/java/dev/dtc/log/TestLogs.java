package dev.dtc.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/** Small helpers shared by the log tests. */
final class TestLogs {

    /** Segments small enough that a few dozen records roll the log. */
    static final LogConfig SMALL_SEGMENTS = new LogConfig(LogConfig.MIN_SEGMENT_BYTES);

    private TestLogs() {
    }

    static byte[] payloadOf(String txId) {
        return ("branches of " + txId).getBytes(StandardCharsets.US_ASCII);
    }

    static LogRecord decision(String txId) {
        return LogRecord.decision(txId, payloadOf(txId));
    }

    static List<Path> segmentFiles(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        for (SegmentFile f : SegmentFile.list(dir)) {
            files.add(f.path());
        }
        return files;
    }

    static Path onlySegment(Path dir) throws IOException {
        List<Path> files = segmentFiles(dir);
        if (files.size() != 1) {
            throw new AssertionError("expected one segment file in " + dir + ", found " + files);
        }
        return files.get(0);
    }

    /** Starts {@code main} of a test class in a new JVM with this JVM's class path, output to {@code output}. */
    static Process startJava(Class<?> main, Path output, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }
}
