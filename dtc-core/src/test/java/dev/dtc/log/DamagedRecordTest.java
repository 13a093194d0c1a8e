package dev.dtc.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.dtc.log.TestLogs.decision;
import static dev.dtc.log.TornTailTest.flipByte;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Damage anywhere but in the final write stops start-up, names file and offset, and changes nothing. */
class DamagedRecordTest {

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

    /** Where the frame of {@code txId}'s decision starts, found by its payload. */
    private static int frameStartOf(byte[] image, String txId) {
        byte[] payload = TestLogs.payloadOf(txId);
        outer:
        for (int i = 0; i <= image.length - payload.length; i++) {
            for (int j = 0; j < payload.length; j++) {
                if (image[i + j] != payload[j]) {
                    continue outer;
                }
            }
            return i - LogFormat.FRAME_PREFIX_BYTES - LogFormat.CONTENT_FIXED_BYTES - txId.length();
        }
        throw new AssertionError("no record of " + txId);
    }

    private LogCorruptedException openFails() {
        return catchThrowableOfType(LogCorruptedException.class, () -> DecisionLog.open(dir, LogConfig.defaults()).close());
    }

    @Test
    void aFlippedByteInAMiddleRecordStopsStartUpNamingFileAndOffset() throws IOException {
        Path segment = segmentWithNineDecisions();
        byte[] before = Files.readAllBytes(segment);
        int damaged = frameStartOf(before, "tx-5");
        flipByte(segment, damaged + 14);
        byte[] damagedImage = Files.readAllBytes(segment);

        LogCorruptedException e = openFails();

        assertThat(e).isNotNull();
        assertThat(e.file()).isEqualTo(segment.toRealPath());
        assertThat(e.offset()).isEqualTo(damaged);
        assertThat(e.getMessage())
                .contains(segment.getFileName().toString())
                .contains("at byte offset " + damaged)
                .contains("checksum mismatch")
                .contains("intact record follows it at offset " + frameStartOf(before, "tx-6"))
                .contains("docs/log-format.md")
                .contains("Do not delete");
        assertThat(Files.readAllBytes(segment)).as("the damaged log is left as found").isEqualTo(damagedImage);

        // The lock was released and nothing was lost: once the byte is repaired, everything is back.
        flipByte(segment, damaged + 14);
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(log.pendingAtOpen()).hasSize(9);
        }
    }

    @Test
    void aDamagedLengthFieldInTheMiddleIsDamageNotATornTail() throws IOException {
        Path segment = segmentWithNineDecisions();
        int damaged = frameStartOf(Files.readAllBytes(segment), "tx-3");
        flipByte(segment, damaged + 3);

        LogCorruptedException e = openFails();

        assertThat(e).isNotNull();
        assertThat(e.offset()).isEqualTo(damaged);
        assertThat(e.getMessage()).contains("at byte offset " + damaged);
    }

    @Test
    void damageAtTheEndOfAnOlderSegmentIsNotTreatedAsATornTail() throws IOException {
        Path first = segmentWithNineDecisions();
        int damaged = frameStartOf(Files.readAllBytes(first), "tx-9");
        flipByte(first, TestLogs.dataEnd(first) - 1);
        // A newer segment exists: the older one was forced before it was started, so its end cannot be torn.
        Files.write(dir.resolve("dtc-00000002.log"), SegmentImages.segment(2).checkpoint(0).bytes());

        LogCorruptedException e = openFails();

        assertThat(e).isNotNull();
        assertThat(e.file().getFileName().toString()).isEqualTo("dtc-00000001.log");
        assertThat(e.offset()).isEqualTo(damaged);
        assertThat(e.getMessage()).contains("not the newest segment");
        assertThat(dir.resolve("dtc-00000002.log")).exists();
    }

    @Test
    void aHoleInTheCarriedBlockBeforeAnIntactCheckpointIsDamage() throws IOException {
        // The carried block is forced before the checkpoint is written, so this cannot be an interrupted roll.
        segmentWithNineDecisions();
        SegmentImages second = SegmentImages.segment(2);
        for (int i = 1; i <= 9; i++) {
            second.carried(decision("tx-" + i));
        }
        byte[] image = second.checkpoint(9).bytes();
        int hole = LogFormat.HEADER_BYTES + LogFormat.frameBytes(decision("tx-1"));
        java.util.Arrays.fill(image, hole, hole + LogFormat.frameBytes(decision("tx-2")), (byte) 0);
        Files.write(dir.resolve("dtc-00000002.log"), image);

        LogCorruptedException e = openFails();

        assertThat(e).isNotNull();
        assertThat(e.file().getFileName().toString()).isEqualTo("dtc-00000002.log");
        assertThat(e.offset()).isEqualTo(hole);
        assertThat(dir.resolve("dtc-00000001.log")).exists();
    }

    @Test
    void aFinalFrameWithAValidChecksumButUnknownKindIsNotDropped() throws IOException {
        Path segment = segmentWithNineDecisions();
        long end = TestLogs.dataEnd(segment);
        byte[] frame = SegmentImages.segment(1).frame((byte) 9, LogFormat.NO_FLAGS, "tx-x", new byte[] {1, 2, 3}).bytes();
        byte[] frameOnly = java.util.Arrays.copyOfRange(frame, LogFormat.HEADER_BYTES, frame.length);
        TestLogs.writeAt(segment, end, frameOnly);
        byte[] found = Files.readAllBytes(segment);

        LogCorruptedException e = openFails();

        assertThat(e).isNotNull();
        assertThat(e.offset()).isEqualTo(end);
        assertThat(e.getMessage()).contains("unknown record kind 9").contains("checksum is valid");
        assertThat(Files.readAllBytes(segment)).as("left as found").isEqualTo(found);
    }

    @Test
    void anInterruptedSegmentWithoutTheOlderSegmentsItCopiesFromStopsStartUp() throws IOException {
        Files.write(dir.resolve("dtc-00000007.log"), SegmentImages.segment(7).carried(decision("tx-1")).bytes());

        LogCorruptedException e = openFails();

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("older segments it copies from are missing");
    }

    /**
     * A segment numbered above 1 is only started while the one before it exists, and that one is deleted only once
     * the new one's checkpoint is durable. So the only segment, numbered above 1, cut short before its first carried
     * record was whole (or before its header) is not an interrupted roll: its carried decisions would be forgotten.
     * Found by the fault campaign (log-damage, truncated segment): it opened with nothing pending.
     */
    @Test
    void theOnlySegmentNumberedAboveOneCutBeforeItsFirstCarriedRecordIsRefused() throws IOException {
        try (DecisionLog log = DecisionLog.open(dir, TestLogs.SMALL_SEGMENTS)) {
            for (int i = 1; i <= 40; i++) {
                log.appendForced(decision("tx-" + i));
            }
        }
        Path segment = TestLogs.onlySegment(dir);
        assertThat(segment.getFileName().toString()).isNotEqualTo("dtc-00000001.log");
        byte[] image = Files.readAllBytes(segment);
        for (int cut : new int[] {0, 7, LogFormat.HEADER_BYTES, LogFormat.HEADER_BYTES + 5}) {
            Files.write(segment, java.util.Arrays.copyOf(image, cut));

            LogCorruptedException e = openFails();

            assertThat(e).as("cut at %d", cut).isNotNull();
            assertThat(e.file().getFileName()).isEqualTo(segment.getFileName());
            assertThat(e.offset()).isEqualTo(cut < LogFormat.HEADER_BYTES ? 0 : LogFormat.HEADER_BYTES);
            assertThat(e.getMessage()).contains("no older segment");
            assertThat(Files.size(segment)).isEqualTo(cut); // nothing changed
        }
    }

    @Test
    void aSegmentRenamedToAnotherNumberIsRefused() throws IOException {
        Path segment = segmentWithNineDecisions();
        Files.move(segment, dir.resolve("dtc-00000004.log"));

        LogCorruptedException e = openFails();

        assertThat(e).isNotNull();
        assertThat(e.offset()).isZero();
        assertThat(e.getMessage()).contains("header says segment 1 but the file name says 4");
    }

    @Test
    void theInspectorShowsTheDamageAndTheRecordsBeforeIt() throws IOException {
        Path segment = segmentWithNineDecisions();
        int damaged = frameStartOf(Files.readAllBytes(segment), "tx-5");
        flipByte(segment, damaged + 14);

        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        new LogInspector(new java.io.PrintStream(out, true, StandardCharsets.UTF_8), false).inspect(dir);
        String report = out.toString(StandardCharsets.UTF_8);

        assertThat(report)
                .contains("BAD FRAME at offset " + damaged)
                .contains("DECISION tx-4 payload")
                .contains("DECISION tx-9 payload 16 bytes \"branches of tx-9\"")
                .contains("refuses to start");
    }
}
