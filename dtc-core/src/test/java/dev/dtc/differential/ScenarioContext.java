package dev.dtc.differential;

import jakarta.transaction.Status;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.UserTransaction;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * What a scenario works with: the manager's three interfaces, factories of recording resources
 * and synchronizations, and recorded shortcuts for the JTA calls scenarios make most. Every
 * shortcut records "call -> outcome" on this context's lane ("app", or "t2" for the second
 * thread of a scenario) and swallows the exception, so the outcome is compared, not asserted.
 */
final class ScenarioContext {

    /** Generous: it only bounds how long a manager that never acts makes a scenario wait. */
    static final Duration AWAIT = Duration.ofSeconds(60);

    private final ManagerUnderTest manager;
    private final Trace trace;
    private final String lane;
    private final Recorder recorder;
    private final RecordingResource.ResourceManagers rms;

    ScenarioContext(ManagerUnderTest manager, Trace trace) {
        this(manager, trace, "app", new RecordingResource.ResourceManagers() {
            private final java.util.Map<String, SimulatedResourceManager> byName = new java.util.concurrent.ConcurrentHashMap<>();

            @Override
            public SimulatedResourceManager apply(String name) {
                return byName.computeIfAbsent(name, n -> new SimulatedResourceManager());
            }
        });
    }

    private ScenarioContext(ManagerUnderTest manager, Trace trace, String lane, RecordingResource.ResourceManagers rms) {
        this.manager = manager;
        this.rms = rms;
        this.trace = trace;
        this.lane = lane;
        this.recorder = new Recorder(trace, lane, TraceEvent.Kind.APP);
    }

    TransactionManager tm() {
        return manager.transactionManager();
    }

    UserTransaction ut() {
        return manager.userTransaction();
    }

    TransactionSynchronizationRegistry tsr() {
        return manager.registry();
    }

    RecordingResource resource(String name) {
        if (!name.startsWith("r")) {
            throw new IllegalArgumentException("resource lanes start with 'r': " + name);
        }
        return new RecordingResource(name, trace, rms);
    }

    /** A synchronization; name it "s…" to register it normally, "i…" to register it interposed. */
    RecordingSynchronization sync(String name) {
        if (!name.startsWith("s") && !name.startsWith("i")) {
            throw new IllegalArgumentException("synchronization lanes start with 's' or 'i': " + name);
        }
        return new RecordingSynchronization(name, trace);
    }

    /** Records calls made from inside a callback, on that participant's lane. */
    Recorder in(String otherLane) {
        TraceEvent.Kind kind = otherLane.startsWith("r") ? TraceEvent.Kind.RESOURCE : TraceEvent.Kind.SYNC;
        return new Recorder(trace, otherLane, kind);
    }

    Recorder app() {
        return recorder;
    }

    // --- recorded shortcuts ------------------------------------------------------------------

    boolean call(String label, Recorder.Call call) {
        return recorder.call(label, call);
    }

    <T> T value(String label, Recorder.Query<T> query) {
        return recorder.value(label, query);
    }

    void begin() {
        call("begin", () -> tm().begin());
    }

    void commit() {
        call("commit", () -> tm().commit());
    }

    void rollback() {
        call("rollback", () -> tm().rollback());
    }

    void setRollbackOnly() {
        call("setRollbackOnly", () -> tm().setRollbackOnly());
    }

    void status() {
        recorder.status("getStatus", () -> tm().getStatus());
    }

    /** {@code Transaction.getStatus()} of a transaction object held by the scenario. */
    void status(String label, Transaction tx) {
        recorder.status(label + ".getStatus", tx::getStatus);
    }

    void timeout(int seconds) {
        call("setTransactionTimeout(" + seconds + ")", () -> tm().setTransactionTimeout(seconds));
    }

    /** The current transaction, recorded as "a transaction" or "null". */
    Transaction getTransaction() {
        return recorder.value("getTransaction", () -> tm().getTransaction(), ScenarioContext::describe);
    }

    /** The current transaction, not recorded: for scenarios that need the object itself. */
    Transaction current() throws Exception {
        return tm().getTransaction();
    }

    void enlist(RecordingResource r) {
        recorder.value("enlistResource(" + r.name() + ")", () -> tm().getTransaction().enlistResource(r));
    }

    void enlist(Transaction tx, RecordingResource r) {
        recorder.value("tx.enlistResource(" + r.name() + ")", () -> tx.enlistResource(r));
    }

    void delist(RecordingResource r, int flag) {
        recorder.value("delistResource(" + r.name() + ", " + JtaNames.flags(flag) + ")",
                () -> tm().getTransaction().delistResource(r, flag));
    }

    void register(RecordingSynchronization s) {
        if (s.interposed()) {
            call("registerInterposedSynchronization(" + s.lane() + ")", () -> tsr().registerInterposedSynchronization(s));
        } else {
            call("registerSynchronization(" + s.lane() + ")", () -> tm().getTransaction().registerSynchronization(s));
        }
    }

    Transaction suspend() {
        return recorder.value("suspend", () -> tm().suspend(), ScenarioContext::describe);
    }

    void resume(Transaction tx) {
        call("resume(" + describe(tx) + ")", () -> tm().resume(tx));
    }

    /**
     * Waits until the manager's own threads have made a call (a timeout's rollback, a background
     * retry). Only a wait that times out is recorded, so the trace shows a manager that never did it.
     */
    void await(String awaitedLane, String operation) throws InterruptedException {
        await(awaitedLane + " " + operation,
                e -> e.lane().equals(awaitedLane) && e.operation().equals(operation));
    }

    void await(String label, Predicate<TraceEvent> match) throws InterruptedException {
        awaitUpTo(label, match, AWAIT);
    }

    /**
     * Waits at most {@code limit} for something one manager does on its own and the other may
     * never do (a background retry); the "timed out" note is then part of that manager's trace.
     * The limit is far above the first retry delay of dtc (100 ms), so it is not a race, and it
     * bounds what the wait costs on a manager that does not retry.
     */
    void awaitUpTo(String label, Predicate<TraceEvent> match, Duration limit) throws InterruptedException {
        awaitUpTo(label, match, 1, limit);
    }

    private void awaitUpTo(String label, Predicate<TraceEvent> match, int count, Duration limit)
            throws InterruptedException {
        if (!trace.awaitFinished(match, count, limit)) {
            recorder.note("await(" + label + ")", "timed out");
        }
    }

    /** Waits until {@code lane} has made its {@code n}th call of {@code operation}, at most {@code limit}. */
    void awaitNth(String awaitedLane, String operation, int n, Duration limit) throws InterruptedException {
        awaitUpTo(awaitedLane + " " + operation + " #" + n,
                e -> e.lane().equals(awaitedLane) && e.operation().equals(operation), n, limit);
    }

    /** Waits until a status read through {@code tx} gives {@code expected}; records only a timeout. */
    void awaitStatus(Transaction tx, int expected) throws Exception {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (tx.getStatus() != expected) {
            if (System.nanoTime() > deadline) {
                recorder.note("await(tx status " + JtaNames.status(expected) + ")", "timed out");
                return;
            }
            Thread.sleep(20);
        }
    }

    /** Runs {@code body} on a new thread (lane "t2") and waits for it to end. */
    void onOtherThread(Scenario body) throws Exception {
        ScenarioContext other = new ScenarioContext(manager, trace, "t2", rms);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                body.run(other);
            } catch (Throwable e) {
                failure.set(e);
            } finally {
                ManagerUnderTest.resetThread(other.tm());
            }
        }, "scenario-t2");
        t.start();
        t.join(AWAIT.toMillis());
        if (t.isAlive()) {
            throw new AssertionError("the scenario's second thread did not finish in " + AWAIT);
        }
        if (failure.get() != null) {
            throw new AssertionError("the scenario's second thread failed", failure.get());
        }
    }

    static void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    static String describe(Transaction tx) {
        return tx == null ? "null" : "a transaction";
    }

    static boolean isFinal(int status) {
        return status == Status.STATUS_COMMITTED || status == Status.STATUS_ROLLEDBACK
                || status == Status.STATUS_NO_TRANSACTION;
    }
}
