package dev.dtc.log;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Start-up found a damaged record that is not a torn final write. The log is left exactly as it
 * was found: a damaged record may be a commit decision, so it is never skipped.
 */
public final class LogCorruptedException extends IOException {

    private final transient Path file;
    private final long offset;

    LogCorruptedException(Path file, long offset, String problem) {
        super("Decision log damaged: " + file + " at byte offset " + offset + ": " + problem
                + ". dtc will not start on a log it cannot trust, and it never skips a damaged record because it may"
                + " be a commit decision. The log was not modified. Do not delete or edit it: copy the directory"
                + " aside and follow \"Start-up reports a damaged record\" in docs/log-format.md"
                + " (java -cp dtc-core.jar dev.dtc.log.LogInspector " + (file.getParent() == null ? "<dir>" : file.getParent())
                + " lists every record and the damage).");
        this.file = file;
        this.offset = offset;
    }

    /** The damaged segment file. */
    public Path file() {
        return file;
    }

    /** Byte offset of the damaged frame (or header) in {@link #file()}. */
    public long offset() {
        return offset;
    }
}
