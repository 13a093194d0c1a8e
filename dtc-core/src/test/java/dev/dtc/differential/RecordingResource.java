package dev.dtc.differential;

import dev.dtc.differential.SimulatedResourceManager.XidKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * An in-memory XAResource (one "connection") that records every call in the trace and answers
 * as the scenario scripted, on top of a {@link SimulatedResourceManager} that refuses calls a
 * real resource manager would refuse, so the trace shows a manager that breaks the XA protocol.
 * Scripted replies are consumed only by calls that pass those checks.
 */
final class RecordingResource implements XAResource {

    /** The calls whose answer a scenario can script. */
    enum Op { START, END, PREPARE, COMMIT, ROLLBACK, FORGET }

    /** Finds (or creates) the resource manager of a given name, shared within one scenario run. */
    interface ResourceManagers extends Function<String, SimulatedResourceManager> {
    }

    private final String name;
    private final Trace trace;
    private final ResourceManagers managers;
    private final Map<Op, Queue<Reply>> scripted = new EnumMap<>(Op.class);
    private final Map<Op, Reply> defaults = new EnumMap<>(Op.class);
    private final Map<Op, Runnable> hooks = new EnumMap<>(Op.class);
    private volatile String rmName;
    private volatile SimulatedResourceManager rm;
    private volatile int timeoutSeconds;

    RecordingResource(String name, Trace trace, ResourceManagers managers) {
        this.name = name;
        this.trace = trace;
        this.managers = managers;
        resourceManager(name);
        for (Op op : Op.values()) {
            scripted.put(op, new ConcurrentLinkedQueue<>());
            defaults.put(op, Reply.ok());
        }
    }

    String name() {
        return name;
    }

    /** The next calls of {@code op} answer with these replies, one per call, then the default. */
    RecordingResource next(Op op, Reply... replies) {
        scripted.get(op).addAll(List.of(replies));
        return this;
    }

    /** Every call of {@code op} that has no scripted reply answers this way. */
    RecordingResource always(Op op, Reply reply) {
        defaults.put(op, reply);
        return this;
    }

    /** Runs inside every call of {@code op}, after the protocol checks and before answering. */
    RecordingResource during(Op op, Runnable hook) {
        hooks.put(op, hook);
        return this;
    }

    /**
     * Makes this connection belong to the named resource manager: connections of one RM answer
     * true to isSameRM and share its branches (default: an RM of its own).
     */
    RecordingResource resourceManager(String name) {
        this.rmName = name;
        this.rm = managers.apply(name);
        return this;
    }

    RecordingResource voteReadOnly() {
        return always(Op.PREPARE, Reply.readOnly());
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        XidKey k = new XidKey(xid);
        TraceEvent e = trace.start(name, TraceEvent.Kind.RESOURCE,
                "start(" + trace.xids().name(xid) + ", " + JtaNames.flags(flags) + ")");
        Runnable change = checked(e, () -> rm.start(k, name, flags));
        answer(e, Op.START, k);
        change.run();
        trace.finish(e, "ok");
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        XidKey k = new XidKey(xid);
        TraceEvent e = trace.start(name, TraceEvent.Kind.RESOURCE,
                "end(" + trace.xids().name(xid) + ", " + JtaNames.flags(flags) + ")");
        Runnable change = checked(e, () -> rm.end(k, name, flags));
        answer(e, Op.END, k);
        change.run();
        trace.finish(e, "ok");
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        XidKey k = new XidKey(xid);
        TraceEvent e = trace.start(name, TraceEvent.Kind.RESOURCE, "prepare(" + trace.xids().name(xid) + ")");
        java.util.function.IntConsumer change = checked(e, () -> rm.prepare(k));
        Reply reply = answer(e, Op.PREPARE, k);
        change.accept(reply.vote());
        trace.finish(e, JtaNames.xaCode(reply.vote()));
        return reply.vote();
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        XidKey k = new XidKey(xid);
        TraceEvent e = trace.start(name, TraceEvent.Kind.RESOURCE,
                "commit(" + trace.xids().name(xid) + (onePhase ? ", onePhase" : "") + ")");
        Runnable change = checked(e, () -> rm.commit(k, onePhase));
        answer(e, Op.COMMIT, k);
        change.run();
        trace.finish(e, "ok");
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        XidKey k = new XidKey(xid);
        TraceEvent e = trace.start(name, TraceEvent.Kind.RESOURCE, "rollback(" + trace.xids().name(xid) + ")");
        Runnable change = checked(e, () -> rm.rollback(k));
        answer(e, Op.ROLLBACK, k);
        change.run();
        trace.finish(e, "ok");
    }

    @Override
    public void forget(Xid xid) throws XAException {
        XidKey k = new XidKey(xid);
        TraceEvent e = trace.start(name, TraceEvent.Kind.RESOURCE, "forget(" + trace.xids().name(xid) + ")");
        Runnable change = checked(e, () -> rm.forget(k));
        answer(e, Op.FORGET, k);
        change.run();
        trace.finish(e, "ok");
    }

    @Override
    public Xid[] recover(int flag) {
        TraceEvent e = trace.start(name, TraceEvent.Kind.RESOURCE, "recover(" + JtaNames.flags(flag) + ")");
        List<Xid> result = (flag & TMSTARTRSCAN) != 0 ? rm.inDoubt() : List.of();
        List<String> names = new ArrayList<>();
        for (Xid x : result) {
            names.add(trace.xids().name(x));
        }
        names.sort(null);
        trace.finish(e, names.toString());
        return result.toArray(new Xid[0]);
    }

    @Override
    public boolean isSameRM(XAResource other) {
        String otherName = other instanceof RecordingResource r ? r.name : other.getClass().getSimpleName();
        TraceEvent e = trace.start(name, TraceEvent.Kind.RESOURCE, "isSameRM(" + otherName + ")");
        boolean same = other instanceof RecordingResource r && r.rmName.equals(rmName);
        trace.finish(e, Boolean.toString(same));
        return same;
    }

    /** The timeout the manager last passed to {@link #setTransactionTimeout}, 0 if never; not recorded. */
    int timeoutGiven() {
        return timeoutSeconds;
    }

    @Override
    public int getTransactionTimeout() {
        trace.note(name, TraceEvent.Kind.RESOURCE, "getTransactionTimeout", Integer.toString(timeoutSeconds));
        return timeoutSeconds;
    }

    @Override
    public boolean setTransactionTimeout(int seconds) {
        trace.note(name, TraceEvent.Kind.RESOURCE, "setTransactionTimeout(" + seconds + ")", "true");
        timeoutSeconds = seconds;
        return true;
    }

    @Override
    public String toString() {
        return "RecordingResource[" + name + "]";
    }

    /** A protocol check of the resource manager. */
    @FunctionalInterface
    private interface Check<T> {
        T run() throws XAException;
    }

    private <T> T checked(TraceEvent e, Check<T> check) throws XAException {
        try {
            return check.run();
        } catch (XAException x) {
            // XAER_PROTO / XAER_DUPID / XAER_NOTA mean the manager called out of order; an XA_RB*
            // answer (a branch ended with TMFAIL) is the RM's legitimate vote, and XAER_NOTA to
            // rollback or forget is the normal answer to a repeated or redundant call (XA: the
            // branch is already gone), which a manager may make
            String op = e.operation();
            boolean redundant = x.errorCode == XAException.XAER_NOTA && (op.equals("rollback") || op.equals("forget"));
            boolean violation = x.errorCode < 0 && !redundant;
            trace.finish(e, "XAException(" + JtaNames.xaCode(x.errorCode) + ")" + (violation ? " [protocol]" : ""));
            throw x;
        }
    }

    /**
     * Runs the scenario's hook, then gives the scripted reply: waits its delay, and throws its
     * failure (after updating the branch as a real RM would). Returns it when it is a normal answer.
     */
    private Reply answer(TraceEvent e, Op op, XidKey k) throws XAException {
        Reply reply = scripted.get(op).poll();
        if (reply == null) {
            reply = defaults.get(op);
        }
        Runnable hook = hooks.get(op);
        if (hook != null) {
            hook.run();
        }
        pause(reply.delay());
        if (reply.crash() != null) {
            trace.finish(e, "RuntimeException");
            throw new IllegalStateException(reply.crash());
        }
        if (reply.xaError() != null) {
            int code = reply.xaError();
            rm.failed(k, code);
            trace.finish(e, "XAException(" + JtaNames.xaCode(code) + ")");
            throw new XAException(code);
        }
        return reply;
    }

    private static void pause(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }
}
