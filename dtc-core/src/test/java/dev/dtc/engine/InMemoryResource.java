package dev.dtc.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import dev.dtc.NamedXAResource;
import dev.dtc.internal.xid.DtcXid;

/**
 * An XAResource that keeps its branches in memory like a database would: prepared branches
 * survive until commit or rollback and are returned by recover(). Behaviour is programmable
 * per call so tests can make it vote abort, fail transiently, block, or report heuristics.
 * "Committed" branches are kept so tests can assert on the resource's state, not only on calls.
 * It names itself (its recovery name is its name), as the pooled data sources do. Public for the engine's
 * listeners in other modules (dtc-opentelemetry), which test against it through dtc-core's test-jar.
 */
public final class InMemoryResource implements NamedXAResource {

    @FunctionalInterface
    public interface Hook {
        /** Runs before the call does its work; may throw to make the call fail. */
        void run(Xid xid) throws XAException;
    }

    final String name;
    final List<String> calls = new CopyOnWriteArrayList<>();
    final Set<DtcXid> active = ConcurrentHashMap.newKeySet();
    public final Set<DtcXid> prepared = ConcurrentHashMap.newKeySet();
    public final Set<DtcXid> committed = ConcurrentHashMap.newKeySet();
    public final Set<DtcXid> rolledBack = ConcurrentHashMap.newKeySet();
    final AtomicInteger commitCalls = new AtomicInteger();
    public volatile boolean readOnly;
    public volatile Hook onPrepare = x -> { };
    public volatile Hook onCommit = x -> { };
    public volatile Hook onRollback = x -> { };
    volatile XAException recoverFailure;
    /** recover() lists nothing although branches are prepared (a connection that cannot see them). */
    volatile boolean blind;

    public InMemoryResource(String name) {
        this.name = name;
    }

    public static XAException xa(int code) {
        return new XAException(code);
    }

    /** A hook that fails with {@code code} the first {@code times} calls, then lets calls through. */
    static Hook failTimes(int times, int code) {
        AtomicInteger left = new AtomicInteger(times);
        return x -> {
            if (left.getAndDecrement() > 0) {
                throw xa(code);
            }
        };
    }

    @Override
    public void start(Xid xid, int flags) {
        calls.add("start:" + flags);
        active.add(DtcXid.of(xid));
    }

    @Override
    public void end(Xid xid, int flags) {
        calls.add("end:" + flags);
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        calls.add("prepare");
        DtcXid x = DtcXid.of(xid);
        onPrepare.run(xid);
        active.remove(x);
        if (readOnly) {
            return XA_RDONLY;
        }
        prepared.add(x);
        return XA_OK;
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        calls.add(onePhase ? "commit1" : "commit");
        commitCalls.incrementAndGet();
        DtcXid x = DtcXid.of(xid);
        onCommit.run(xid);
        if (!onePhase && !prepared.remove(x)) {
            throw xa(XAException.XAER_NOTA);
        }
        active.remove(x);
        committed.add(x);
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        calls.add("rollback");
        DtcXid x = DtcXid.of(xid);
        onRollback.run(xid);
        boolean known = prepared.remove(x) | active.remove(x);
        if (!known) {
            throw xa(XAException.XAER_NOTA);
        }
        rolledBack.add(x);
    }

    @Override
    public void forget(Xid xid) {
        calls.add("forget");
    }

    @Override
    public Xid[] recover(int flag) throws XAException {
        if (recoverFailure != null) {
            throw recoverFailure;
        }
        if (blind) {
            return new Xid[0];
        }
        return prepared.toArray(new Xid[0]);
    }

    @Override
    public boolean isSameRM(XAResource other) {
        return other == this;
    }

    @Override
    public int getTransactionTimeout() {
        return 0;
    }

    @Override
    public boolean setTransactionTimeout(int seconds) {
        return false;
    }

    List<String> callsSnapshot() {
        return Collections.unmodifiableList(new ArrayList<>(calls));
    }

    @Override
    public String resourceName() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }
}
