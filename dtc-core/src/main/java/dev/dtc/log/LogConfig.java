package dev.dtc.log;

/**
 * Settings of the decision log.
 *
 * @param segmentBytes how many bytes of new records the active segment takes before the log rolls
 *                     to a new one (copying still-pending records forward and deleting the old
 *                     segments); between {@value #MIN_SEGMENT_BYTES} and {@value #MAX_SEGMENT_BYTES}
 */
public record LogConfig(long segmentBytes) {
    public static final long DEFAULT_SEGMENT_BYTES = 16L * 1024 * 1024;
    /** Small enough for tests that want many rolls, large enough to hold a few records. */
    public static final long MIN_SEGMENT_BYTES = 1024;
    /** Start-up reads a segment into memory in one piece. */
    public static final long MAX_SEGMENT_BYTES = 1L << 30;

    public LogConfig {
        if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > MAX_SEGMENT_BYTES) {
            throw new IllegalArgumentException("decision log segmentBytes must be between " + MIN_SEGMENT_BYTES + " and "
                    + MAX_SEGMENT_BYTES + " (1 GiB), got " + segmentBytes);
        }
    }

    public static LogConfig defaults() {
        return new LogConfig(DEFAULT_SEGMENT_BYTES);
    }
}
