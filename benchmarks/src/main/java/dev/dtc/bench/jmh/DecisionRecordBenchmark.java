package dev.dtc.bench.jmh;

import dev.dtc.internal.xid.DtcXid;
import dev.dtc.internal.xid.XidFactory;
import dev.dtc.log.DecisionLog;
import dev.dtc.log.DecisionPayload;
import dev.dtc.log.LogConfig;
import dev.dtc.log.LogRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The DECISION record of a two-branch transaction. {@link #encode} is what the engine does before it hands the
 * record to the log ({@code Decisions.decideCommit}): the payload's branch list, {@link DecisionPayload#encode} and
 * {@link LogRecord#decision}. The log's own framing (length, CRC32C, into a reused buffer) is package-private in
 * {@code dev.dtc.log}, so {@link #appendDecisionAndEnd} measures it through the narrowest public entry point: the
 * DECISION appended forced and its END appended unforced to a {@link DecisionLog} on tmpfs, as the engine does
 * once per committed transaction — encoding included, the disk not (a force on tmpfs returns at once).
 *
 * <p>The branches are dtc Xids of one node ({@code bench/<boot>/<n>:1} and {@code :2}) in resources named
 * {@code rm-a} and {@code rm-b}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class DecisionRecordBenchmark {

    private String txId;
    private DtcXid firstBranch;
    private DtcXid secondBranch;
    private XidFactory xids;
    private byte[] payload;
    private Path logDirectory;
    private DecisionLog log;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        xids = new XidFactory("bench", System.currentTimeMillis());
        txId = xids.newTransactionId();
        firstBranch = xids.branch(txId, 1);
        secondBranch = xids.branch(txId, 2);
        payload = encode().payload();
        logDirectory = TmpfsDirectory.create("dtc-jmh-log-");
        log = DecisionLog.open(logDirectory, LogConfig.defaults());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            log.close();
        } finally {
            TmpfsDirectory.delete(logDirectory);
        }
    }

    /** The branch list, the payload bytes and the validated record, as the engine builds them per commit decision. */
    @Benchmark
    public LogRecord encode() {
        List<DecisionPayload.Branch> entries = new ArrayList<>(2);
        entries.add(new DecisionPayload.Branch(firstBranch, "rm-a"));
        entries.add(new DecisionPayload.Branch(secondBranch, "rm-b"));
        return LogRecord.decision(txId, DecisionPayload.encode(entries));
    }

    /**
     * A new transaction's DECISION (the payload encoded once, in set-up) forced, then its END, into the log on
     * tmpfs: framing, the group-commit hand-off and the write, without a disk. Each op is a new transaction id, so
     * the log's table of pending transactions grows and shrinks as under load.
     */
    @Benchmark
    public void appendDecisionAndEnd() throws Exception {
        String id = xids.newTransactionId();
        log.appendForced(LogRecord.decision(id, payload));
        log.append(LogRecord.end(id));
    }
}
