package dev.dtc.log;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Random;

/**
 * What one forced 256-byte append costs on a disk, three ways, interleaved in blocks of 100 so a
 * shared disk's drift hits all of them alike. A measuring tool, not a test:
 *
 * <ul>
 * <li>{@code grow + fsync}: append to a growing file, {@code FileDescriptor.sync()} (what format 1 did);</li>
 * <li>{@code prealloc + fsync}: write over zeros in a preallocated file, {@code FileDescriptor.sync()}
 *     (what the log does);</li>
 * <li>{@code prealloc + fdatasync}: the same with {@code FileChannel.force(false)}.</li>
 * </ul>
 *
 * <pre>
 * ./mvnw -q -pl dtc-core test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.dtc.log.ForceCost -Dexec.args="target/force-cost 20"
 * </pre>
 * Arguments: directory (on the disk to measure; default target/force-cost), rounds of 100 forces
 * per way (default 20).
 */
public final class ForceCost {

    private static final int PER_BLOCK = 100;
    private static final String[] WAYS = {"grow + fsync", "prealloc + fsync", "prealloc + fdatasync"};

    private ForceCost() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Paths.get(args.length > 0 ? args[0] : "target/force-cost");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Files.createDirectories(dir);
        byte[] record = new byte[256];
        new Random(1).nextBytes(record);
        long[][] nanos = new long[WAYS.length][rounds * PER_BLOCK];
        RandomAccessFile[] files = new RandomAccessFile[WAYS.length];
        try {
            for (int w = 0; w < WAYS.length; w++) {
                Path file = dir.resolve("way-" + w + ".dat");
                Files.deleteIfExists(file);
                files[w] = new RandomAccessFile(file.toFile(), "rw");
                if (w > 0) {
                    SpareSegment.writeZeros(files[w], 0, (long) rounds * PER_BLOCK * record.length + 4096);
                    files[w].getFD().sync();
                    files[w].seek(0);
                }
            }
            for (int r = 0; r < rounds; r++) {
                for (int w = 0; w < WAYS.length; w++) {
                    RandomAccessFile raf = files[w];
                    FileChannel channel = raf.getChannel();
                    for (int i = 0; i < PER_BLOCK; i++) {
                        long started = System.nanoTime();
                        raf.write(record);
                        if (w == 2) {
                            channel.force(false);
                        } else {
                            raf.getFD().sync();
                        }
                        nanos[w][r * PER_BLOCK + i] = System.nanoTime() - started;
                    }
                }
            }
        } finally {
            for (int w = 0; w < WAYS.length; w++) {
                if (files[w] != null) {
                    files[w].close();
                    Files.deleteIfExists(dir.resolve("way-" + w + ".dat"));
                }
            }
        }
        System.out.printf("%-22s %8s %8s %8s%n", "256-byte write + force", "p50", "p90", "mean");
        for (int w = 0; w < WAYS.length; w++) {
            long[] sorted = nanos[w].clone();
            Arrays.sort(sorted);
            System.out.printf("%-22s %5d µs %5d µs %5d µs%n", WAYS[w], sorted[sorted.length / 2] / 1000,
                    sorted[sorted.length * 9 / 10] / 1000, Arrays.stream(sorted).sum() / sorted.length / 1000);
        }
    }
}
