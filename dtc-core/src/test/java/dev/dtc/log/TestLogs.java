package dev.dtc.log;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

    /** Where a preallocated segment's records end: the zero fill begins there (the test records never end in a zero byte). */
    static int dataEnd(Path segment) throws IOException {
        return SegmentReader.fillStart(Files.readAllBytes(segment), true);
    }

    /** Overwrites bytes in place, as a torn or stray write into preallocated space would. */
    static void writeAt(Path file, long offset, byte[] bytes) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            raf.write(bytes);
        }
    }

    /** Zeros {@code [from, to)}: what a write that never reached the disk leaves in a preallocated segment. */
    static void zero(Path file, long from, long to) throws IOException {
        writeAt(file, from, new byte[(int) (to - from)]);
    }

    /** Whether every byte from {@code from} to the end of the file is zero. */
    static boolean zerosFrom(Path file, long from) throws IOException {
        byte[] image = Files.readAllBytes(file);
        for (int i = (int) from; i < image.length; i++) {
            if (image[i] != 0) {
                return false;
            }
        }
        return true;
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
