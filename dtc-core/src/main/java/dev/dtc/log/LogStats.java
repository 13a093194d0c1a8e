package dev.dtc.log;

/**
 * Counters of one open decision log, for tests, benchmarks and monitoring.
 *
 * @param forces              fsyncs of segment files (one per group commit, plus one per roll)
 * @param writes              write calls for batches of appended records
 * @param recordsWritten      records appended by callers (records copied forward at a roll are not counted)
 * @param bytesWritten        every byte written to segment files, headers and copied records included
 * @param rolls               segments started because the active one was full
 * @param segmentsDeleted     old segments deleted after their pending records were copied forward
 * @param liveSegments        segment files in the directory now
 * @param pendingTransactions transactions decided and not ended, as written so far
 */
public record LogStats(long forces, long writes, long recordsWritten, long bytesWritten, long rolls,
                       long segmentsDeleted, int liveSegments, int pendingTransactions) {
}
