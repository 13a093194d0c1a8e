package dev.dtc.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The harness's own checks must be able to fail: hand-built traces of a manager that breaks an
 * order the spec fixes are caught, and the canonical form sorts only what it claims to sort.
 */
class TraceCheckingTest {

    private final Trace trace = new Trace();

    private TraceEvent call(String lane, TraceEvent.Kind kind, String call) {
        return trace.start(lane, kind, call);
    }

    private void done(TraceEvent e, String outcome) {
        trace.finish(e, outcome);
    }

    @Test
    void commitSentBeforeEveryPrepareAnsweredIsAViolation() {
        TraceEvent commit = call("app", TraceEvent.Kind.APP, "commit");
        TraceEvent p1 = call("r1", TraceEvent.Kind.RESOURCE, "prepare(tx1/b1)");
        TraceEvent p2 = call("r2", TraceEvent.Kind.RESOURCE, "prepare(tx1/b2)");
        done(p1, "XA_OK");
        TraceEvent c1 = call("r1", TraceEvent.Kind.RESOURCE, "commit(tx1/b1)");
        done(c1, "ok");
        done(p2, "XA_OK");
        done(call("r2", TraceEvent.Kind.RESOURCE, "commit(tx1/b2)"), "ok");
        done(commit, "ok");

        assertThat(TraceInvariants.check(trace.snapshot()))
                .singleElement().asString().contains("commit(tx1/b1)").contains("before every prepare had answered");
    }

    @Test
    void prepareBeforeBeforeCompletionReturnedAndWrongSynchronizationOrderAreViolations() {
        done(call("app", TraceEvent.Kind.APP, "registerSynchronization(s1)"), "ok");
        TraceEvent commit = call("app", TraceEvent.Kind.APP, "commit");
        done(call("i1", TraceEvent.Kind.SYNC, "beforeCompletion"), "ok");
        TraceEvent s1 = call("s1", TraceEvent.Kind.SYNC, "beforeCompletion");
        done(call("r1", TraceEvent.Kind.RESOURCE, "prepare(tx1/b1)"), "XA_OK");
        done(s1, "ok");
        done(call("s1", TraceEvent.Kind.SYNC, "afterCompletion(STATUS_COMMITTED)"), "ok");
        done(call("i1", TraceEvent.Kind.SYNC, "afterCompletion(STATUS_COMMITTED)"), "ok");
        done(commit, "ok");

        List<String> violations = TraceInvariants.check(trace.snapshot());
        assertThat(violations).anyMatch(v -> v.contains("prepare(tx1/b1)") && v.contains("s1.beforeCompletion returned"));
        assertThat(violations).anyMatch(v -> v.contains("interposed i1.beforeCompletion ran before normal s1"));
        assertThat(violations).anyMatch(v -> v.contains("normal s1.afterCompletion ran before interposed i1"));
    }

    @Test
    void protocolErrorsAreViolationsButRedundantRollbackIsNot() {
        done(call("r1", TraceEvent.Kind.RESOURCE, "prepare(tx1/b1)"), "XAException(XAER_PROTO) [protocol]");
        done(call("r2", TraceEvent.Kind.RESOURCE, "rollback(tx1/b2)"), "XAException(XAER_NOTA)");

        assertThat(TraceInvariants.check(trace.snapshot())).singleElement().asString().contains("r1");
    }

    @Test
    void canonicalFormSortsResourcesWithinAPhaseOnly() {
        TraceEvent enlist = call("app", TraceEvent.Kind.APP, "enlistResource(r2)");
        done(call("r2", TraceEvent.Kind.RESOURCE, "start(tx1/b1, TMNOFLAGS)"), "ok");
        done(enlist, "true");
        TraceEvent commit = call("app", TraceEvent.Kind.APP, "commit");
        done(call("r2", TraceEvent.Kind.RESOURCE, "end(tx1/b1, TMSUCCESS)"), "ok");
        done(call("r1", TraceEvent.Kind.RESOURCE, "end(tx1/b2, TMSUCCESS)"), "ok");
        done(call("r1", TraceEvent.Kind.RESOURCE, "isSameRM(r2)"), "false");
        done(call("r2", TraceEvent.Kind.RESOURCE, "rollback(tx1/b1)"), "ok");
        done(call("s2", TraceEvent.Kind.SYNC, "afterCompletion(STATUS_ROLLEDBACK)"), "ok");
        done(call("s1", TraceEvent.Kind.SYNC, "afterCompletion(STATUS_ROLLEDBACK)"), "ok");
        done(commit, "RollbackException");

        assertThat(CanonicalTrace.of(trace.snapshot())).containsExactly(
                "app enlistResource(r2) -> true",
                "r2 start(tx1/b1, TMNOFLAGS) -> ok",
                "app commit -> RollbackException",
                "r1 end(tx1/b2, TMSUCCESS) -> ok",
                "r2 end(tx1/b1, TMSUCCESS or TMFAIL) -> ok",
                "r2 rollback(tx1/b1) -> ok",
                "s1 afterCompletion(STATUS_ROLLEDBACK) -> ok",
                "s2 afterCompletion(STATUS_ROLLEDBACK) -> ok");
    }

    @Test
    void xidsAreNamedByFirstAppearance() {
        XidNames names = new XidNames();
        javax.transaction.xa.Xid a1 = xid(1, 1);
        javax.transaction.xa.Xid b1 = xid(2, 1);
        javax.transaction.xa.Xid a2 = xid(1, 2);

        assertThat(names.name(b1)).isEqualTo("tx1/b1");
        assertThat(names.name(a2)).isEqualTo("tx2/b1");
        assertThat(names.name(a1)).isEqualTo("tx2/b2");
        assertThat(names.name(xid(2, 1))).isEqualTo("tx1/b1");
    }

    private static javax.transaction.xa.Xid xid(int global, int branch) {
        return new javax.transaction.xa.Xid() {
            @Override
            public int getFormatId() {
                return 42;
            }

            @Override
            public byte[] getGlobalTransactionId() {
                return new byte[] {(byte) global};
            }

            @Override
            public byte[] getBranchQualifier() {
                return new byte[] {(byte) branch};
            }
        };
    }
}
