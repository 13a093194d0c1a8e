package dev.dtc.internal.twopc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dtc.internal.tm.XaBranch;
import dev.dtc.internal.xid.DtcXid;
import dev.dtc.internal.xid.XidFactory;
import java.util.concurrent.TimeUnit;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.Test;

class CallTimesTest {

    private static Branch of(String resource) {
        return new Branch() {
            @Override
            public DtcXid xid() {
                return null;
            }

            @Override
            public String resourceName() {
                return resource;
            }

            @Override
            public Vote prepare() throws XAException {
                return Vote.COMMIT;
            }

            @Override
            public void commit(boolean onePhase) {
            }

            @Override
            public void rollback() {
            }

            @Override
            public void forget() {
            }
        };
    }

    @Test
    void aResourceNotYetSeenIsNotQuick() {
        assertThat(new CallTimes().quick(of("db"))).isFalse();
    }

    @Test
    void oneLongCallLeavesAQuickResourceQuickAndThreeMakeItSlow() {
        CallTimes t = new CallTimes();
        Branch db = of("db");
        for (int i = 0; i < 10; i++) {
            t.record(db, TimeUnit.MICROSECONDS.toNanos(5));
        }
        assertThat(t.quick(db)).isTrue();
        // a call preempted on a busy machine
        t.record(db, TimeUnit.SECONDS.toNanos(2));
        assertThat(t.quick(db)).isTrue();
        t.record(db, TimeUnit.SECONDS.toNanos(2));
        t.record(db, TimeUnit.SECONDS.toNanos(2));
        assertThat(t.quick(db)).isFalse();
        // fast again: quick again after some calls, not after thousands (a sample counts for at most the cap)
        for (int i = 0; i < 20; i++) {
            t.record(db, TimeUnit.MICROSECONDS.toNanos(5));
        }
        assertThat(t.quick(db)).isTrue();
        assertThat(t.averageNanos("db")).isLessThan(CallTimes.QUICK_NANOS);
    }

    @Test
    void pastTheLimitNewResourcesAreNotRecordedAndStaySlow() {
        CallTimes t = new CallTimes();
        for (int i = 0; i < CallTimes.MAX_RESOURCES; i++) {
            t.record(of("r" + i), 1_000);
        }
        t.record(of("one too many"), 1_000);
        assertThat(t.quick(of("one too many"))).isFalse();
        assertThat(t.averageNanos("one too many")).isEqualTo(-1);
        assertThat(t.quick(of("r0"))).isTrue();
    }

    @Test
    void aResourceWhoseFirstCallIsSlowIsSlow() {
        CallTimes t = new CallTimes();
        t.record(of("db"), TimeUnit.MILLISECONDS.toNanos(1));
        assertThat(t.quick(of("db"))).isFalse();
    }

    @Test
    void aCallJustAtTheBoundIsNotQuickAndResourcesAreKeptApart() {
        CallTimes t = new CallTimes();
        t.record(of("pg"), CallTimes.QUICK_NANOS);
        t.record(of("maria"), 1_000);
        assertThat(t.quick(of("pg"))).isFalse();
        assertThat(t.quick(of("maria"))).isTrue();
        assertThat(t.averageNanos("other")).isEqualTo(-1);
    }

    @Test
    void unnamedXaResourcesAreTimedByTheirClass() {
        CallTimes t = new CallTimes();
        XidFactory xids = new XidFactory("n", 1);
        DtcXid xid = xids.branch(xids.newTransactionId(), 0);
        t.record(new XaBranch(new Cache(), xid, ""), 1_000);
        assertThat(t.quick(new XaBranch(new Cache(), xid, ""))).isTrue();
        assertThat(t.quick(new XaBranch(new Database(), xid, ""))).isFalse();
        // a named resource is timed by its name, whatever its class
        t.record(new XaBranch(new Database(), xid, "orders"), 1_000);
        assertThat(t.quick(new XaBranch(new Cache(), xid, "orders"))).isTrue();
    }

    /** An XA resource that does nothing; subclassed for two resources of different classes. */
    private abstract static class Unnamed implements XAResource {
        @Override public void commit(Xid xid, boolean onePhase) { }
        @Override public void end(Xid xid, int flags) { }
        @Override public void forget(Xid xid) { }
        @Override public int getTransactionTimeout() { return 0; }
        @Override public boolean isSameRM(XAResource other) { return other == this; }
        @Override public int prepare(Xid xid) { return XA_OK; }
        @Override public Xid[] recover(int flag) { return new Xid[0]; }
        @Override public void rollback(Xid xid) { }
        @Override public boolean setTransactionTimeout(int seconds) { return false; }
        @Override public void start(Xid xid, int flags) { }
    }

    private static final class Cache extends Unnamed { }

    private static final class Database extends Unnamed { }
}
