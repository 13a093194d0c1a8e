package dev.dtc.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * A throughput check of forced appends, not a test (timings do not belong in tests on a shared
 * two-core machine). Each thread loops: force a 200-byte DECISION, then append its END unforced,
 * as the 2PC engine does.
 *
 * <pre>
 * ./mvnw -q -pl dtc-core test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.dtc.log.LogThroughput -Dexec.args="target/log-throughput 5 1,8,64"
 * </pre>
 * Arguments: directory (on the disk to measure; default target/log-throughput), seconds per run
 * (default 5), thread counts (default 1,8,64). Each run starts on a fresh log, after one second of
 * warm-up; "writes per force" counts the write calls, so 1.0 means each END rode with a forced batch.
 */
public final class LogThroughput {

    private LogThroughput() {
    }

    public static void main(String[] args) throws Exception {
        Path base = Paths.get(args.length > 0 ? args[0] : "target/log-throughput");
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String[] threadCounts = (args.length > 2 ? args[2] : "1,8,64").split(",");
        byte[] payload = new byte[200];
        System.out.printf("%-8s %14s %10s %18s %17s %14s%n", "threads", "forced rec/s", "forces/s", "records per force",
                "writes per force", "mean latency");
        for (String t : threadCounts) {
            int threads = Integer.parseInt(t.trim());
            Path dir = base.resolve("threads-" + threads);
            deleteRecursively(dir);
            try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
                run(log, threads, 1, payload); // warm-up
                LogStats before = log.stats();
                long started = System.nanoTime();
                long forced = run(log, threads, seconds, payload);
                double elapsed = (System.nanoTime() - started) / 1e9;
                LogStats after = log.stats();
                long forces = after.forces() - before.forces();
                long writes = after.writes() - before.writes();
                System.out.printf("%-8d %14.0f %10.0f %18.1f %17.2f %11.0f µs%n", threads, forced / elapsed,
                        forces / elapsed, (double) forced / forces, (double) writes / forces,
                        elapsed * 1e6 * threads / forced);
            }
            deleteRecursively(dir);
        }
    }

    private static long run(DecisionLog log, int threads, int seconds, byte[] payload) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder forced = new LongAdder();
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            String prefix = "t" + t + "-";
            Thread thread = new Thread(() -> {
                try {
                    for (long i = 0; !stop.get(); i++) {
                        String tx = prefix + i;
                        log.appendForced(LogRecord.decision(tx, payload));
                        forced.increment();
                        log.append(LogRecord.end(tx));
                    }
                } catch (IOException e) {
                    e.printStackTrace();
                } finally {
                    done.countDown();
                }
            });
            thread.start();
        }
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        done.await();
        return forced.sum();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
