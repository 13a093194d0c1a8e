package dev.dtc.bench.jmh;

import dev.dtc.audit.AuditEvent;
import dev.dtc.audit.EventType;
import dev.dtc.internal.audit.Audit;
import dev.dtc.internal.xid.DtcXid;
import dev.dtc.internal.xid.XidFactory;
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
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.LoggerFactory;

/**
 * One {@link Audit#emit} of a branch event ({@code COMMITTED}, with the branch's Xid), as the engine makes several
 * per transaction. The logger {@code dev.dtc.audit} is off: the jar's logback.xml sets everything to WARN, and
 * {@code COMMITTED} is a DEBUG event. {@link #loggerOffNoListener} is the cost on a hot path with the trail off (a
 * level check and a look at the listener list); {@link #loggerOffOneListener} adds one listener that keeps the last
 * event, so the event is built (the branch's text, a timestamp) and handed over.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class AuditBenchmark {

    private final Audit silent = new Audit();
    private final Audit listened = new Audit();
    private String txId;
    private DtcXid branch;
    /** Written by the listener, so the event it gets cannot be optimised away. */
    private volatile AuditEvent last;

    @Setup(Level.Trial)
    public void setUp() {
        if (LoggerFactory.getLogger("dev.dtc.audit").isEnabledForLevel(Audit.levelOf(EventType.COMMITTED))) {
            throw new IllegalStateException("the logger dev.dtc.audit writes COMMITTED events: this benchmark measures"
                    + " the audit call with the trail off; run it with the jar's own logback.xml");
        }
        XidFactory xids = new XidFactory("bench", System.currentTimeMillis());
        txId = xids.newTransactionId();
        branch = xids.branch(txId, 1);
        listened.addListener(event -> last = event);
    }

    /** Trail off, nobody listening: should cost next to nothing and allocate nothing. */
    @Benchmark
    public void loggerOffNoListener() {
        silent.emit(EventType.COMMITTED, txId, branch, null);
    }

    /** Trail off, one listener: the event is built and delivered. */
    @Benchmark
    public AuditEvent loggerOffOneListener() {
        listened.emit(EventType.COMMITTED, txId, branch, null);
        return last;
    }
}
