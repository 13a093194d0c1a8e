package dev.dtc.demo.trace;

import dev.dtc.audit.AuditEvent;
import dev.dtc.audit.AuditListener;
import dev.dtc.audit.EventType;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Listens to every audit event of the transaction service and hands each to the {@link TransactionTrace} of its
 * transaction, naming branches after the participant whose connection enlisted them.
 *
 * <p>How a trace finds its transaction and its branches: dtc emits BEGIN and ENLIST on the thread that called
 * {@code begin()} and {@code getConnection()} (the pooled data source enlists inside {@code getConnection()}).
 * So the shop says which trace the next BEGIN on its thread belongs to, and which participant it is connecting
 * to ({@link #connect}); later events (prepare, votes, commit, sent from dtc's own threads) carry the transaction
 * id and the branch's Xid, which is all it takes to route them.
 *
 * <p>Events of no traced transaction (recovery of what an earlier process left) go to the other listeners.
 */
public final class TraceRecorder implements AuditListener {

    private final ThreadLocal<TransactionTrace> beginning = new ThreadLocal<>();
    private final ThreadLocal<String> connecting = new ThreadLocal<>();
    private final Map<String, TransactionTrace> byTransaction = new ConcurrentHashMap<>();
    private final List<Consumer<AuditEvent>> others = new CopyOnWriteArrayList<>();

    /** Receives the events that belong to no traced transaction. */
    public void onOtherEvents(Consumer<AuditEvent> listener) {
        others.add(listener);
    }

    /** The next transaction begun on this thread is traced by {@code trace}; call before {@code begin()}. */
    public void traceNextBegin(TransactionTrace trace) {
        beginning.set(trace);
    }

    /** Clears {@link #traceNextBegin}; call after {@code begin()}, whether it worked or not. */
    public void clearNextBegin() {
        beginning.remove();
    }

    /** Gets a connection from a participant's data source, naming the branch it enlists after the participant. */
    public Connection connect(String participant, DataSource dataSource) throws SQLException {
        connecting.set(participant);
        try {
            return dataSource.getConnection();
        } finally {
            connecting.remove();
        }
    }

    /** The transaction of the trace is over: stop routing its events. */
    public void finished(TransactionTrace trace) {
        String tx = trace.transactionId();
        if (tx != null) {
            byTransaction.remove(tx, trace);
        }
    }

    @Override
    public void onEvent(AuditEvent e) {
        if (e.type() == EventType.BEGIN) {
            TransactionTrace trace = beginning.get();
            if (trace != null) {
                trace.began(e.txId());
                byTransaction.put(e.txId(), trace);
            }
        }
        TransactionTrace trace = byTransaction.get(e.txId());
        if (trace == null) {
            others.forEach(l -> l.accept(e));
            return;
        }
        if (e.type() == EventType.ENLIST && connecting.get() != null) {
            trace.name(e.branch(), connecting.get());
        }
        trace.record(e);
    }
}
