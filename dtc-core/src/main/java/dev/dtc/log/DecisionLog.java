package dev.dtc.log;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable decision log: append-only segment files in one directory, records framed with length
 * and CRC32C, concurrent forced appends sharing one write and one force. The byte layout, the
 * start-up rules and the operator's runbook are in docs/log-format.md.
 *
 * <p>Thread-safe. Several logs may be open in one JVM on different directories.
 */
public final class DecisionLog implements DecisionStore {

    private static final Logger LOG = LoggerFactory.getLogger(DecisionLog.class);
    /**
     * Unforced records held back for a forced append to carry, at most: beyond this the appender
     * writes them. A quarter segment at most, so held-back records cannot overshoot a roll by much.
     */
    private static final int UNFORCED_MAX_BYTES = 64 * 1024;

    private final Path directory;
    private final DirectoryLock lock;
    private final SegmentStore store;
    private final GroupCommit writer;
    private final Map<String, List<LogRecord>> pendingAtOpen;

    private DecisionLog(Path directory, DirectoryLock lock, SegmentStore store, Map<String, List<LogRecord>> pendingAtOpen,
                        LogConfig config, long unforcedDelayNanos) {
        this.directory = directory;
        this.lock = lock;
        this.store = store;
        this.writer = new GroupCommit(directory, store, unforcedDelayNanos,
                (int) Math.min(UNFORCED_MAX_BYTES, config.segmentBytes() / 4));
        this.pendingAtOpen = pendingAtOpen;
    }

    /**
     * The store of a coordinator: {@link #open(Path, LogConfig, String)} on {@code directory} for the node that
     * opens it.
     */
    public static DecisionStore.Opener opener(Path directory, LogConfig config) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(config, "config");
        return nodeName -> open(directory, config, nodeName);
    }

    /**
     * Opens (creating if needed) the log of node {@code nodeName} in a directory: takes its lock, records the
     * node name on first use and checks it afterwards, and reads every segment.
     *
     * @throws LogLockedException        another process, or another log in this JVM, uses the directory
     * @throws NodeNameMismatchException the directory belongs to another node
     * @throws LogCorruptedException     a damaged record that is not a torn final write; nothing was changed
     */
    public static DecisionLog open(Path directory, LogConfig config, String nodeName) throws IOException {
        Objects.requireNonNull(nodeName, "nodeName");
        return open(directory, config, nodeName, GroupCommit.UNFORCED_DELAY_NANOS);
    }

    /**
     * Opens the log without claiming it for a node: for tools and tests that read or write records only. A
     * coordinator opens its log with {@link #open(Path, LogConfig, String)}.
     */
    public static DecisionLog open(Path directory, LogConfig config) throws IOException {
        return open(directory, config, null, GroupCommit.UNFORCED_DELAY_NANOS);
    }

    /** With another delay for unforced records: tests use a long one to see them ride with a forced append. */
    static DecisionLog open(Path directory, LogConfig config, long unforcedDelayNanos) throws IOException {
        return open(directory, config, null, unforcedDelayNanos);
    }

    private static DecisionLog open(Path directory, LogConfig config, String nodeName, long unforcedDelayNanos)
            throws IOException {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(config, "config");
        createDirectory(directory);
        DirectoryLock lock = DirectoryLock.acquire(directory);
        try {
            Path dir = lock.directory();
            if (nodeName != null) {
                NodeIdentity.claim(dir, nodeName);
            }
            StartupScan.Result scan = StartupScan.scan(dir);
            Map<String, List<LogRecord>> pending = scan.pending().snapshot();
            SegmentStore store = SegmentStore.start(dir, config, scan);
            LOG.info("Decision log {} opened: {} pending transactions", dir, pending.size());
            DecisionLog log = new DecisionLog(dir, lock, store, pending, config, unforcedDelayNanos);
            log.writer.start();
            return log;
        } catch (IOException | RuntimeException | Error e) {
            try {
                lock.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static void createDirectory(Path directory) throws IOException {
        try {
            DirectoryDurability.createDirectories(directory);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("decision log directory " + directory + " exists but is not a directory", e);
        } catch (IOException e) {
            throw new IOException("cannot create decision log directory " + directory + " (" + e
                    + "); choose a directory this process can create and write", e);
        }
    }

    /**
     * Transactions with a DECISION or HEURISTIC record and no END when the log was opened, each
     * with those records in log order. Unmodifiable; does not change as records are appended.
     */
    @Override
    public Map<String, List<LogRecord>> pendingAtOpen() {
        return pendingAtOpen;
    }

    /** Appends and returns once the record is durable; concurrent callers share one write and one force. */
    @Override
    public void appendForced(LogRecord record) throws IOException {
        writer.appendForced(Objects.requireNonNull(record, "record"));
    }

    /**
     * Appends without waiting for the force (used for END records: losing one only repeats recovery
     * work). The record is written with the next forced append, which forces it too; if none comes
     * within a few milliseconds, a background thread writes it (unforced), and close forces it. A
     * record appended after another one returned is never written before it.
     */
    @Override
    public void append(LogRecord record) throws IOException {
        writer.append(Objects.requireNonNull(record, "record"));
    }

    public LogStats stats() {
        return store.stats();
    }

    /** The log directory, as a real path. */
    public Path directory() {
        return directory;
    }

    @Override
    public String describe() {
        return "decision log " + directory;
    }

    /** Writes and forces what is queued, closes the files and releases the lock. Idempotent. */
    @Override
    public void close() throws IOException {
        try {
            writer.close();
        } finally {
            lock.close();
        }
    }
}
