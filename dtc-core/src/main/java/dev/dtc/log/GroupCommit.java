package dev.dtc.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit by leader and followers: concurrent callers share one write and one force.
 *
 * <p>A caller encodes its record into the filling {@link Batch} under a short lock. If nobody is
 * writing, it becomes the leader: it takes the filling batch (an empty one takes its place), and
 * writes and forces it without holding the lock, while later callers fill the other batch. When
 * the force returns, the leader wakes that batch's callers and, if the other batch has filled
 * meanwhile, writes it too (up to {@link #MAX_ROUNDS} rounds, then it hands leadership to a
 * waiting caller so no caller is kept writing for others forever).
 *
 * <p>Why a leader rather than a dedicated writer thread: a lone caller pays one write and one
 * force on its own thread, with no hand-off to another thread and back (two wake-ups, tens of
 * microseconds on a busy two-core machine, next to a force of about 75 µs). Under load the batch
 * grows to whatever arrived during the previous force, so forces per record fall as threads rise.
 *
 * <p>Each batch has a generation number; callers wait on one of two conditions by the parity of
 * their generation. Only two generations can have waiters at once (the one being written and the
 * one filling), so a finished round wakes exactly its own callers and nobody else. No lock is held
 * during I/O, and nothing here is {@code synchronized}.
 */
final class GroupCommit {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    /** Bounds how long one caller keeps writing other callers' batches. */
    private static final int MAX_ROUNDS = 16;

    private final Path directory;
    private final SegmentStore store;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition[] written = {lock.newCondition(), lock.newCondition()};
    private final Condition leaderGone = lock.newCondition();
    /** Encodes frames under {@link #lock}. */
    private final CRC32C crc = new CRC32C();
    private Batch filling = new Batch();
    private Batch spare = new Batch();
    private long fillingGeneration = 1;
    /** Every generation up to this one is written, and forced if anybody in it asked. */
    private long writtenGeneration;
    private boolean leaderActive;
    private boolean closed;
    private Throwable failure;

    GroupCommit(Path directory, SegmentStore store) {
        this.directory = directory;
        this.store = store;
    }

    void appendForced(LogRecord record) throws IOException {
        lock.lock();
        try {
            long generation = enqueue(record, true);
            while (writtenGeneration < generation) {
                if (failure != null) {
                    throw failed();
                }
                if (leaderActive) {
                    // Uninterruptible: the record is queued and will be written; the caller must
                    // learn whether it became durable, not walk away from a decision in flight.
                    written[parity(generation)].awaitUninterruptibly();
                } else {
                    lead();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    void append(LogRecord record) throws IOException {
        lock.lock();
        try {
            long generation = enqueue(record, false);
            // With a leader at work the record rides along with its next round; otherwise write it
            // now (no force), so it reaches the file even if no other record follows for a while.
            if (!leaderActive) {
                lead();
                if (writtenGeneration < generation && failure != null) {
                    throw failed();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Writes and forces everything queued, then rejects further appends. Returns false if it was already closed. */
    boolean close() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return false;
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
        } finally {
            lock.unlock();
        }
        if (failure != null) {
            store.closeQuietly();
            return true;
        }
        store.close();
        return true;
    }

    private long enqueue(LogRecord record, boolean force) throws IOException {
        if (closed) {
            throw new IOException("decision log in " + directory + " is closed");
        }
        if (failure != null) {
            throw failed();
        }
        filling.add(record, force, crc);
        return fillingGeneration;
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
                boolean roll = false;
                lock.unlock();
                try {
                    store.write(batch);
                    roll = store.needsRoll();
                } catch (Throwable t) {
                    error = t;
                } finally {
                    lock.lock();
                }
                batch.clear();
                spare = batch;
                if (error != null) {
                    fail(error);
                    return;
                }
                writtenGeneration = generation;
                written[parity(generation)].signalAll();

                if (roll) {
                    // After waking the batch's callers: their records are durable, the roll is not their cost.
                    lock.unlock();
                    try {
                        store.roll();
                    } catch (Throwable t) {
                        error = t;
                    } finally {
                        lock.lock();
                    }
                    if (error != null) {
                        fail(error);
                        return;
                    }
                }
                if (filling.isEmpty()) {
                    return;
                }
                if (round == MAX_ROUNDS) {
                    // Hand over to one caller of the filling batch; if only unforced records are
                    // queued nobody waits, and they go out with the next append or at close.
                    written[parity(fillingGeneration)].signal();
                    return;
                }
            }
        } finally {
            leaderActive = false;
            leaderGone.signalAll();
        }
    }

    /** After a failed write or force nothing written since the last good force can be trusted (the page cache may have dropped it). */
    private void fail(Throwable error) {
        failure = error;
        LOG.error("Decision log {} failed; no more records are accepted. Restart the coordinator: start-up recovers"
                + " from what is on disk.", directory, error);
        written[0].signalAll();
        written[1].signalAll();
    }

    private IOException failed() {
        return new IOException("decision log in " + directory + " stopped after a write or force failed (" + failure
                + "); records not acknowledged before that may be lost. Restart the coordinator: start-up recovers"
                + " from what is on disk.", failure);
    }

    private static int parity(long generation) {
        return (int) (generation & 1);
    }
}
