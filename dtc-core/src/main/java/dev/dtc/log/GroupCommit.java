package dev.dtc.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit by leader and followers: concurrent callers share one write and one force.
 *
 * <p>A caller encodes its frame in its own thread, then takes a short lock to copy it into the
 * filling {@link Batch}. If nobody is writing, it becomes the leader: it takes the filling batch
 * (an empty one takes its place) and writes and forces it without holding the lock, while later
 * callers fill the other batch. When the force returns, the leader unparks that batch's callers
 * and, if the other batch has filled meanwhile, writes it too; after {@link #MAX_ROUNDS} rounds it
 * hands leadership to one of the waiting callers, so no caller writes for others forever.
 *
 * <p>Why a leader rather than a dedicated writer thread: a lone caller pays one write and one
 * force on its own thread, with no hand-off to another thread and back (two wake-ups, tens of
 * microseconds on a busy two-core machine, next to a force of about 75 µs). Under load a batch
 * holds whatever arrived during the previous force, so forces per record fall as threads rise.
 *
 * <p>Why waiters are unparked one by one instead of signalled on a {@code Condition}: a woken
 * {@code Condition} waiter must re-acquire the lock before it can return, so every round would
 * end in a convoy of dozens of threads queueing for the lock the next round needs, and with more
 * threads than cores a preempted lock holder stalls them all. Here a woken caller reads one
 * volatile field and returns. The lock is held only to copy a finished frame or swap batches,
 * never during I/O, and nothing here is {@code synchronized}.
 *
 * <p>Unforced records (ENDs) do not start a write of their own: they wait in the filling batch and
 * ride with the next forced append, which writes them in the same call. So a transaction costs one
 * {@code write} and one force, not two writes. Two bounds keep them from waiting long: when no
 * forced append has taken them within {@link #UNFORCED_DELAY_NANOS}, a flusher thread writes them
 * (without a force: a lost END only repeats recovery work), and when they exceed
 * {@code unforcedMaxBytes}, the appender writes them itself, as it did before. An END never reaches
 * the file before its DECISION: the END is appended after the DECISION's force returned, and
 * batches are written in the order they were filled, by one leader at a time.
 *
 * <p>Why a parked thread rather than a scheduled task per END: scheduling costs a timer-queue
 * insert and usually a wake-up of the timer thread for every transaction. The flusher is unparked
 * only when unforced records arrive while it sleeps without a deadline; it then sleeps until the
 * oldest queued record is due, and finds it (usually) already carried by a forced append. So under
 * load it wakes about once or twice per {@link #UNFORCED_DELAY_NANOS}, never once per transaction.
 */
final class GroupCommit {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    /** Bounds how long one caller keeps writing other callers' batches. */
    private static final int MAX_ROUNDS = 16;
    /** How long an unforced record may wait for a forced append to carry it before the flusher writes it. */
    static final long UNFORCED_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final ThreadLocal<FrameEncoder> ENCODER = ThreadLocal.withInitial(FrameEncoder::new);

    private final Path directory;
    private final SegmentStore store;
    private final long unforcedDelayNanos;
    private final int unforcedMaxBytes;
    private final Thread flusher;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition leaderGone = lock.newCondition();
    private Batch filling = new Batch();
    private Batch spare = new Batch();
    private long fillingGeneration = 1;
    private boolean leaderActive;
    private boolean closed;
    /** Every batch up to this generation is written, and forced if anybody in it waited. */
    private volatile long writtenGeneration;
    private volatile Throwable failure;
    /** A waiting caller asked to take over from a leader that reached {@link #MAX_ROUNDS}. */
    private volatile Thread successor;
    /** The flusher sleeps with no deadline and must be unparked when unforced records arrive. */
    private boolean flusherIdle;

    /**
     * @param unforcedDelayNanos how long unforced records may wait for a forced append to carry them
     * @param unforcedMaxBytes   how many bytes of queued records make an unforced append write at once
     */
    GroupCommit(Path directory, SegmentStore store, long unforcedDelayNanos, int unforcedMaxBytes) {
        this.directory = directory;
        this.store = store;
        this.unforcedDelayNanos = unforcedDelayNanos;
        this.unforcedMaxBytes = unforcedMaxBytes;
        this.flusher = new Thread(this::flushUnforced, "dtc-log-flusher " + directory);
        flusher.setDaemon(true);
    }

    /** Starts the flusher; separate from the constructor so no thread sees a half-built object. */
    void start() {
        flusher.start();
    }

    void appendForced(LogRecord record) throws IOException {
        FrameEncoder frame = ENCODER.get().encode(record);
        long generation;
        lock.lock();
        try {
            generation = enqueue(frame, record, Thread.currentThread());
            if (!leaderActive) {
                lead();
            }
        } finally {
            lock.unlock();
        }
        awaitWritten(generation);
    }

    void append(LogRecord record) throws IOException {
        FrameEncoder frame = ENCODER.get().encode(record);
        lock.lock();
        try {
            long generation = enqueue(frame, record, null);
            // With a leader at work the record rides along with its next round. Otherwise it waits
            // for the next forced append, or for the flusher, unless enough is queued to write now.
            if (!leaderActive) {
                if (filling.length() >= unforcedMaxBytes) {
                    lead();
                    if (writtenGeneration < generation && failure != null) {
                        throw failed();
                    }
                } else {
                    wakeFlusher();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Writes and forces everything queued, then rejects further appends. */
    void close() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            while (true) {
                while (leaderActive) {
                    leaderGone.awaitUninterruptibly();
                }
                if (filling.isEmpty() || failure != null) {
                    break;
                }
                filling.requireForce();
                lead();
            }
            LockSupport.unpark(flusher); // it sees closed and ends
        } finally {
            lock.unlock();
        }
        if (failure != null) {
            store.closeQuietly();
        } else {
            store.close();
        }
    }

    /**
     * The flusher thread: writes unforced records that no forced append carried within
     * {@link #unforcedDelayNanos}. Holds the lock except while parked or writing.
     */
    private void flushUnforced() {
        lock.lock();
        try {
            while (!closed && failure == null) {
                long waitNanos = 0; // no deadline: until an unforced append wakes it
                if (!filling.isEmpty() && !leaderActive) {
                    long overdue = System.nanoTime() - filling.firstAddedNanos() - unforcedDelayNanos;
                    if (overdue >= 0) {
                        lead();
                        continue;
                    }
                    waitNanos = -overdue;
                } // with a leader at work there is nothing to do: a leader that stops with records queued wakes us
                flusherIdle = waitNanos == 0;
                lock.unlock();
                try {
                    if (waitNanos == 0) {
                        LockSupport.park(this);
                    } else {
                        LockSupport.parkNanos(this, waitNanos);
                    }
                } finally {
                    lock.lock();
                    flusherIdle = false;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Called with the lock held when records wait and no leader is active. */
    private void wakeFlusher() {
        if (flusherIdle) {
            flusherIdle = false;
            LockSupport.unpark(flusher);
        }
    }

    private long enqueue(FrameEncoder frame, LogRecord record, Thread waiter) throws IOException {
        if (closed) {
            throw new IOException("decision log in " + directory + " is closed");
        }
        if (failure != null) {
            throw failed();
        }
        filling.add(frame, record, waiter);
        return fillingGeneration;
    }

    /**
     * Uninterruptible: the record is queued and will be written; the caller must learn whether it
     * became durable, not walk away from a decision in flight. The interrupt status is kept.
     */
    private void awaitWritten(long generation) throws IOException {
        boolean interrupted = false;
        try {
            while (writtenGeneration < generation) {
                if (failure != null) {
                    throw failed();
                }
                if (successor == Thread.currentThread()) {
                    takeOver();
                    continue;
                }
                LockSupport.park(this);
                interrupted |= Thread.interrupted();
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void takeOver() {
        lock.lock();
        try {
            successor = null;
            if (!leaderActive && !filling.isEmpty()) {
                lead();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Called with the lock held; returns with it held. Writes rounds until nothing is queued. */
    private void lead() {
        leaderActive = true;
        try {
            for (int round = 1; ; round++) {
                Batch batch = filling;
                long generation = fillingGeneration;
                filling = spare;
                spare = null;
                fillingGeneration++;

                Throwable error = null;
                lock.unlock();
                try {
                    store.write(batch);
                    writtenGeneration = generation;
                    wake(batch.waiters());
                    if (store.needsRoll()) {
                        // After waking the batch's callers: their records are durable, the roll is not their cost.
                        store.roll();
                    }
                } catch (Throwable t) {
                    error = t;
                    failure = t;
                    wake(batch.waiters());
                } finally {
                    lock.lock();
                }
                batch.clear();
                spare = batch;
                if (error != null) {
                    fail(error);
                    return;
                }
                if (filling.isEmpty()) {
                    return;
                }
                if (round == MAX_ROUNDS) {
                    // If only unforced records are queued nobody waits; the flusher or the next forced append writes them.
                    List<Thread> waiting = filling.waiters();
                    if (!waiting.isEmpty()) {
                        successor = waiting.get(0);
                        LockSupport.unpark(successor);
                    }
                    return;
                }
            }
        } finally {
            leaderActive = false;
            leaderGone.signalAll();
            if (!filling.isEmpty()) {
                wakeFlusher();
            }
        }
    }

    private static void wake(List<Thread> waiters) {
        for (int i = 0; i < waiters.size(); i++) {
            LockSupport.unpark(waiters.get(i));
        }
    }

    /**
     * After a failed write or force nothing written since the last good force can be trusted (the
     * page cache may have dropped it). Called with the lock held.
     */
    private void fail(Throwable error) {
        failure = error;
        LOG.error("Decision log {} failed; no more records are accepted. Restart the coordinator: start-up recovers"
                + " from what is on disk.", directory, error);
        wake(filling.waiters());
    }

    private IOException failed() {
        return new IOException("decision log in " + directory + " stopped after a write or force failed (" + failure
                + "); records not acknowledged before that may be lost. Restart the coordinator: start-up recovers"
                + " from what is on disk.", failure);
    }
}
