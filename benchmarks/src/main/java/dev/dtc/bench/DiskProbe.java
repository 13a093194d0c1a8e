package dev.dtc.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;

/**
 * Measures what one forced log write costs on the disk under the work directory, right before
 * the configurations run, because every number in the table is bounded by it: a single
 * thread cannot commit faster than one force per decision, and this disk (a shared virtual
 * disk here) varies from hour to hour.
 *
 * <p>Two shapes: a 256-byte append to a growing file (each force also commits the new file
 * size) and a 256-byte overwrite inside a preallocated file (a force of data only), which is
 * what a log that preallocates its segments pays.
 */
final class DiskProbe {

    private static final int WRITES = 1000;
    private static final int RECORD = 256;

    private DiskProbe() {
    }

    static String measure(Path workDirectory) throws IOException {
        Path directory = Files.createTempDirectory(workDirectory, "dtc-bench-disk-probe-");
        try {
            double append = medianMicros(directory.resolve("append"), false);
            double overwrite = medianMicros(directory.resolve("preallocated"), true);
            return String.format(Locale.ROOT,
                    "disk, median of %d: 256-byte append + force %.0f µs; 256-byte write into a preallocated file + force %.0f µs",
                    WRITES, append, overwrite);
        } finally {
            try (var files = Files.list(directory)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Files.delete(file);
                }
            }
            Files.delete(directory);
        }
    }

    private static double medianMicros(Path file, boolean preallocate) throws IOException {
        long[] nanos = new long[WRITES];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            if (preallocate) {
                ByteBuffer zeros = ByteBuffer.allocate(WRITES * RECORD);
                while (zeros.hasRemaining()) {
                    channel.write(zeros);
                }
                channel.force(true);
            }
            ByteBuffer record = ByteBuffer.allocate(RECORD);
            for (int i = 0; i < WRITES; i++) {
                record.clear();
                long start = System.nanoTime();
                channel.write(record, (long) i * RECORD);
                channel.force(false);
                nanos[i] = System.nanoTime() - start;
            }
        }
        Arrays.sort(nanos);
        return nanos[WRITES / 2] / 1e3;
    }
}
