package dev.dtc.bench.remote;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time of the PostgreSQL server on this machine: every process named {@code postgres} (the postmaster, its
 * backends, the WAL writer, the checkpointer...), read from {@code /proc/PID/stat}. A backend is a process of its own,
 * so the JVM's view of one process cannot see it; and what the store costs the database is what tells how many
 * coordinators one PostgreSQL can serve.
 *
 * <p>Two samples are compared pid by pid: a process born in between counts whole, one that ended in between is lost
 * (the coordinators' pooled connections live through a window, so their backends do too). The whole server is
 * counted, whoever it works for: on a machine where other sessions use the same PostgreSQL, the figure includes them.
 */
final class PostgresCpu {

    /** /proc reports utime and stime in USER_HZ ticks, 100 per second on Linux whatever the kernel's HZ. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private PostgresCpu() {
    }

    /** Ticks used so far by each postgres process, by pid; empty where /proc cannot be read (not Linux). */
    static Map<Long, Long> sample() {
        Map<Long, Long> ticks = new HashMap<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                String stat;
                try {
                    stat = Files.readString(proc.resolve("stat"));
                } catch (IOException | RuntimeException e) {
                    continue; // ended meanwhile, or not ours to read
                }
                // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                if (open < 0 || close < open || !"postgres".equals(stat.substring(open + 1, close))) {
                    continue;
                }
                String[] fields = stat.substring(close + 2).split(" ");
                // fields[0] is the state (field 3); utime and stime are fields 14 and 15
                ticks.put(Long.parseLong(proc.getFileName().toString()),
                        Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return ticks;
    }

    /** CPU nanoseconds the postgres processes used between two samples, or -1 if there is none to compare. */
    static long nanosBetween(Map<Long, Long> before, Map<Long, Long> after) {
        return nanosBetween(before, after, null);
    }

    /** The same for the processes in {@code only} (null: all), e.g. the backends of one database's sessions. */
    static long nanosBetween(Map<Long, Long> before, Map<Long, Long> after, java.util.Set<Long> only) {
        if (before.isEmpty() || after.isEmpty()) {
            return -1;
        }
        long ticks = 0;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            if (only == null || only.contains(e.getKey())) {
                ticks += Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0L));
            }
        }
        return ticks * NANOS_PER_TICK;
    }
}
