package dev.dtc.bench.remote;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time the whole machine spent busy (not idle, not waiting for I/O), from the first line of {@code /proc/stat}:
 * beside the CPU of the processes the benchmark knows, it shows how much of the cores something else took during a
 * window, e.g. another build on the same machine.
 */
final class MachineCpu {

    private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ

    private MachineCpu() {
    }

    /** Busy nanoseconds summed over all cores since boot, or -1 if /proc/stat cannot be read. */
    static long busyNanos() {
        try {
            String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = cpu.trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            long busy = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy * NANOS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
