package dev.dtc.internal.twopc;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import javax.transaction.xa.XAException;

/**
 * Runs a call to a participant (which may block in a database driver or on the network) so
 * that the phase executor stays live. The phase executor is a {@link ForkJoinPool}: its workers
 * spin briefly before parking, so handing a prepare to it and getting the answer back costs a
 * few microseconds instead of the park/unpark round trip of a thread-per-task pool. A worker
 * that blocks does so inside {@link ForkJoinPool#managedBlock}, which lets the pool start a
 * spare worker meanwhile, so one slow database cannot starve the calls to the others.
 */
final class BlockingCall {

    @FunctionalInterface
    interface XaCall<T> {
        T call() throws XAException;
    }

    private BlockingCall() {
    }

    /** As {@link #run(XaCall)}, and records how long the call to the branch's resource took. */
    static <T> T run(Branch b, CallTimes times, XaCall<T> call) throws XAException {
        long start = System.nanoTime();
        try {
            return run(call);
        } finally {
            times.record(b, System.nanoTime() - start);
        }
    }

    static <T> T run(XaCall<T> call) throws XAException {
        if (!(Thread.currentThread() instanceof ForkJoinWorkerThread)) {
            return call.call();
        }
        Blocker<T> b = new Blocker<>(call);
        try {
            ForkJoinPool.managedBlock(b);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw (XAException) new XAException(XAException.XAER_RMFAIL).initCause(e);
        }
        if (b.xaError != null) {
            throw b.xaError;
        }
        if (b.runtimeError != null) {
            throw b.runtimeError;
        }
        return b.result;
    }

    private static final class Blocker<T> implements ForkJoinPool.ManagedBlocker {
        private final XaCall<T> call;
        private boolean done;
        private T result;
        private XAException xaError;
        private RuntimeException runtimeError;

        Blocker(XaCall<T> call) {
            this.call = call;
        }

        @Override
        public boolean block() {
            try {
                result = call.call();
            } catch (XAException e) {
                xaError = e;
            } catch (RuntimeException e) {
                runtimeError = e;
            }
            done = true;
            return true;
        }

        @Override
        public boolean isReleasable() {
            return done;
        }
    }
}
