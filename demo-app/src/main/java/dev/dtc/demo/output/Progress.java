package dev.dtc.demo.output;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Progress of long set-up steps (unpacking and starting the embedded databases) on stderr, so a first run that
 * takes half a minute is never silent, and stdout stays clean for the command's own output (and for {@code --json}).
 *
 * <p>A step prints one line when it starts and one when it ends; a step still running after a few seconds
 * prints a "still ..." line every few seconds.
 */
public final class Progress implements AutoCloseable {

    private static final long TICK_SECONDS = 5;

    private final PrintStream err;
    private final boolean quiet;
    private final ScheduledExecutorService ticker;

    public Progress(PrintStream err, boolean quiet) {
        this.err = err;
        this.quiet = quiet;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dtc-demo-progress");
            t.setDaemon(true);
            return t;
        });
    }

    /** A progress that prints nothing (for tests that drive the shop directly). */
    public static Progress silent() {
        return new Progress(System.err, true);
    }

    /** One line of information, e.g. what recovery found. */
    public void note(String message) {
        if (!quiet) {
            err.println("dtc-demo: " + message);
            err.flush();
        }
    }

    /** Starts a step; close the returned handle when it is done. */
    public Step step(String what) {
        note(what + " ...");
        long started = System.nanoTime();
        ScheduledFuture<?> tick = quiet ? null : ticker.scheduleAtFixedRate(() -> note("  still " + what + " ("
                + seconds(System.nanoTime() - started) + ")"), TICK_SECONDS, TICK_SECONDS, TimeUnit.SECONDS);
        return new Step(what, started, tick);
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }

    /** A running step. */
    public final class Step implements AutoCloseable {
        private final String what;
        private final long started;
        private final ScheduledFuture<?> tick;

        private Step(String what, long started, ScheduledFuture<?> tick) {
            this.what = what;
            this.started = started;
            this.tick = tick;
        }

        /** Ends the step with a result, e.g. "ready on port 5433". */
        public void done(String result) {
            stopTicking();
            note("  " + result + " (" + seconds(System.nanoTime() - started) + ")");
        }

        /** How long the step has run. */
        public Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - started);
        }

        private void stopTicking() {
            if (tick != null) {
                tick.cancel(false);
            }
        }

        /** Ends the step without a result line (it failed, and the failure says why). */
        @Override
        public void close() {
            stopTicking();
        }

        @Override
        public String toString() {
            return what;
        }
    }
}
