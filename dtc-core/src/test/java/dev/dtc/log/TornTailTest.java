package dev.dtc.log;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.dtc.log.TestLogs.decision;
import static org.assertj.core.api.Assertions.assertThat;

/** A torn final write was never acknowledged: start-up cuts it off and appends continue after the valid data. */
class TornTailTest {

    @TempDir
    Path dir;

    private Path segmentWithFiveDecisions() throws IOException {
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            for (int i = 1; i <= 5; i++) {
                log.appendForced(decision("tx-" + i));
            }
        }
        return TestLogs.onlySegment(dir);
    }

    /**
     * The torn bytes are cleared to zeros (the file keeps its preallocated size), tx-5 is gone, and a
     * new record lands where the valid data ended and reads back after a restart.
     */
    private void assertTornTailDroppedAndAppendsContinue(Path segment, long validEnd) throws IOException {
        long size = Files.size(segment);
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(log.pendingAtOpen().keySet()).containsExactly("tx-1", "tx-2", "tx-3", "tx-4");
            assertThat(Files.size(segment)).as("the preallocated size is kept").isEqualTo(size);
            assertThat(TestLogs.zerosFrom(segment, validEnd)).as("the torn bytes are zeros again").isTrue();
            log.appendForced(decision("tx-6"));
        }
        assertThat(TestLogs.dataEnd(segment)).isEqualTo(validEnd + LogFormat.frameBytes(decision("tx-6")));
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(log.pendingAtOpen().keySet()).containsExactly("tx-1", "tx-2", "tx-3", "tx-4", "tx-6");
            assertThat(log.pendingAtOpen().get("tx-6")).containsExactly(decision("tx-6"));
        }
    }

    @Test
    void aFinalRecordCutInItsPayloadIsDropped() throws IOException {
        // In a preallocated segment a write cut short leaves the zeros that were there before it.
        Path segment = segmentWithFiveDecisions();
        long end = TestLogs.dataEnd(segment);
        long validEnd = end - LogFormat.frameBytes(decision("tx-5"));
        TestLogs.zero(segment, end - 5, end);
        assertTornTailDroppedAndAppendsContinue(segment, validEnd);
    }

    @Test
    void aFinalRecordCutInsideItsLengthAndChecksumIsDropped() throws IOException {
        Path segment = segmentWithFiveDecisions();
        long end = TestLogs.dataEnd(segment);
        long validEnd = end - LogFormat.frameBytes(decision("tx-5"));
        TestLogs.zero(segment, validEnd + 3, end);
        assertTornTailDroppedAndAppendsContinue(segment, validEnd);
    }

    @Test
    void aFinalRecordWithABadChecksumIsDropped() throws IOException {
        Path segment = segmentWithFiveDecisions();
        long end = TestLogs.dataEnd(segment);
        long validEnd = end - LogFormat.frameBytes(decision("tx-5"));
        flipByte(segment, end - 1);
        assertTornTailDroppedAndAppendsContinue(segment, validEnd);
    }

    @Test
    void aFullRecordFollowedByGarbageKeepsTheRecordAndDropsTheGarbage() throws IOException {
        Path segment = segmentWithFiveDecisions();
        long validEnd = TestLogs.dataEnd(segment);
        long size = Files.size(segment);
        byte[] garbage = new byte[777];
        new Random(42).nextBytes(garbage);
        TestLogs.writeAt(segment, validEnd, garbage);
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(log.pendingAtOpen()).hasSize(5);
            assertThat(Files.size(segment)).isEqualTo(size);
            assertThat(TestLogs.zerosFrom(segment, validEnd)).isTrue();
            log.appendForced(decision("tx-6"));
        }
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(log.pendingAtOpen()).hasSize(6).containsKey("tx-6");
        }
    }

    @Test
    void aCutRecordFollowedByGarbageIsDropped() throws IOException {
        Path segment = segmentWithFiveDecisions();
        long end = TestLogs.dataEnd(segment);
        long validEnd = end - LogFormat.frameBytes(decision("tx-5"));
        byte[] garbage = new byte[300];
        new Random(7).nextBytes(garbage);
        TestLogs.writeAt(segment, end - 7, garbage);
        assertTornTailDroppedAndAppendsContinue(segment, validEnd);
    }

    @Test
    void theZerosAfterTheRecordsAreUnusedSpaceAndStartUpLeavesThemAlone() throws IOException {
        Path segment = segmentWithFiveDecisions();
        byte[] before = Files.readAllBytes(segment);
        assertThat(before.length).as("preallocated to the segment size").isGreaterThan((int) LogConfig.DEFAULT_SEGMENT_BYTES);
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(log.pendingAtOpen()).hasSize(5);
        }
        assertThat(Files.readAllBytes(segment)).as("nothing to repair").isEqualTo(before);
    }

    @Test
    void zerosBeyondThePreallocatedSizeAreUnusedSpaceToo() throws IOException {
        // What a file system may show after a power loss in a segment that had grown past its
        // preallocated size: the size grew, the data never arrived.
        Path segment = segmentWithFiveDecisions();
        Files.write(segment, new byte[8192], StandardOpenOption.APPEND);
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(log.pendingAtOpen()).hasSize(5);
            log.appendForced(decision("tx-6"));
        }
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(log.pendingAtOpen()).hasSize(6);
        }
    }

    @Test
    void aSegmentWhoseStartWasInterruptedIsDroppedAndTheOlderOneStillCounts() throws IOException {
        Path first = segmentWithFiveDecisions();
        // The crash came while segment 2 was being started: header and one carried record, no checkpoint.
        Path second = dir.resolve("dtc-00000002.log");
        Files.write(second, SegmentImages.segment(2).carried(decision("tx-1")).bytes());

        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(log.pendingAtOpen()).hasSize(5);
            assertThat(second).doesNotExist();
            log.append(LogRecord.end("tx-1"));
        }
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(log.pendingAtOpen().keySet()).containsExactly("tx-2", "tx-3", "tx-4", "tx-5");
            assertThat(TestLogs.segmentFiles(dir)).containsExactly(first);
        }
    }

    @Test
    void anInterruptedSegmentStartWithAHoleInItsCarriedBlockIsDropped() throws IOException {
        // Power loss during the unforced write of the carried block: a later sector reached the disk, an earlier one did not.
        segmentWithFiveDecisions();
        byte[] second = SegmentImages.segment(2).carried(decision("tx-1")).carried(decision("tx-2"))
                .carried(decision("tx-3")).bytes();
        int hole = LogFormat.HEADER_BYTES + LogFormat.frameBytes(decision("tx-1"));
        java.util.Arrays.fill(second, hole, hole + LogFormat.frameBytes(decision("tx-2")), (byte) 0);
        Files.write(dir.resolve("dtc-00000002.log"), second);

        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(log.pendingAtOpen()).hasSize(5);
            assertThat(dir.resolve("dtc-00000002.log")).doesNotExist();
        }
    }

    @Test
    void aSegmentWithATornHeaderIsDropped() throws IOException {
        segmentWithFiveDecisions();
        Path second = dir.resolve("dtc-00000002.log");
        Files.write(second, new byte[] {'D', 'T', 'C'});
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(log.pendingAtOpen()).hasSize(5);
            assertThat(second).doesNotExist();
        }
    }

    @Test
    void aCompleteNewerSegmentSupersedesTheOlderOneWhichIsThenDeleted() throws IOException {
        // The crash came after segment 2 was durable but before segment 1 was deleted.
        Path first = segmentWithFiveDecisions();
        SegmentImages second = SegmentImages.segment(2);
        for (int i = 1; i <= 5; i++) {
            second.carried(decision("tx-" + i));
        }
        Files.write(dir.resolve("dtc-00000002.log"), second.checkpoint(5).record(LogRecord.end("tx-3")).bytes());
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(log.pendingAtOpen().keySet()).containsExactly("tx-1", "tx-2", "tx-4", "tx-5");
            assertThat(first).doesNotExist();
            assertThat(log.stats().liveSegments()).isEqualTo(1);
        }
    }

    static void flipByte(Path file, long offset) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0x5A);
        }
    }
}
