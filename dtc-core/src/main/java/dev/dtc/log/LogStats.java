package dev.dtc.log;

/**
 * Counters of one open decision log, for tests, benchmarks and monitoring.
 *
 * @param forces              fsyncs of segment files (one per group commit, plus one or two per new segment;
 *                            not those of the background thread that zero-fills the next segment)
 * @param writes              write calls for batches of appended records (ENDs usually share the next
 *                            forced append's)
 * @param recordsWritten      records appended by callers (records copied forward at a roll are not counted)
 * @param bytesWritten        every byte written to segment files, headers and copied records included,
 *                            the zero fill of preallocated space not
 * @param rolls               segments started because the active one was full
 * @param segmentsDeleted     old segments deleted after their pending records were copied forward
 * @param liveSegments        segment files in the directory now
 * @param pendingTransactions transactions decided and not ended, as written so far (an END held back for
 *                            the next forced append is not written yet)
 */
public record LogStats(long forces, long writes, long recordsWritten, long bytesWritten, long rolls,
                       long segmentsDeleted, int liveSegments, int pendingTransactions) {
}
