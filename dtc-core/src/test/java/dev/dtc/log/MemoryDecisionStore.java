package dev.dtc.log;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A decision store in memory, for tests only. No durability: a reference implementation of the contract
 * ({@code DecisionStoreContract}) and a store tests can make fail ({@link Storage#failNextAppendForced}).
 *
 * <p>The records live in a {@link Storage}, the stand-in for a directory or a database: it outlives the stores
 * opened on it, so a test can close a store and open its storage again as a restarted coordinator would, but it
 * dies with the JVM. Every append is in the storage when it returns, forced or not, so close has nothing to make
 * durable. As with {@link DecisionLog}, a storage belongs to the first node that opens it, serves one open store
 * at a time, and a closed store refuses appends.
 *
 * <p>Thread-safe: one lock per storage, held only while maps are read or changed (nothing here blocks).
 */
public final class MemoryDecisionStore implements DecisionStore {

    private final Storage storage;
    private final Map<String, List<LogRecord>> pendingAtOpen;
    private boolean closed; // guarded by storage.lock

    private MemoryDecisionStore(Storage storage, Map<String, List<LogRecord>> pendingAtOpen) {
        this.storage = storage;
        this.pendingAtOpen = pendingAtOpen;
    }

    @Override
    public Map<String, List<LogRecord>> pendingAtOpen() {
        return pendingAtOpen;
    }

    @Override
    public void appendForced(LogRecord record) throws IOException {
        append(record, true);
    }

    @Override
    public void append(LogRecord record) throws IOException {
        append(record, false);
    }

    private void append(LogRecord record, boolean forced) throws IOException {
        Objects.requireNonNull(record, "record");
        storage.lock.lock();
        try {
            if (closed) {
                throw new IOException(describe() + " is closed");
            }
            if (forced && storage.failNextForced) {
                storage.failNextForced = false;
                if (storage.keepFailedRecord) {
                    storage.apply(record);
                }
                throw new IOException("appendForced of " + record + " to " + describe() + " failed because the test"
                        + " asked it to (the record was " + (storage.keepFailedRecord ? "kept" : "not kept") + ")");
            }
            storage.apply(record);
        } finally {
            storage.lock.unlock();
        }
    }

    @Override
    public String describe() {
        return storage.name + " of node '" + storage.nodeName + "' (test only, not durable)";
    }

    /** Idempotent; the storage may then be opened again. */
    @Override
    public void close() {
        storage.lock.lock();
        try {
            if (!closed) {
                closed = true;
                storage.openStore = null;
            }
        } finally {
            storage.lock.unlock();
        }
    }

    /**
     * What the records live in: the opener of the stores on it. A new storage is empty and belongs to no node until
     * the first open.
     */
    public static final class Storage implements DecisionStore.Opener {

        private static final AtomicInteger NUMBERS = new AtomicInteger();

        private final String name = "in-memory decision store " + NUMBERS.incrementAndGet();
        private final ReentrantLock lock = new ReentrantLock();
        /** Transactions with a DECISION or HEURISTIC record and no later END, each with its records in append order. */
        private final Map<String, List<LogRecord>> pending = new LinkedHashMap<>();
        private String nodeName;
        private MemoryDecisionStore openStore;
        private boolean failNextForced;
        private boolean keepFailedRecord;

        /**
         * @throws IOException if a store on this storage is open, or the storage belongs to another node (the
         *                     message names both nodes)
         */
        @Override
        public MemoryDecisionStore open(String nodeName) throws IOException {
            Objects.requireNonNull(nodeName, "nodeName");
            lock.lock();
            try {
                if (openStore != null) {
                    throw new IOException(name + " is already open for node '" + this.nodeName + "': close that store"
                            + " first (one coordinator writes a store at a time)");
                }
                if (this.nodeName == null) {
                    this.nodeName = nodeName;
                } else if (!this.nodeName.equals(nodeName)) {
                    throw new IOException(name + " belongs to node '" + this.nodeName + "', not to '" + nodeName
                            + "': open it as '" + this.nodeName + "', or give node '" + nodeName + "' a store of its own");
                }
                openStore = new MemoryDecisionStore(this, snapshot());
                return openStore;
            } finally {
                lock.unlock();
            }
        }

        /**
         * Makes the next {@code appendForced} on a store of this storage throw an IOException, as a failed write or
         * force would. The contract leaves it open whether such a record is durable; {@code keepRecord} chooses:
         * true for a force that failed after the record reached the storage, false for a write that never did.
         * Only that one append fails.
         */
        public void failNextAppendForced(boolean keepRecord) {
            lock.lock();
            try {
                failNextForced = true;
                keepFailedRecord = keepRecord;
            } finally {
                lock.unlock();
            }
        }

        /** Applies a record as a reader of the storage sees it: END forgets the transaction (an unknown one is ignored). */
        private void apply(LogRecord record) {
            if (record.type() == RecordType.END) {
                pending.remove(record.txId());
            } else {
                pending.computeIfAbsent(record.txId(), tx -> new ArrayList<>(2)).add(record);
            }
        }

        private Map<String, List<LogRecord>> snapshot() {
            Map<String, List<LogRecord>> copy = new LinkedHashMap<>();
            pending.forEach((tx, records) -> copy.put(tx, List.copyOf(records)));
            return Collections.unmodifiableMap(copy);
        }
    }
}
