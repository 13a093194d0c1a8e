package dev.dtc.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dtc.ConfigurationException;
import dev.dtc.TransactionService;
import dev.dtc.log.DecisionLog;
import dev.dtc.log.LogConfig;
import dev.dtc.log.LogRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One identity, one writer: a node name belongs to one running coordinator and one log. Two coordinators with
 * one name would each roll back the other's prepared branches as orphans (no decision in its own log), and a log
 * opened under another name would leave its decisions uncommitted.
 */
class NodeIdentityTest {

    @TempDir
    Path dir;

    private TransactionService.Builder service(String node, Path logDir) {
        return TransactionService.builder().nodeName(node).logDirectory(logDir).recoveryInterval(Duration.ZERO)
                .logSegmentBytes(1024 * 1024);
    }

    @Test
    void aSecondServiceWithTheSameNodeNameInOneJvmIsRefused() throws Exception {
        try (TransactionService first = service("twin", dir.resolve("a")).build()) {
            assertThatThrownBy(() -> service("twin", dir.resolve("b")).build())
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("'twin' is already running in this JVM")
                    .hasMessageContaining("another nodeName");
            assertThat(dir.resolve("b")).as("refused before its log was created").doesNotExist();
            first.transactionManager().begin(); // the first one is unaffected
            first.transactionManager().commit();
        }
        service("twin", dir.resolve("b")).build().close(); // free again once the first is closed
    }

    @Test
    void aLogDirectoryBelongsToTheNodeThatFirstUsedIt() throws Exception {
        Path log = dir.resolve("log");
        service("node-a", log).build().close();
        assertThat(Files.readString(log.resolve("dtc.node"))).isEqualTo("node=node-a\n");
        byte[][] before = segments(log);

        assertThatThrownBy(() -> service("node-b", log).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("belongs to node 'node-a'")
                .hasMessageContaining("nodeName(\"node-a\")")
                .hasMessageContaining(log.toAbsolutePath().toString());
        assertThat(Files.readString(log.resolve("dtc.node"))).isEqualTo("node=node-a\n");
        assertThat(segments(log)).as("nothing written").isDeepEqualTo(before);

        service("node-a", log).build().close(); // its own node still opens it
    }

    @Test
    void aLogWrittenBeforeNodeNamesWereRecordedIsClaimedByTheFirstNodeToOpenIt() throws Exception {
        Path log = dir.resolve("old");
        try (DecisionLog old = DecisionLog.open(log, LogConfig.defaults())) {
            old.appendForced(LogRecord.heuristic("old/1/1", new byte[] {'x'}));
        }
        assertThat(log.resolve("dtc.node")).doesNotExist();
        try (TransactionService dtc = service("heir", log).build()) {
            assertThat(dtc.recovery().heuristics()).containsExactly("old/1/1");
        }
        assertThat(Files.readString(log.resolve("dtc.node"))).isEqualTo("node=heir\n");
        assertThatThrownBy(() -> service("other", log).build()).hasMessageContaining("belongs to node 'heir'");
    }

    @Test
    void aDamagedNodeFileStopsTheStartWithWhatToDo() throws Exception {
        Path log = dir.resolve("log");
        service("node-a", log).build().close();
        Files.writeString(log.resolve("dtc.node"), "garbage");
        assertThatThrownBy(() -> service("node-a", log).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("does not hold a node name").hasMessageContaining("node=<name>");
    }

    private static byte[][] segments(Path log) throws Exception {
        try (var files = Files.list(log)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".log")).sorted()
                    .map(p -> {
                        try {
                            return Files.readAllBytes(p);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).toArray(byte[][]::new);
        }
    }
}
