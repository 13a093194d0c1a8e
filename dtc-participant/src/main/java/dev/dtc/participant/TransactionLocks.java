package dev.dtc.participant;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per transaction id, so that prepare, commit, rollback and recovery of one transaction never overlap
 * in this process while different transactions never wait for each other (no global lock). A lock exists only
 * while someone holds or waits for it: entries are counted and removed by the last one out.
 *
 * <p>ReentrantLock rather than {@code synchronized}: a holder blocks on the database and the network, which
 * would pin a virtual thread's carrier inside a monitor.
 */
final class TransactionLocks {

    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock();
        int users; // guarded by the map's compute on this entry's key
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    /** A held lock on one transaction id; close it to release. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** Waits for the transaction's lock. */
    Held lock(String transactionId) {
        Entry e = join(transactionId);
        e.lock.lock();
        return () -> release(transactionId, e);
    }

    /** The transaction's lock if nobody holds it now, else null (recovery leaves busy transactions alone). */
    Held tryLock(String transactionId) {
        Entry e = join(transactionId);
        if (e.lock.tryLock()) {
            return () -> release(transactionId, e);
        }
        leave(transactionId);
        return null;
    }

    /** Whether some call holds or waits for the transaction's lock now. */
    boolean busy(String transactionId) {
        return entries.containsKey(transactionId);
    }

    private Entry join(String transactionId) {
        return entries.compute(transactionId, (k, e) -> {
            Entry entry = e == null ? new Entry() : e;
            entry.users++;
            return entry;
        });
    }

    private void release(String transactionId, Entry e) {
        e.lock.unlock();
        leave(transactionId);
    }

    private void leave(String transactionId) {
        entries.computeIfPresent(transactionId, (k, current) -> --current.users == 0 ? null : current);
    }
}
