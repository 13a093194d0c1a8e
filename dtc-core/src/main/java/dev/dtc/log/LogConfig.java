package dev.dtc.log;

/**
 * Settings of the decision log.
 *
 * @param segmentBytes size at which the active segment is closed and a new one started
 */
public record LogConfig(long segmentBytes) {
    public static final long DEFAULT_SEGMENT_BYTES = 16L * 1024 * 1024;

    public static LogConfig defaults() {
        return new LogConfig(DEFAULT_SEGMENT_BYTES);
    }
}
