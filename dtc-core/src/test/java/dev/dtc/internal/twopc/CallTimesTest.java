package dev.dtc.internal.twopc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dtc.internal.xid.DtcXid;
import java.util.concurrent.TimeUnit;
import javax.transaction.xa.XAException;
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
    void fastCallsMakeAResourceQuickAndOneSlowCallMakesItSlowAtOnce() {
        CallTimes t = new CallTimes();
        Branch db = of("db");
        t.record(db, TimeUnit.MICROSECONDS.toNanos(5));
        assertThat(t.quick(db)).isTrue();
        t.record(db, TimeUnit.SECONDS.toNanos(2));
        assertThat(t.quick(db)).isFalse();
        // it takes many fast calls for a resource that took seconds once to count as quick again
        for (int i = 0; i < 20; i++) {
            t.record(db, TimeUnit.MICROSECONDS.toNanos(5));
        }
        assertThat(t.quick(db)).isFalse();
        for (int i = 0; i < 200; i++) {
            t.record(db, TimeUnit.MICROSECONDS.toNanos(5));
        }
        assertThat(t.quick(db)).isTrue();
        assertThat(t.averageNanos("db")).isLessThan(CallTimes.QUICK_NANOS);
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
}
