package dev.dtc.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The durable decision log (API stub: the implementation is being written).
 */
public final class DecisionLog implements AutoCloseable {

    /** Opens (creating if needed) the log in a directory, takes its lock and reads every segment. */
    public static DecisionLog open(Path directory, LogConfig config) throws IOException {
        throw new UnsupportedOperationException("not yet");
    }

    /** Transactions with a DECISION or HEURISTIC record and no END, with those records in log order. */
    public Map<String, List<LogRecord>> pendingAtOpen() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Appends and returns once the record is durable; concurrent callers share one write and one force. */
    public void appendForced(LogRecord record) throws IOException {
        throw new UnsupportedOperationException("not yet");
    }

    /** Appends without waiting for the force (used for END records: losing one only repeats recovery work). */
    public void append(LogRecord record) throws IOException {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public void close() throws IOException {
    }
}
