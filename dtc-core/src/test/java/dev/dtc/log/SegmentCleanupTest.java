package dev.dtc.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.dtc.log.TestLogs.SMALL_SEGMENTS;
import static dev.dtc.log.TestLogs.decision;
import static org.assertj.core.api.Assertions.assertThat;

/** Old segments go away once their pending records are copied forward; pending ones survive, ended ones stay ended. */
class SegmentCleanupTest {

    private static final int FORCE_EVERY = 10;

    @TempDir
    Path dir;

    @Test
    void manyFinishedTransactionsLeaveOneSmallSegmentAndThePendingOnesSurviveRestart() throws IOException {
        Map<String, List<LogRecord>> expected = new LinkedHashMap<>();
        long rolls;
        long appended = 0;
        long largestTransaction = 0;
        try (DecisionLog log = DecisionLog.open(dir, SMALL_SEGMENTS)) {
            for (int i = 0; i < 3000; i++) {
                String tx = "tx-" + i;
                long bytes = LogFormat.frameBytes(decision(tx));
                if (i % 500 == 7) {
                    log.appendForced(decision(tx));
                    expected.put(tx, new ArrayList<>(List.of(decision(tx))));
                } else {
                    // Clean-up does not depend on forcing; skipping most forces keeps the test quick.
                    log.append(decision(tx));
                    if (i % FORCE_EVERY == 0) {
                        // Bounds what one write can carry, so the number of rolls does not depend on how
                        // long the flusher's writes take on a busy machine.
                        log.appendForced(LogRecord.end(tx));
                    } else {
                        log.append(LogRecord.end(tx));
                    }
                    bytes += LogFormat.frameBytes(LogRecord.end(tx));
                }
                appended += bytes;
                largestTransaction = Math.max(largestTransaction, bytes);
                if (i == 1600) {
                    LogRecord heuristic = LogRecord.heuristic("tx-7", "mixed".getBytes());
                    log.appendForced(heuristic);
                    expected.get("tx-7").add(heuristic);
                }
                assertThat(TestLogs.segmentFiles(dir).size()).as("segment files after tx %d", i).isLessThanOrEqualTo(2);
            }
            log.close(); // writes the ENDs still held back for a forced append to carry
            LogStats stats = log.stats();
            rolls = stats.rolls();
            // A segment takes fewer than segmentBytes before its last write, and one write carries at most
            // FORCE_EVERY transactions (and the heuristic record).
            long mostPerSegment = SMALL_SEGMENTS.segmentBytes() + (FORCE_EVERY + 1) * largestTransaction;
            assertThat(rolls).isGreaterThanOrEqualTo(appended / mostPerSegment - 1).isGreaterThan(50);
            assertThat(stats.segmentsDeleted()).isEqualTo(rolls);
            assertThat(stats.liveSegments()).isEqualTo(1);
            assertThat(stats.pendingTransactions()).isEqualTo(6);
        }
        List<Path> files = TestLogs.segmentFiles(dir);
        assertThat(files).hasSize(1);
        assertThat(files.get(0).getFileName().toString()).isEqualTo(String.format("dtc-%08d.log", rolls + 1));
        assertThat((long) TestLogs.dataEnd(files.get(0))).isLessThan(2 * SMALL_SEGMENTS.segmentBytes());
        assertThat(Files.size(files.get(0))).as("preallocated to the segment size, in whole 4 KiB blocks")
                .isLessThanOrEqualTo(4096);

        try (DecisionLog log = DecisionLog.open(dir, SMALL_SEGMENTS)) {
            assertThat(log.pendingAtOpen()).isEqualTo(expected);
        }
    }

    @Test
    void aTransactionEndedAfterItsDecisionWasCarriedForwardStaysEnded() throws IOException {
        try (DecisionLog log = DecisionLog.open(dir, SMALL_SEGMENTS)) {
            log.appendForced(decision("long-running"));
            log.appendForced(decision("ended-right-after-a-roll"));
            finishedTransactions(log, "a", 200);
            log.append(LogRecord.end("long-running"));
            finishedTransactions(log, "b", 200);
            // This END lands right after the checkpoint that still carries the decision.
            long rolls = log.stats().rolls();
            for (int i = 0; log.stats().rolls() == rolls; i++) {
                log.appendForced(decision("c-" + i));
                log.append(LogRecord.end("c-" + i));
            }
            log.append(LogRecord.end("ended-right-after-a-roll"));
        }
        try (DecisionLog log = DecisionLog.open(dir, SMALL_SEGMENTS)) {
            assertThat(log.pendingAtOpen()).isEmpty();
        }
    }

    @Test
    void aLongPendingTransactionDoesNotPinTheSegmentItWasWrittenTo() throws IOException {
        try (DecisionLog log = DecisionLog.open(dir, SMALL_SEGMENTS)) {
            log.appendForced(decision("stuck"));
            finishedTransactions(log, "f", 500);
            assertThat(dir.resolve("dtc-00000001.log")).doesNotExist();
            assertThat(TestLogs.segmentFiles(dir)).hasSize(1);
        }
        try (DecisionLog log = DecisionLog.open(dir, SMALL_SEGMENTS)) {
            assertThat(log.pendingAtOpen().keySet()).containsExactly("stuck");
        }
    }

    @Test
    void manyPendingRecordsLargerThanASegmentDoNotMakeTheLogRollOnEveryWrite() throws IOException {
        long appended = 0;
        try (DecisionLog log = DecisionLog.open(dir, SMALL_SEGMENTS)) {
            for (int i = 0; i < 50; i++) {
                LogRecord r = LogRecord.decision("pending-" + i, new byte[100]);
                log.appendForced(r);
                appended += LogFormat.frameBytes(r);
            }
            for (int i = 0; i < 300; i++) {
                LogRecord d = decision("f-" + i);
                log.appendForced(d);
                log.append(LogRecord.end("f-" + i));
                appended += LogFormat.frameBytes(d) + LogFormat.frameBytes(LogRecord.end("f-" + i));
            }
            // The carried block (about 6 KiB) exceeds segmentBytes (1 KiB); rolls are still paced by new bytes only.
            assertThat(log.stats().rolls()).isLessThanOrEqualTo(appended / SMALL_SEGMENTS.segmentBytes() + 1);
        }
        try (DecisionLog log = DecisionLog.open(dir, SMALL_SEGMENTS)) {
            assertThat(log.pendingAtOpen()).hasSize(50);
            assertThat(log.pendingAtOpen().get("pending-49").get(0).payload()).hasSize(100);
        }
    }

    private static void finishedTransactions(DecisionLog log, String prefix, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            log.append(decision(prefix + "-" + i));
            log.append(LogRecord.end(prefix + "-" + i));
        }
    }
}
