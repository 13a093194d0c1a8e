package dev.dtc.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.dtc.log.TestLogs.SMALL_SEGMENTS;
import static dev.dtc.log.TestLogs.decision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * Segments are zero-filled to their full size when created; the records end where the zeros
 * begin. Zeros are only the end when nothing but zeros follows: a hole with anything after it is a
 * torn write in the newest segment, or damage.
 */
class PreallocatedSegmentTest {

    @TempDir
    Path dir;

    private Path segmentWithNineDecisions() throws IOException {
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            for (int i = 1; i <= 9; i++) {
                log.appendForced(decision("tx-" + i));
            }
        }
        return TestLogs.onlySegment(dir);
    }

    /** Offset of tx-{@code n}'s frame in a segment of nine decisions appended in order after the first checkpoint. */
    private static long frameStart(int n) {
        long offset = LogFormat.HEADER_BYTES + LogFormat.CHECKPOINT_FRAME_BYTES;
        for (int i = 1; i < n; i++) {
            offset += LogFormat.frameBytes(decision("tx-" + i));
        }
        return offset;
    }

    private LogCorruptedException openFails() {
        return catchThrowableOfType(LogCorruptedException.class, () -> DecisionLog.open(dir, LogConfig.defaults()).close());
    }

    @Test
    void aNewSegmentIsZeroFilledToItsSizeAndAppendsWriteIntoItWithoutGrowingIt() throws IOException {
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            Path segment = TestLogs.onlySegment(dir);
            long size = Files.size(segment);
            assertThat(size).isGreaterThanOrEqualTo(LogConfig.DEFAULT_SEGMENT_BYTES).isLessThan(LogConfig.DEFAULT_SEGMENT_BYTES + 8192);
            assertThat(TestLogs.zerosFrom(segment, LogFormat.HEADER_BYTES + LogFormat.CHECKPOINT_FRAME_BYTES)).isTrue();
            for (int i = 0; i < 100; i++) {
                log.appendForced(decision("tx-" + i));
            }
            assertThat(Files.size(segment)).isEqualTo(size);
            long records = 0;
            for (int i = 0; i < 100; i++) {
                records += LogFormat.frameBytes(decision("tx-" + i));
            }
            assertThat((long) TestLogs.dataEnd(segment)).isEqualTo(frameStart(1) + records);
        }
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(log.pendingAtOpen()).hasSize(100);
        }
    }

    @Test
    void aTornWriteThatLeftOnlyTheLaterPartOfAFrameBeforeTheZerosIsATornTail() throws IOException {
        // The sector holding the frame's length and checksum never arrived; the rest of it did.
        Path segment = segmentWithNineDecisions();
        long last = frameStart(9);
        TestLogs.zero(segment, last, last + LogFormat.FRAME_PREFIX_BYTES);
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(log.pendingAtOpen()).hasSize(8).doesNotContainKey("tx-9");
            assertThat(TestLogs.zerosFrom(segment, last)).isTrue();
        }
    }

    @Test
    void aHoleOfZerosWithAnIntactRecordAfterItIsDamageNotTheEndOfTheRecords() throws IOException {
        Path segment = segmentWithNineDecisions();
        long hole = frameStart(5);
        TestLogs.zero(segment, hole, frameStart(6));
        byte[] found = Files.readAllBytes(segment);

        LogCorruptedException e = openFails();

        assertThat(e).isNotNull();
        assertThat(e.offset()).isEqualTo(hole);
        assertThat(e.getMessage())
                .contains("zeros where a frame should start")
                .contains("an intact record follows it at offset " + frameStart(6));
        assertThat(Files.readAllBytes(segment)).as("left as found").isEqualTo(found);
    }

    @Test
    void aDamagedRecordFollowedByIntactOnesAndThenTheZeroFillIsDamage() throws IOException {
        Path segment = segmentWithNineDecisions();
        TornTailTest.flipByte(segment, frameStart(7) + 12);

        LogCorruptedException e = openFails();

        assertThat(e).isNotNull();
        assertThat(e.offset()).isEqualTo(frameStart(7));
        assertThat(e.getMessage()).contains("checksum mismatch").contains("intact record follows it at offset " + frameStart(8));
    }

    @Test
    void aPartialFrameBeforeTheZeroFillOfAnOlderSegmentIsDamage() throws IOException {
        // An older segment was forced before the newer one was started: its end cannot be torn.
        Path first = segmentWithNineDecisions();
        long end = TestLogs.dataEnd(first);
        TestLogs.zero(first, end - 6, end);
        Files.write(dir.resolve("dtc-00000002.log"), SegmentImages.segment(2).checkpoint(0).zeros(4000).bytes());

        LogCorruptedException e = openFails();

        assertThat(e).isNotNull();
        assertThat(e.file().getFileName().toString()).isEqualTo("dtc-00000001.log");
        assertThat(e.offset()).isEqualTo(frameStart(9));
        assertThat(e.getMessage()).contains("not the newest segment");
    }

    @Test
    void anOlderSegmentEndingInItsZeroFillIsSupersededAndDeleted() throws IOException {
        Path first = segmentWithNineDecisions();
        SegmentImages second = SegmentImages.segment(2);
        for (int i = 1; i <= 9; i++) {
            second.carried(decision("tx-" + i));
        }
        Files.write(dir.resolve("dtc-00000002.log"), second.checkpoint(9).record(LogRecord.end("tx-2")).zeros(4000).bytes());

        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(log.pendingAtOpen()).hasSize(8).doesNotContainKey("tx-2");
            assertThat(first).doesNotExist();
        }
    }

    @Test
    void aPreallocatedFileThatNeverGotItsHeaderIsAnInterruptedRoll() throws IOException {
        // The crash came after the spare was renamed into place and before its header was written.
        segmentWithNineDecisions();
        Path second = dir.resolve("dtc-00000002.log");
        Files.write(second, new byte[16 * 1024]);
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(log.pendingAtOpen()).hasSize(9);
            assertThat(second).doesNotExist();
        }
    }

    @Test
    void aPreallocatedFileWithPartOfItsHeaderAndNothingElseIsAnInterruptedRoll() throws IOException {
        // The crash came while the header was being written: the file holds the first bytes of its own header and
        // zeros. (The fault campaign's halt during a roll found start-up refusing this as a damaged header.)
        segmentWithNineDecisions();
        byte[] header = SegmentImages.segment(2).bytes();
        for (int written = 1; written < LogFormat.HEADER_BYTES; written++) {
            Path second = dir.resolve("dtc-00000002.log");
            byte[] image = new byte[16 * 1024];
            System.arraycopy(header, 0, image, 0, written);
            Files.write(second, image);
            try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
                assertThat(log.pendingAtOpen()).as("%d header bytes written", written).hasSize(9);
                assertThat(second).doesNotExist();
            }
        }
    }

    @Test
    void aHeaderDamagedOtherwiseIsStillRefused() throws IOException {
        // Not a prefix of the header this segment would have: damage, not an unfinished write.
        segmentWithNineDecisions();
        byte[] header = SegmentImages.segment(2).bytes();
        byte[] image = new byte[16 * 1024];
        System.arraycopy(header, 0, image, 0, LogFormat.HEADER_BYTES - 4);
        image[9] ^= 0x40; // the segment number, inside the written prefix
        Files.write(dir.resolve("dtc-00000002.log"), image);
        assertThat(openFails()).isNotNull();
    }

    @Test
    void aNewSegmentWithItsHeaderAndCarriedRecordsButNoCheckpointBeforeTheZerosIsAnInterruptedRoll() throws IOException {
        segmentWithNineDecisions();
        Path second = dir.resolve("dtc-00000002.log");
        Files.write(second, SegmentImages.segment(2).carried(decision("tx-1")).carried(decision("tx-2")).zeros(8000).bytes());
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(log.pendingAtOpen()).hasSize(9);
            assertThat(second).doesNotExist();
        }
    }

    @Test
    void aRecordLargerThanTheFreeSpaceGrowsTheSegmentAndReadsBack() throws IOException {
        LogRecord big = LogRecord.decision("big", bytes(10_000));
        try (DecisionLog log = DecisionLog.open(dir, SMALL_SEGMENTS)) {
            log.appendForced(decision("small"));
            log.appendForced(big);
            log.appendForced(decision("after-the-roll"));
            assertThat(log.stats().rolls()).isEqualTo(1);
        }
        try (DecisionLog log = DecisionLog.open(dir, SMALL_SEGMENTS)) {
            assertThat(log.pendingAtOpen().keySet()).containsExactly("small", "big", "after-the-roll");
            assertThat(log.pendingAtOpen().get("big")).containsExactly(big);
        }
    }

    @Test
    void theNextSegmentIsPreparedInTheBackgroundOnceTheActiveOneIsHalfFullAndTheRollUsesIt() throws IOException {
        Path spare = dir.resolve(SpareSegment.FILE_NAME);
        try (DecisionLog log = DecisionLog.open(dir, SMALL_SEGMENTS)) {
            int frame = LogFormat.frameBytes(decision("tx-00"));
            int i = 0;
            for (; (long) (i + 1) * frame < SMALL_SEGMENTS.segmentBytes() / 2; i++) {
                log.appendForced(decision(String.format("tx-%02d", i)));
            }
            assertThat(spare).doesNotExist();
            log.appendForced(decision(String.format("tx-%02d", i++)));
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(spare) && Files.size(spare) == 4096
                    && TestLogs.zerosFrom(spare, 0));
            while (log.stats().rolls() == 0) {
                log.appendForced(decision(String.format("tx-%02d", i++)));
            }
            Path second = dir.resolve("dtc-00000002.log");
            assertThat(spare).as("renamed into the new segment").doesNotExist();
            assertThat(Files.size(second)).isEqualTo(4096);
            assertThat(TestLogs.zerosFrom(second, TestLogs.dataEnd(second))).isTrue();
        }
        assertThat(spare).doesNotExist();
        try (DecisionLog log = DecisionLog.open(dir, SMALL_SEGMENTS)) {
            assertThat(log.pendingAtOpen()).hasSizeGreaterThan(20);
        }
    }

    @Test
    void aSpareLeftByACrashIsDeletedAtStartUp() throws IOException {
        segmentWithNineDecisions();
        Path spare = dir.resolve(SpareSegment.FILE_NAME);
        Files.write(spare, new byte[] {1, 2, 3});
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(spare).doesNotExist();
            assertThat(log.pendingAtOpen()).hasSize(9);
        }
    }

    @Test
    void aVersionOneLogIsReadItsTornTailCutAndAppendsContinueInASegmentOfTheCurrentVersion() throws IOException {
        // Format 1 had no zero fill: a release before preallocation wrote this.
        byte[] torn = Arrays.copyOf(SegmentImages.segment(3).record(decision("tx-c")).bytes(), 40);
        byte[] old = SegmentImages.segment(3, (short) 1).checkpoint(0).record(decision("tx-a"))
                .record(decision("tx-b")).record(LogRecord.end("tx-a"))
                .raw(Arrays.copyOfRange(torn, LogFormat.HEADER_BYTES, torn.length)).bytes();
        Files.write(dir.resolve("dtc-00000003.log"), old);

        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(log.pendingAtOpen().keySet()).containsExactly("tx-b");
            assertThat(TestLogs.segmentFiles(dir)).containsExactly(dir.resolve("dtc-00000004.log"));
            log.appendForced(decision("tx-d"));
        }
        Path current = TestLogs.onlySegment(dir);
        assertThat(LogFormat.version(Files.readAllBytes(current))).isEqualTo(LogFormat.VERSION);
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(log.pendingAtOpen().keySet()).containsExactly("tx-b", "tx-d");
        }
    }

    @Test
    void aVersionTwoLogIsReadAndAppendsContinueInAVersionThreeSegment() throws IOException {
        // Format 2: preallocated like 3, written by the release before DECISION payloads named resources. A
        // release that reads only up to 2 must never find a version 3 payload in a segment it accepts, so the
        // active version 2 segment is not appended to: start-up rolls at once.
        byte[] old = SegmentImages.segment(5, (short) 2).checkpoint(0).record(decision("tx-a"))
                .record(decision("tx-b")).record(LogRecord.end("tx-a")).zeros(4000).bytes();
        Files.write(dir.resolve("dtc-00000005.log"), old);

        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(log.pendingAtOpen().keySet()).containsExactly("tx-b");
            assertThat(TestLogs.segmentFiles(dir)).containsExactly(dir.resolve("dtc-00000006.log"));
            log.appendForced(decision("tx-c"));
        }
        Path current = TestLogs.onlySegment(dir);
        assertThat(LogFormat.version(Files.readAllBytes(current))).isEqualTo((short) 3).isEqualTo(LogFormat.VERSION);
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(log.pendingAtOpen().keySet()).containsExactly("tx-b", "tx-c");
        }
    }

    @Test
    void aSegmentOfAnUnknownNewerVersionIsRefusedWithAClearMessageAndLeftAlone() throws IOException {
        byte[] newer = SegmentImages.segment(1, (short) (LogFormat.VERSION + 1)).checkpoint(0).record(decision("tx-a")).zeros(4000).bytes();
        Path segment = dir.resolve("dtc-00000001.log");
        Files.write(segment, newer);

        LogCorruptedException e = openFails();

        assertThat(e).isNotNull();
        assertThat(e.offset()).isZero();
        assertThat(e.getMessage()).contains("format version " + (LogFormat.VERSION + 1) + " but this dtc reads versions 1 to "
                        + LogFormat.VERSION)
                .contains("written by another dtc release");
        assertThat(Files.readAllBytes(segment)).isEqualTo(newer);
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i % 251 + 1);
        }
        return b;
    }
}
