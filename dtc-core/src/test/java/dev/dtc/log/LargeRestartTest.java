package dev.dtc.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Start-up with tens of thousands of records, in one segment and across many rolls. */
class LargeRestartTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "segmentBytes={0}")
    @ValueSource(longs = {16L * 1024 * 1024, 64 * 1024})
    void twentyThousandDecisionsHalfEndedComeBackAsTheTenThousandPendingOnes(long segmentBytes) throws IOException {
        LogConfig config = new LogConfig(segmentBytes);
        try (DecisionLog log = DecisionLog.open(dir, config)) {
            for (int i = 0; i < 20_000; i++) {
                LogRecord d = LogRecord.decision(txId(i), payload(i));
                // Forcing every record would make this a disk benchmark; a force now and then is enough here.
                if (i % 100 == 0) {
                    log.appendForced(d);
                } else {
                    log.append(d);
                }
                if (i % 2 == 1) {
                    log.append(LogRecord.end(txId(i)));
                }
            }
        }

        long started = System.nanoTime();
        try (DecisionLog log = DecisionLog.open(dir, config)) {
            long millis = (System.nanoTime() - started) / 1_000_000;
            System.out.println("open with 10,000 pending (segmentBytes " + segmentBytes + ") took " + millis + " ms");
            Map<String, List<LogRecord>> pending = log.pendingAtOpen();
            assertThat(pending).hasSize(10_000);
            for (int i = 0; i < 20_000; i += 2) {
                assertThat(pending.get(txId(i))).as(txId(i)).containsExactly(LogRecord.decision(txId(i), payload(i)));
            }
            assertThat(pending).doesNotContainKeys(txId(1), txId(9_999), txId(19_999));
            assertThat(log.stats().liveSegments()).isEqualTo(1);
        }
    }

    private static String txId(int i) {
        return "node-1:" + i;
    }

    private static byte[] payload(int i) {
        byte[] p = new byte[64 + i % 64];
        for (int j = 0; j < p.length; j++) {
            p[j] = (byte) (i * 31 + j);
        }
        return p;
    }
}
