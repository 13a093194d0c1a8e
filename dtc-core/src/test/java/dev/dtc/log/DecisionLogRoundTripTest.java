package dev.dtc.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.dtc.log.TestLogs.decision;
import static dev.dtc.log.TestLogs.payloadOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DecisionLogRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void decidedAndNotEndedTransactionsArePendingAfterRestartWithTheirRecordsInOrder() throws IOException {
        LogRecord heuristic = LogRecord.heuristic("tx-2", "branch 2 rolled back on its own".getBytes());
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(log.pendingAtOpen()).isEmpty();
            log.appendForced(decision("tx-1"));
            log.appendForced(decision("tx-2"));
            log.appendForced(decision("tx-3"));
            log.append(LogRecord.end("tx-1"));
            log.appendForced(heuristic);
            log.appendForced(decision("tx-4"));
            log.append(LogRecord.end("tx-4"));
            log.append(LogRecord.end("tx-never-decided"));
        }

        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            Map<String, List<LogRecord>> pending = log.pendingAtOpen();
            assertThat(pending.keySet()).containsExactly("tx-2", "tx-3");
            assertThat(pending.get("tx-2")).containsExactly(decision("tx-2"), heuristic);
            assertThat(pending.get("tx-3")).containsExactly(decision("tx-3"));
            assertThat(pending.get("tx-3").get(0).payload()).isEqualTo(payloadOf("tx-3"));
        }
    }

    @Test
    void appendsAfterReopenFollowTheRecordsReadAtStartUp() throws IOException {
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            log.appendForced(decision("a"));
        }
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            log.append(LogRecord.end("a"));
            log.appendForced(decision("b"));
        }
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(log.pendingAtOpen().keySet()).containsExactly("b");
        }
        assertThat(TestLogs.segmentFiles(dir)).hasSize(1);
    }

    @Test
    void pendingAtOpenIsASnapshotThatLaterAppendsDoNotChange() throws IOException {
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            log.appendForced(decision("a"));
        }
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            log.append(LogRecord.end("a"));
            log.appendForced(decision("b"));
            assertThat(log.pendingAtOpen().keySet()).containsExactly("a");
            assertThatThrownBy(() -> log.pendingAtOpen().clear()).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void aFreshDirectoryIsCreatedWithItsLockFileAndOneSegment() throws IOException {
        Path nested = dir.resolve("not/there/yet");
        try (DecisionLog log = DecisionLog.open(nested, LogConfig.defaults())) {
            assertThat(log.directory()).isEqualTo(nested.toRealPath());
            assertThat(nested.resolve("dtc.lock")).exists();
            assertThat(nested.resolve("dtc-00000001.log")).exists();
            assertThat(log.stats().liveSegments()).isEqualTo(1);
        }
    }

    @Test
    void endsWrittenWithoutForceAreOnDiskAfterClose() throws IOException {
        DecisionLog first = DecisionLog.open(dir, LogConfig.defaults(), TimeUnit.HOURS.toNanos(1));
        try (first) {
            for (int i = 0; i < 100; i++) {
                first.appendForced(decision("tx-" + i));
                first.append(LogRecord.end("tx-" + i));
            }
            assertThat(first.stats().recordsWritten()).as("the last END waits for a forced append").isEqualTo(199);
        }
        assertThat(first.stats().recordsWritten()).isEqualTo(200);
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            assertThat(log.pendingAtOpen()).isEmpty();
        }
    }

    @Test
    void closeIsIdempotentAndLaterAppendsAreRefused() throws IOException {
        DecisionLog log = DecisionLog.open(dir, LogConfig.defaults());
        log.close();
        log.close();
        assertThatThrownBy(() -> log.appendForced(decision("late")))
                .isInstanceOf(IOException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> log.append(LogRecord.end("late")))
                .isInstanceOf(IOException.class).hasMessageContaining("closed");
    }

    @Test
    void badRecordsAreRefusedWithMessagesThatSayWhatToFix() {
        assertThatThrownBy(() -> LogRecord.decision("", new byte[0])).hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> LogRecord.decision("x".repeat(256), new byte[0])).hasMessageContaining("at most 255");
        assertThatThrownBy(() -> LogRecord.decision("tx-é", new byte[0])).hasMessageContaining("must be ASCII");
        assertThatThrownBy(() -> LogRecord.decision(null, new byte[0])).hasMessageContaining("txId");
        assertThatThrownBy(() -> new LogRecord(null, "tx", new byte[0])).hasMessageContaining("type");
        assertThatThrownBy(() -> LogRecord.decision("tx", new byte[LogRecord.MAX_PAYLOAD_BYTES + 1]))
                .hasMessageContaining("exceeds the decision log's limit");
        assertThat(LogRecord.decision("tx", null).payload()).isEmpty();
        assertThatThrownBy(() -> new LogConfig(100)).hasMessageContaining("segmentBytes must be between");
    }

    @Test
    void aPathThatIsAFileIsRefusedClearly() throws IOException {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        assertThatThrownBy(() -> DecisionLog.open(file, LogConfig.defaults()))
                .isInstanceOf(IOException.class).hasMessageContaining("not a directory");
    }

    @Test
    void aFileThatIsNotASegmentStopsStartUpWithoutBeingTouched() throws IOException {
        byte[] foreign = "this is not a dtc segment, but someone named it like one".getBytes();
        Files.write(dir.resolve("dtc-00000001.log"), foreign);
        assertThatThrownBy(() -> DecisionLog.open(dir, LogConfig.defaults()))
                .isInstanceOf(LogCorruptedException.class)
                .hasMessageContaining("dtc-00000001.log")
                .hasMessageContaining("not a dtc decision-log segment");
        assertThat(Files.readAllBytes(dir.resolve("dtc-00000001.log"))).isEqualTo(foreign);
    }

    @Test
    void severalLogsInOneJvmWorkOnTheirOwnDirectories() throws IOException {
        try (DecisionLog a = DecisionLog.open(dir.resolve("a"), LogConfig.defaults());
             DecisionLog b = DecisionLog.open(dir.resolve("b"), LogConfig.defaults())) {
            a.appendForced(decision("in-a"));
            b.appendForced(decision("in-b"));
        }
        try (DecisionLog a = DecisionLog.open(dir.resolve("a"), LogConfig.defaults());
             DecisionLog b = DecisionLog.open(dir.resolve("b"), LogConfig.defaults())) {
            assertThat(a.pendingAtOpen().keySet()).containsExactly("in-a");
            assertThat(b.pendingAtOpen().keySet()).containsExactly("in-b");
        }
    }
}
