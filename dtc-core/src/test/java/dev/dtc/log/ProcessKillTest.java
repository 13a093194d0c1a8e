package dev.dtc.log;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A child JVM appends with tiny segments (so it is often in the middle of a roll) and is killed
 * with SIGKILL; the restarted log must hold exactly the decided, not ended transactions. Several
 * rounds reuse the directory, so each round also starts from a log recovered after a kill.
 */
class ProcessKillTest {

    static final int END_LAG = 3;

    @TempDir
    Path dir;
    @TempDir
    Path scratch;

    @Test
    void afterAKillAtAnyMomentPendingIsExactlyDecidedAndNotEnded() throws Exception {
        Random random = new Random(20240607);
        for (int round = 0; round < 6; round++) {
            String prefix = "r" + round + "-";
            Path output = scratch.resolve("round-" + round + ".out");
            Process child = TestLogs.startJava(CrashingAppender.class, output, dir.toString(), prefix);
            int killAfter = 100 + random.nextInt(400);
            try {
                await().atMost(Duration.ofSeconds(120)).until(() -> !child.isAlive() || decisionsPrinted(output) >= killAfter);
                Thread.sleep(random.nextInt(30));
            } finally {
                child.destroyForcibly();
                assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
            List<String> lines = completeLines(Files.readString(output));

            int lastDecided = lastNumber(lines, "D ");
            // An END is written with the next forced append: certain once a D line follows its E line.
            int lastEnded = lastNumber(lines.subList(0, Math.max(0, lastIndexOf(lines, "D "))), "E ");
            try (DecisionLog log = DecisionLog.open(dir, TestLogs.SMALL_SEGMENTS)) {
                Map<String, List<LogRecord>> pending = log.pendingAtOpen();
                for (int i = 0; i <= lastDecided; i++) {
                    String tx = prefix + i;
                    if (i <= lastEnded) {
                        assertThat(pending).as("ended %s is not resurrected", tx).doesNotContainKey(tx);
                    } else if (i > lastEnded + 1) {
                        assertThat(pending.get(tx)).as("acknowledged decision %s", tx).containsExactly(TestLogs.decision(tx));
                    } // i == lastEnded + 1: its END may or may not have been written when the kill came
                    // (appended after the last forced append returned, it waited for the next one or the flusher)
                }
                for (String tx : pending.keySet()) {
                    if (tx.startsWith(prefix)) {
                        assertThat(Integer.parseInt(tx.substring(prefix.length())))
                                .as("no decision that was never made").isLessThanOrEqualTo(lastDecided + 1);
                    }
                }
                assertThat(TestLogs.segmentFiles(dir).size()).isLessThanOrEqualTo(2);
            }
        }
    }

    private static int decisionsPrinted(Path output) throws java.io.IOException {
        if (!Files.exists(output)) {
            return 0;
        }
        return lastNumber(completeLines(Files.readString(output)), "D ") + 1;
    }

    /** The child's operation lines (not its log output); the last line may have been cut by the kill. */
    private static List<String> completeLines(String text) {
        int end = text.lastIndexOf('\n');
        if (end < 0) {
            return List.of();
        }
        return Stream.of(text.substring(0, end).split("\n"))
                .filter(l -> l.startsWith("D ") || l.startsWith("E "))
                .collect(Collectors.toList());
    }

    private static int lastIndexOf(List<String> lines, String prefix) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    private static int lastNumber(List<String> lines, String prefix) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith(prefix)) {
                return Integer.parseInt(lines.get(i).substring(prefix.length()).trim());
            }
        }
        return -1;
    }
}
