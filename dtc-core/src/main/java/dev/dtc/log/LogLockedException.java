package dev.dtc.log;

import java.io.IOException;
import java.nio.file.Path;

/** Another coordinator already uses the log directory; two writers would interleave and corrupt it. */
public final class LogLockedException extends IOException {

    private final transient Path directory;

    LogLockedException(Path directory, String reason) {
        super("Decision log directory " + directory + " is locked: " + reason
                + ". Only one coordinator may use a log directory at a time: stop the other one,"
                + " or give this one its own directory.");
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }
}
