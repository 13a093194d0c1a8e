package dev.dtc.testdb;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Runs a start-up at most once per JVM and hands every caller its result, or the same failure again.
 *
 * <p>Not a class-holder idiom: a failed static initialiser turns into NoClassDefFoundError for every later
 * test, which hides the message that says what to set. A lock rather than {@code synchronized}, because the
 * start-up blocks for seconds (virtual threads would pin on a monitor).
 */
final class StartOnce<T> {

    private final Supplier<T> start;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile T value;
    private RuntimeException failure;

    StartOnce(Supplier<T> start) {
        this.start = start;
    }

    T get() {
        T v = value;
        if (v != null) {
            return v;
        }
        lock.lock();
        try {
            if (value != null) {
                return value;
            }
            if (failure != null) {
                // a new exception, so each failing test shows its own stack trace and the original cause
                throw new IllegalStateException(failure.getMessage(), failure);
            }
            try {
                value = start.get();
                return value;
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }
}
