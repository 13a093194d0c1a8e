package dev.dtc.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.dtc.log.TestLogs.decision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * END records are not forced and do not start a write of their own: they ride with the next forced
 * append, and reach the file anyway when none follows. They never land before their DECISION.
 */
class UnforcedAppendTest {

    private static final long ONE_HOUR = TimeUnit.HOURS.toNanos(1);

    @TempDir
    Path dir;

    /** What start-up would find in the files now; reads without the lock and changes nothing. */
    private Set<String> pendingInFiles() throws IOException {
        return StartupScan.scan(dir).pending().snapshot().keySet();
    }

    @Test
    void anEndRidesWithTheNextForcedAppendInTheSameWriteAndForce() throws IOException {
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults(), ONE_HOUR)) {
            LogStats start = log.stats();
            log.appendForced(decision("tx-1"));
            log.append(LogRecord.end("tx-1"));

            LogStats afterEnd = log.stats();
            assertThat(afterEnd.writes() - start.writes()).as("the END is held back").isEqualTo(1);
            assertThat(pendingInFiles()).containsExactly("tx-1");

            log.appendForced(decision("tx-2"));

            LogStats afterNext = log.stats();
            assertThat(afterNext.writes() - afterEnd.writes()).as("one write for the END and the next decision").isEqualTo(1);
            assertThat(afterNext.forces() - afterEnd.forces()).isEqualTo(1);
            assertThat(afterNext.recordsWritten() - start.recordsWritten()).isEqualTo(3);
            assertThat(pendingInFiles()).containsExactly("tx-2");
        }
    }

    @Test
    void anEndReachesTheFileWithinMillisecondsWhenNoForcedAppendFollows() throws IOException {
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            log.appendForced(decision("tx-1"));
            LogStats decided = log.stats();
            log.append(LogRecord.end("tx-1"));

            // The default delay is a few milliseconds; the bound here only keeps a slow machine from failing the test.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                    .until(() -> pendingInFiles().isEmpty());

            LogStats ended = log.stats();
            assertThat(ended.writes() - decided.writes()).isEqualTo(1);
            assertThat(ended.forces()).as("written, not forced: a lost END only repeats recovery work")
                    .isEqualTo(decided.forces());
        }
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(log.pendingAtOpen()).isEmpty();
        }
    }

    @Test
    void heldBackRecordsAreWrittenOnceTheyFillTheirShareOfASegment() throws IOException {
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults(), ONE_HOUR)) {
            int bytes = 0;
            int records = 0;
            while (bytes < 200 * 1024) {
                LogRecord end = LogRecord.end("tx-" + records);
                log.append(end);
                bytes += LogFormat.frameBytes(end);
                records++;
            }
            LogStats stats = log.stats();
            assertThat(stats.writes()).as("written by the appenders, 64 KiB at a time").isBetween(3L, 4L);
            assertThat(stats.recordsWritten()).isGreaterThan(records * 3L / 4);
            assertThat(stats.forces()).as("none of them forced, beyond creating the segment").isEqualTo(1);
        }
    }

    @Test
    void theFlusherThreadEndsAtClose() throws IOException {
        DecisionLog log = DecisionLog.open(dir, LogConfig.defaults());
        String name = "dtc-log-flusher " + log.directory();
        assertThat(threadsNamed(name)).hasSize(1);
        log.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> threadsNamed(name).isEmpty());
    }

    private static List<Thread> threadsNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name) && t.isAlive()).toList();
    }

    /**
     * Decisions from several threads; their ENDs appended by other threads once the decisions
     * returned, as the engine's commit completions do, with pauses so that some wait for the
     * flusher and some ride with forced appends. In the file every END must follow its DECISION.
     */
    @Test
    void anEndIsNeverWrittenBeforeItsDecision() throws Exception {
        int deciders = 4;
        int perDecider = 300;
        BlockingQueue<String> decided = new LinkedBlockingQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(deciders + 2);
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults(), TimeUnit.MICROSECONDS.toNanos(200))) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < deciders; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perDecider; i++) {
                        String tx = "t" + thread + "-" + i;
                        log.appendForced(decision(tx));
                        decided.add(tx);
                        if (i % 50 == 0) {
                            Thread.sleep(2);
                        }
                    }
                    return null;
                }));
            }
            for (int e = 0; e < 2; e++) {
                futures.add(pool.submit(() -> {
                    for (int n = 0; n < deciders * perDecider / 2; n++) {
                        String tx = decided.poll(5, TimeUnit.MINUTES);
                        log.append(LogRecord.end(tx));
                        if (ThreadLocalRandom.current().nextInt(100) == 0) {
                            Thread.sleep(1);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        Map<String, Integer> decisionAt = new HashMap<>();
        Map<String, Integer> endAt = new HashMap<>();
        byte[] image = Files.readAllBytes(TestLogs.onlySegment(dir));
        SegmentReader.Outcome outcome = SegmentReader.read(image, LogFormat.HEADER_BYTES,
                SegmentReader.fillStart(image, true), (offset, end, kind, flags, txId, payload) -> {
                    if (kind == RecordType.DECISION.code()) {
                        decisionAt.put(txId, offset);
                    } else if (kind == RecordType.END.code()) {
                        endAt.put(txId, offset);
                    }
                }, new CRC32C());
        assertThat(outcome.damage()).isNull();
        assertThat(endAt).hasSize(deciders * perDecider);
        endAt.forEach((tx, offset) -> assertThat(decisionAt.get(tx)).as("DECISION of %s before its END", tx).isLessThan(offset));
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(log.pendingAtOpen()).isEmpty();
        }
    }
}
