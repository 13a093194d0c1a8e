package dev.dtc.bench.jmh;

import dev.dtc.internal.xid.DtcXid;
import dev.dtc.internal.xid.XidFactory;
import java.util.HashMap;
import java.util.Map;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * dtc's Xids ({@link XidFactory}, {@link DtcXid}), made on every {@code begin} and {@code enlistResource} and used as
 * map keys by the engine's branch tables: a new global transaction id; a new transaction id with its two branch
 * Xids; and a branch Xid as a {@link HashMap} key, looked up with an equal but distinct instance (as an Xid that a
 * resource hands back is), so {@code hashCode} and a by-value {@code equals} both run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class XidBenchmark {

    private XidFactory xids;
    private DtcXid key;
    private DtcXid equalKey;
    private final Map<DtcXid, Object> branches = new HashMap<>();

    @Setup(Level.Trial)
    public void setUp() {
        xids = new XidFactory("bench", System.currentTimeMillis());
        String txId = xids.newTransactionId();
        key = xids.branch(txId, 2);
        equalKey = new DtcXid(key.getFormatId(), key.getGlobalTransactionId(), key.getBranchQualifier());
        // other transactions' branches in the table, so the lookup is not alone in it
        for (int i = 0; i < 64; i++) {
            String other = xids.newTransactionId();
            branches.put(xids.branch(other, 1), Boolean.TRUE);
            branches.put(xids.branch(other, 2), Boolean.TRUE);
        }
    }

    /** {@code <node>/<boot>/<counter>}: an atomic increment and a string concatenation. */
    @Benchmark
    public String newTransactionId() {
        return xids.newTransactionId();
    }

    /** What one two-branch transaction makes: its id and two branch Xids (bytes copied, hash computed). */
    @Benchmark
    public void newTransactionWithTwoBranches(Blackhole bh) {
        String txId = xids.newTransactionId();
        bh.consume(xids.branch(txId, 1));
        bh.consume(xids.branch(txId, 2));
    }

    /** Put a branch Xid, get it back with an equal copy, remove it: the engine's per-branch table traffic. */
    @Benchmark
    public Object asHashMapKey() {
        branches.put(key, Boolean.TRUE);
        Object found = branches.get(equalKey);
        branches.remove(equalKey);
        return found;
    }
}
