package dev.dtc.log;

import dev.dtc.internal.xid.DtcXid;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** What the inspector tells an operator about the pending transactions and the node of a log directory. */
class LogInspectorTest {

    private static final LogConfig ONE_MIB_SEGMENTS = new LogConfig(1024 * 1024);

    @TempDir
    Path dir;

    private static DtcXid xid(String txId, int branch) {
        return new DtcXid(DtcXid.FORMAT_ID, txId.getBytes(StandardCharsets.US_ASCII),
                Integer.toString(branch).getBytes(StandardCharsets.US_ASCII));
    }

    private static LogRecord decisionOf(String txId, DecisionPayload.Branch... branches) {
        return LogRecord.decision(txId, DecisionPayload.encode(List.of(branches)));
    }

    private List<String> inspect() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new LogInspector(new PrintStream(out, true, StandardCharsets.UTF_8), false).inspect(dir);
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void eachPendingDecisionIsListedBranchByBranchWithTheResourceItLivesIn() throws IOException {
        LogRecord decision = decisionOf("node-a/1/1",
                new DecisionPayload.Branch(xid("node-a/1/1", 1), "orders"),
                new DecisionPayload.Branch(xid("node-a/1/1", 2), "stock"),
                new DecisionPayload.Branch(xid("node-a/1/1", 3), ""));
        LogRecord heuristic = LogRecord.heuristic("node-a/1/1",
                "node-a/1/1:2 @stock on commit: XA_HEURRB".getBytes(StandardCharsets.UTF_8));
        try (DecisionLog log = DecisionLog.open(dir, ONE_MIB_SEGMENTS, "node-a")) {
            log.appendForced(decision);
            log.appendForced(decisionOf("node-a/1/2", new DecisionPayload.Branch(xid("node-a/1/2", 1), "orders")));
            log.append(LogRecord.end("node-a/1/2"));
            log.appendForced(heuristic);
        }

        List<String> lines = inspect();

        assertThat(lines).contains("Node name: node-a", "  opens; 1 pending transaction(s)");
        assertThat(lines).containsSequence(
                "  pending node-a/1/1: " + List.of(decision, heuristic),
                "    branch node-a/1/1:1 @orders",
                "    branch node-a/1/1:2 @stock",
                "    branch node-a/1/1:3 (unnamed resource)",
                "    heuristic: node-a/1/1:2 @stock on commit: XA_HEURRB");
        assertThat(lines).as("the ended transaction").noneMatch(line -> line.contains("node-a/1/2"));
    }

    /** Version 1 payloads come from releases before resource names: every branch is unnamed. */
    @Test
    void aDecisionWrittenBeforeResourceNamesListsItsBranchesAsUnnamed() throws IOException {
        byte[] g = "node-a/1/1".getBytes(StandardCharsets.US_ASCII);
        byte[] versionOne = ByteBuffer.allocate(3 + 2 * (4 + 1 + g.length + 1 + 1))
                .put((byte) 1).putShort((short) 2)
                .putInt(DtcXid.FORMAT_ID).put((byte) g.length).put(g).put((byte) 1).put((byte) '1')
                .putInt(DtcXid.FORMAT_ID).put((byte) g.length).put(g).put((byte) 1).put((byte) '2')
                .array();
        try (DecisionLog log = DecisionLog.open(dir, ONE_MIB_SEGMENTS, "node-a")) {
            log.appendForced(LogRecord.decision("node-a/1/1", versionOne));
        }

        assertThat(inspect()).containsSequence(
                "    branch node-a/1/1:1 (unnamed resource)",
                "    branch node-a/1/1:2 (unnamed resource)");
    }

    @Test
    void aDecisionPayloadThatCannotBeDecodedIsShownWithWhyInsteadOfEndingTheReport() throws IOException {
        try (DecisionLog log = DecisionLog.open(dir, ONE_MIB_SEGMENTS, "node-a")) {
            log.appendForced(TestLogs.decision("tx-1")); // "branches of tx-1": version 98 to a decoder
            log.appendForced(decisionOf("tx-2", new DecisionPayload.Branch(xid("tx-2", 1), "orders")));
        }

        List<String> lines = inspect();

        assertThat(lines).contains("    decision payload of 16 bytes cannot be decoded: DECISION payload version 98, but"
                + " this dtc reads versions 1 and 2: the record was written by a newer release");
        assertThat(lines).as("the report goes on").contains("    branch tx-2:1 @orders");
    }

    @Test
    void aDirectoryWithoutANodeFileSaysTheNameIsNotRecorded() throws IOException {
        try (DecisionLog log = DecisionLog.open(dir, ONE_MIB_SEGMENTS)) {
            log.appendForced(TestLogs.decision("tx-1"));
        }

        assertThat(inspect()).contains("Node name: not recorded (no dtc.node yet)");
    }

    @Test
    void aDamagedNodeFileIsReportedAndTheRestOfTheReportFollows() throws IOException {
        try (DecisionLog log = DecisionLog.open(dir, ONE_MIB_SEGMENTS, "node-a")) {
            log.appendForced(TestLogs.decision("tx-1"));
        }
        Files.writeString(dir.resolve(NodeIdentity.FILE_NAME), "garbage");

        List<String> lines = inspect();

        assertThat(lines).anyMatch(line -> line.startsWith("Node name: unreadable: ")
                && line.contains("does not hold a node name"));
        assertThat(lines).contains("  opens; 1 pending transaction(s)");
    }
}
